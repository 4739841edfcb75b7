// One trial's intermediate reports as the engine keeps them for the whole campaign: one flat array per
// trial, read through two Map-shaped views, instead of two Maps and an object per step. An engine holds
// every trial of its study for the night, so this is paid per trial: on a 3,000-trial soak study the two
// Maps and the per-step objects took ~600 bytes per trial (1.85 reports each), this layout ~190; the whole
// view went from 1,581 to 714 bytes.
import type { StepReport } from '../study/trial-view.js';

/**
 * Reports by step, in the order each step was first reported: record i is
 * `data[i*w] = step`, `data[i*w+1] = seq` (its place among the study's reports), then one value per
 * objective (NaN where that report did not carry it), `w = 2 + objectives`. The array is replaced, never
 * grown in place: V8 gives a pushed-to array spare capacity for 16 more elements, which here would be most
 * of its size; reports are rare enough (one per epoch) that copying costs nothing.
 */
export class StepReports implements ReadonlyMap<number, number> {
  private data: readonly number[] = [];
  /** The same reports, each as every objective's value with its order (for stop-based schedulers). */
  readonly progress: ReadonlyMap<number, StepReport>;

  constructor(private readonly objectives: readonly string[]) {
    this.progress = new ProgressView(this);
  }

  private get width(): number {
    return 2 + this.objectives.length;
  }

  /** Records the objectives found in `values` at `step`; a step seen before keeps its place and the lower seq. */
  record(step: number, seq: number, values: Readonly<Record<string, number>>): void {
    const w = this.width;
    const at = this.indexOf(step);
    if (!this.objectives.some((m) => values[m] !== undefined)) return;
    if (at < 0) {
      this.data = this.data.concat([step, seq, ...this.objectives.map((m) => values[m] ?? NaN)]);
      return;
    }
    const next = this.data.slice();
    next[at * w + 1] = Math.min(next[at * w + 1]!, seq);
    this.objectives.forEach((m, k) => {
      if (values[m] !== undefined) next[at * w + 2 + k] = values[m];
    });
    this.data = next;
  }

  /** How many steps were reported (with any objective). */
  get steps(): number {
    return this.data.length / this.width;
  }

  stepAt(i: number): number {
    return this.data[i * this.width]!;
  }

  seqAt(i: number): number {
    return this.data[i * this.width + 1]!;
  }

  valueAt(i: number, k: number): number {
    return this.data[i * this.width + 2 + k]!;
  }

  objectiveNames(): readonly string[] {
    return this.objectives;
  }

  indexOf(step: number): number {
    const w = this.width;
    for (let i = 0; i * w < this.data.length; i++) if (this.data[i * w] === step) return i;
    return -1;
  }

  // ── ReadonlyMap<number, number>: the first objective's value by step (steps that carried it) ──────────

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.steps; i++) if (!Number.isNaN(this.valueAt(i, 0))) n++;
    return n;
  }

  get(step: number): number | undefined {
    const i = this.indexOf(step);
    if (i < 0) return undefined;
    const v = this.valueAt(i, 0);
    return Number.isNaN(v) ? undefined : v;
  }

  has(step: number): boolean {
    return this.get(step) !== undefined;
  }

  *entries(): MapIterator<[number, number]> {
    for (let i = 0; i < this.steps; i++) {
      const v = this.valueAt(i, 0);
      if (!Number.isNaN(v)) yield [this.stepAt(i), v];
    }
  }

  *keys(): MapIterator<number> {
    for (const [s] of this.entries()) yield s;
  }

  *values(): MapIterator<number> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(fn: (value: number, key: number, map: ReadonlyMap<number, number>) => void, thisArg?: unknown): void {
    for (const [s, v] of this.entries()) fn.call(thisArg, v, s, this);
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }
}

/** Every objective's values by step with the report's order: the `progress` of a trial's view. */
class ProgressView implements ReadonlyMap<number, StepReport> {
  constructor(private readonly r: StepReports) {}

  private reportAt(i: number): StepReport {
    const values: Record<string, number> = {};
    this.r.objectiveNames().forEach((m, k) => {
      const v = this.r.valueAt(i, k);
      if (!Number.isNaN(v)) values[m] = v;
    });
    return { seq: this.r.seqAt(i), values };
  }

  get size(): number {
    return this.r.steps;
  }

  get(step: number): StepReport | undefined {
    const i = this.r.indexOf(step);
    return i < 0 ? undefined : this.reportAt(i);
  }

  has(step: number): boolean {
    return this.r.indexOf(step) >= 0;
  }

  *entries(): MapIterator<[number, StepReport]> {
    for (let i = 0; i < this.r.steps; i++) yield [this.r.stepAt(i), this.reportAt(i)];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.r.steps; i++) yield this.r.stepAt(i);
  }

  *values(): MapIterator<StepReport> {
    for (let i = 0; i < this.r.steps; i++) yield this.reportAt(i);
  }

  forEach(fn: (value: StepReport, key: number, map: ReadonlyMap<number, StepReport>) => void, thisArg?: unknown): void {
    for (const [s, r] of this.entries()) fn.call(thisArg, r, s, this);
  }

  [Symbol.iterator](): MapIterator<[number, StepReport]> {
    return this.entries();
  }
}
