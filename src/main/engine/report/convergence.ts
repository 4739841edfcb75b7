// The best value of one objective so far, against trial number and against the study's cumulative energy
// (the energy ledger's). The dashboard (api/queries.ts) and the HTML report draw these same series, so
// they agree on the same database: one point per complete trial that has a value of the objective, in
// trial order, its x the energy every trial up to it had spent (failed and pruned ones included).
import type { Point } from '../../../shared/charts/index.js';
import type { Objective } from '../../../shared/types.js';
import type { EnergyLedger, LedgerTrial } from '../lineage/index.js';

export interface ConvergenceTrial extends LedgerTrial {
  state: string;
}

export interface Convergence {
  /** Every complete trial's value, against its number. */
  all: Point[];
  byTrial: Point[];
  /** Null when no trial of the study has a measured energy. */
  byEnergy: Point[] | null;
}

export function convergence<T extends ConvergenceTrial>(trials: readonly T[], objective: Objective, ledger: EnergyLedger<T>): Convergence {
  const better = (a: number, b: number) => (objective.direction === 'maximize' ? a > b : a < b);
  const all: Point[] = [];
  const byTrial: Point[] = [];
  const byEnergy: Point[] = [];
  let best: number | null = null;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const v = t.state === 'complete' ? t.values[objective.metric] : undefined;
    if (v === undefined || !Number.isFinite(v)) continue;
    if (best === null || better(v, best)) best = v;
    all.push({ x: t.number, y: v });
    byTrial.push({ x: t.number, y: best });
    byEnergy.push({ x: ledger.cumulativeAt(t.number), y: best });
  }
  return { all, byTrial, byEnergy: ledger.measured ? byEnergy : null };
}
