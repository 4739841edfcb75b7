// The columns of a study's trials table (dashboard): one per objective, then the measured metrics that are
// not objectives, then one per parameter. A metric is one column even when it is both measured and an
// objective (energy_j in the demo study), under the sort key where its value lives.
import type { TrialSortKey } from './api.js';
import type { Objective } from './types.js';

export interface TrialColumn {
  key: TrialSortKey;
  label: string;
  numeric: boolean;
}

/** Measured metrics every trials table shows (when they are not objectives). */
export const MEASURED_COLUMNS = ['energy_j', 'duration_s'] as const;

export function trialColumns(objectives: readonly Objective[], paramNames: readonly string[]): TrialColumn[] {
  const isObjective = (m: string) => objectives.some((o) => o.metric === m);
  return [
    { key: 'number', label: '#', numeric: true },
    { key: 'state', label: 'State', numeric: false },
    ...objectives.map((o): TrialColumn => ({ key: `value.${o.metric}`, label: o.metric, numeric: true })),
    ...MEASURED_COLUMNS.filter((m) => !isObjective(m)).map((m): TrialColumn => ({ key: `metric.${m}`, label: m, numeric: true })),
    ...paramNames.map((p): TrialColumn => ({ key: `param.${p}`, label: p, numeric: false })),
  ];
}
