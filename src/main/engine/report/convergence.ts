// The best value of one objective so far, against trial number and against the study's cumulative energy
// (the energy ledger's). The dashboard (api/queries.ts) and the HTML report draw these same series, so
// they agree on the same database: one point per complete trial that has a value of the objective, in
// trial order, its x the energy every trial up to it had spent (failed and pruned ones included).
// A trial whose value of the objective is an energy below the meter's resolution (`below`, the caller's
// src/shared/energy-resolution.ts rule with the trial's flags) has no figure to be best with: its 0 J or rough
// joules would drop the line to the floor. It is left out of the points and counted; the energy axis still
// counts what it spent (the ledger's).
import type { Point } from '../../../shared/charts/index.js';
import type { Objective } from '../../../shared/types.js';
import type { EnergyLedger, LedgerTrial } from '../lineage/index.js';
import { belowResolution } from '../../../shared/energy-resolution.js';

/**
 * Whether a trial's `metric` is an energy below the meter's resolution, given the ids of the trials the meter
 * flagged short_window (the store's provenance): the rule of src/shared/energy-resolution.ts.
 */
export function belowResolutionIn(shortWindow: ReadonlySet<number>) {
  return (t: { id: number; values: Readonly<Record<string, number>>; metrics: Readonly<Record<string, number>> }, metric: string): boolean => {
    const v = t.values[metric];
    return v !== undefined && belowResolution(metric, v, { values: t.values, metrics: t.metrics, flags: shortWindow.has(t.id) ? ['short_window'] : null });
  };
}

export interface ConvergenceTrial extends LedgerTrial {
  state: string;
}

export interface Convergence {
  /** Every complete trial's value, against its number. */
  all: Point[];
  byTrial: Point[];
  /** Null when no trial of the study has a measured energy. */
  byEnergy: Point[] | null;
  /** Complete trials left out: their value of the objective is an energy below the meter's resolution. */
  belowResolution: number;
}

export function convergence<T extends ConvergenceTrial>(
  trials: readonly T[],
  objective: Objective,
  ledger: EnergyLedger<T>,
  below: (t: T, metric: string) => boolean = () => false,
): Convergence {
  const better = (a: number, b: number) => (objective.direction === 'maximize' ? a > b : a < b);
  const all: Point[] = [];
  const byTrial: Point[] = [];
  const byEnergy: Point[] = [];
  let best: number | null = null;
  let belowResolution = 0;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const v = t.state === 'complete' ? t.values[objective.metric] : undefined;
    if (v === undefined || !Number.isFinite(v)) continue;
    if (below(t, objective.metric)) {
      belowResolution++;
      continue;
    }
    if (best === null || better(v, best)) best = v;
    all.push({ x: t.number, y: v });
    byTrial.push({ x: t.number, y: best });
    byEnergy.push({ x: ledger.cumulativeAt(t.number), y: best });
  }
  return { all, byTrial, byEnergy: ledger.measured ? byEnergy : null, belowResolution };
}
