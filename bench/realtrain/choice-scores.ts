// The transfer runs' chosen configurations, scored on held-out rows (transfer-holdout.ts): a run as it stood
// at a share of its cold run's epochs, and the table of the scores, each against the cold run's final
// choice on the same seed with a seed-bootstrap interval (bootstrap.ts).
import { Rng } from '../../src/main/engine/samplers/rng.js';
import { percentileInterval } from './bootstrap.js';
import { spentBy, type RunLog } from './report.js';
import { meanSe } from './summary.js';

const RESAMPLES = 2000;

/** `run` as it stood when it had trained `epochs` epochs: the reports made by then, and the processes that made them. */
export function runAt(run: RunLog, epochs: number): RunLog {
  const processes = run.processes
    .map((p) => ({ ...p, reports: p.reports.filter((r) => spentBy(run, r.t).epochs <= epochs + 1e-9) }))
    .filter((p) => p.reports.length > 0);
  return { ...run, processes };
}

/** One seed's scores: the cold run's choice at the share and at the end, each warm method's likewise. */
export interface SeedScores {
  seed: number;
  scores: Map<string, number>;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${pct(x)}`;
}

/** Mean ± SE of each choice's held-out accuracy, and its paired difference to the cold run's final choice with a 90% seed-bootstrap interval. */
export function table(rows: readonly SeedScores[], share: number): string[] {
  // Cold first, then the warm methods by name; each at the share before its end.
  const rank = (key: string): [number, string, number] => {
    const [run, at] = key.split('@') as [string, string];
    return [run === 'cold' ? 0 : 1, run, at === 'share' ? 0 : 1];
  };
  const keys = [...new Set(rows.flatMap((r) => [...r.scores.keys()]))].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2];
  });
  const lines = [
    `Each run's chosen configuration (its best validation report) retrained with initialisation seed 0 for the epochs of that report and scored on the held-out rows: at ${share}× of the epochs the cold run of its seed spent in all (@share), and at the end of the run (@final). Difference: to the cold run's final choice on the same seed, in points, with its 90% paired bootstrap interval over seeds (${RESAMPLES} resamples), and the seeds where the choice scored at least as well.`,
    '',
    '| run | choice | held-out accuracy (mean ± SE over seeds) | minus cold @final (90% interval) | seeds at least as good |',
    '|---|---|---|---|---|',
  ];
  for (const key of keys) {
    const both = rows.filter((r) => r.scores.has(key) && r.scores.has('cold@final'));
    const diffs = both.map((r) => r.scores.get(key)! - r.scores.get('cold@final')!);
    const { mean, se } = meanSe(rows.flatMap((r) => (r.scores.has(key) ? [r.scores.get(key)!] : [])));
    const [run, at] = key.split('@') as [string, string];
    let cells = '– | –';
    if (key !== 'cold@final' && diffs.length) {
      const meanOf = (idx: readonly number[]): number => idx.reduce((a, j) => a + diffs[j]!, 0) / idx.length;
      const { low, high } = percentileInterval(both.map((r) => r.seed), meanOf, RESAMPLES, new Rng(1, diffs.length));
      cells = `${signed(meanOf([...diffs.keys()]))} (${signed(low)} to ${signed(high)}) | ${diffs.filter((x) => x >= -1e-12).length}/${diffs.length}`;
    }
    lines.push(`| ${run} | ${at === 'share' ? `@${share}× of cold's epochs` : '@final'} | ${pct(mean)} ± ${pct(se)}% | ${cells} |`);
  }
  return lines;
}
