// The in-memory dataset every loader produces: one float row per example, labels as class indices.
import type { Task } from '../config.js';

export interface Dataset {
  /** File name or "mnist", used in messages. */
  name: string;
  task: Task;
  /** n × featureSize values, row-major. */
  x: Float32Array;
  /** Class index (classification) or target value (regression). */
  y: Float32Array;
  n: number;
  /** Shape of one example: [features] for tables, [height, width, channels] for images. */
  shape: number[];
  /** Class names in index order (classification); empty for regression. */
  classes: string[];
  /** Feature indices to standardize (numeric CSV columns); images are already scaled to [0, 1]. */
  standardize: number[];
}

export function featureSize(d: Pick<Dataset, 'shape'>): number {
  return d.shape.reduce((a, b) => a * b, 1);
}
