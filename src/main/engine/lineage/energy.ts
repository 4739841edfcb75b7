// The one energy ledger. Every total, budget and "against cumulative energy" series in the engine, the
// API and the reports is computed here, by one rule:
// - A trial's recorded energy is its `energy_j` objective value when energy is an objective, else its
//   measured `energy_j` metric (the store keeps a metric in one place or the other, never both).
// - A promoted trial continues from its parent's checkpoint, so its recorded figure includes the rungs
//   below it (campaign/final-metrics.ts), which then also writes what it spent itself as
//   `energy_increment_j`; its other chain metrics (co2_g, ...) are its figure minus its promotion parent's.
//   Totals add these own parts, so no joule counts twice.
// - The cumulative energy of a study is the running total of own parts in trial-number order, failed and
//   stopped trials included: they spent it too.
import { byNumberIn, promotionParent, type ByNumber, type LineageNode } from './walk.js';

export const ENERGY_METRIC = 'energy_j';
/** The part of a promoted trial's energy_j it spent itself (written by campaign/final-metrics.ts). */
export const OWN_ENERGY_METRIC = 'energy_increment_j';
/** Measured metrics that accumulate along a chain of promotions. */
export const CHAIN_METRICS = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'co2_g', 'cost'] as const;

export interface LedgerTrial extends LineageNode {
  values: Readonly<Record<string, number>>;
  metrics: Readonly<Record<string, number>>;
}

/** The figure stored for a trial (objective value first, else metric); NaN when it has none. */
export function recorded(t: LedgerTrial, metric: string = ENERGY_METRIC): number {
  const v = t.values[metric] ?? t.metrics[metric];
  return v !== undefined && Number.isFinite(v) ? v : NaN;
}

/**
 * What `t` itself spent of `metric`, given its promotion parent (see `promotionParent`); NaN when unmeasured.
 * Only a trial that carries energy_increment_j had its parent's figures added to its own (final-metrics.ts
 * writes it exactly then): one that reported energy_j itself, or whose parent was never measured, did not.
 */
export function ownPart(t: LedgerTrial, parent: LedgerTrial | null, metric: string = ENERGY_METRIC): number {
  const v = recorded(t, metric);
  const increment = t.metrics[OWN_ENERGY_METRIC];
  if (Number.isNaN(v) || increment === undefined || !Number.isFinite(increment)) return v;
  if (metric === ENERGY_METRIC) return increment;
  if (parent === null || !(CHAIN_METRICS as readonly string[]).includes(metric)) return v;
  const p = recorded(parent, metric);
  return Number.isNaN(p) ? v : v - p;
}

/** What `t` itself spent, looking its promotion parent up by number. */
export function ownEnergy<T extends LedgerTrial>(t: T, byNumber: ByNumber<T>, metric: string = ENERGY_METRIC): number {
  return ownPart(t, promotionParent(t, byNumber), metric);
}

/** The energy (or another chain metric) of one study's trials, read once. */
export class EnergyLedger<T extends LedgerTrial> {
  private readonly own: number[];
  private readonly running: number[];
  private readonly index = new Map<number, number>();

  /** `trials`: every trial of one study (any order; the ledger works in trial-number order). */
  constructor(
    trials: readonly T[],
    readonly metric: string = ENERGY_METRIC,
  ) {
    const sorted = [...trials].sort((a, b) => a.number - b.number);
    const byNumber = byNumberIn(sorted);
    this.own = sorted.map((t) => ownEnergy(t, byNumber, metric));
    let sum = 0;
    this.running = this.own.map((e) => (sum += Number.isNaN(e) ? 0 : e));
    sorted.forEach((t, i) => this.index.set(t.number, i));
  }

  /** Whether any trial has the metric at all (a study run without metering has none). */
  get measured(): boolean {
    return this.own.some((e) => !Number.isNaN(e));
  }

  /** What trial `number` spent itself; NaN when it has no figure. */
  ownOf(number: number): number {
    const i = this.index.get(number);
    return i === undefined ? NaN : this.own[i]!;
  }

  /** Everything the study's trials spent. */
  total(): number {
    return this.running.at(-1) ?? 0;
  }

  /** What had been spent by the end of trial `number`, counting every trial up to it (trial order). */
  cumulativeAt(number: number): number {
    const i = this.index.get(number);
    return i === undefined ? NaN : this.running[i]!;
  }
}

/** What `trials` spent of `metric` in all (0 when none measured it). */
export function spentTotal(trials: readonly LedgerTrial[], metric: string = ENERGY_METRIC): number {
  return new EnergyLedger(trials, metric).total();
}

/**
 * The energy total of a study taken trial by trial, for a study read in pages: energy_j's own part never
 * needs the promotion parent (a promoted trial carries energy_increment_j), so no trial is held. The same
 * `total` and `measured` as an EnergyLedger over the same trials.
 */
export class EnergyTotal {
  total = 0;
  measured = false;

  add(t: LedgerTrial): void {
    const e = ownPart(t, null, ENERGY_METRIC);
    if (Number.isNaN(e)) return;
    this.total += e;
    this.measured = true;
  }
}
