// Markdown tables for bench/results.
import type { SyntheticRun } from './synthetic.js';
import { SYNTHETIC_METHODS } from './synthetic.js';
import type { TimingResult } from './timing.js';
import type { ZeusRun } from './zeus.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 0.01 ? v.toFixed(3) : v.toExponential(1));

/** Optuna 3.1 TPE median regret at 100 evaluations, 10 seeds, from ../shared/bench-data/README.md. */
const README_TPE: Record<string, number> = { branin: 0.016, hartmann3: 0.019, hartmann6: 0.277, levy5: 0.81, ackley5: 7.9 };

export function synthesisTable(runs: SyntheticRun[], evals: number, seeds: number): string[] {
  const fns = [...new Set(runs.map((r) => r.fn))];
  const out = [
    `## (a) Synthetic functions: median regret after ${evals} evaluations, ${seeds} seeds`,
    '',
    `| function | ${SYNTHETIC_METHODS.join(' | ')} | GP < TPE | TPE in bench-data README |`,
    `|---|${SYNTHETIC_METHODS.map(() => '---:').join('|')}|:---:|---:|`,
  ];
  let wins = 0;
  for (const fn of fns) {
    const med = SYNTHETIC_METHODS.map((m) => median(runs.filter((r) => r.fn === fn && r.method === m).map((r) => r.regret)));
    const win = med[0]! < med[1]!;
    if (win) wins++;
    out.push(`| ${fn} | ${med.map(fmt).join(' | ')} | ${win ? 'yes' : 'no'} | ${README_TPE[fn] ?? ''} |`);
  }
  out.push('', `GP median regret below Optuna TPE's on ${wins} of ${fns.length} functions (target: at least 4 of 5).`);
  const gpSeconds = runs.filter((r) => r.method === 'nightshift-gp').map((r) => r.seconds);
  const fallbacks = runs.reduce((a, r) => a + (r.fallbacks ?? 0), 0);
  out.push(`Nightshift GP: median ${median(gpSeconds).toFixed(1)} s per ${evals}-evaluation run; ${fallbacks} fallbacks to quasi-random in all runs.`);
  return out;
}

export function timingTable(rows: TimingResult[], repeats: number): string[] {
  const sizes = [...new Set(rows.map((r) => r.trials))];
  const target: Record<number, string> = { 100: '<= 0.1 s', 1000: '<= 1 s' };
  const out = [
    `## (d) Seconds per suggestion, 6 dimensions (median of ${repeats} warm asks; wall clock, and CPU time of the asking process)`,
    '',
    '| finished trials | Nightshift GP wall | GP CPU | Optuna TPE wall | TPE CPU | target (GP) |',
    '|---:|---:|---:|---:|---:|---|',
  ];
  for (const n of sizes) {
    const gp = rows.find((r) => r.trials === n && r.method === 'nightshift-gp')!;
    const tpe = rows.find((r) => r.trials === n && r.method === 'optuna-tpe')!;
    out.push(`| ${n} | ${gp.median.toFixed(3)} | ${gp.cpuMedian.toFixed(3)} | ${tpe.median.toFixed(3)} | ${tpe.cpuMedian.toFixed(3)} | ${target[n] ?? ''} |`);
  }
  out.push('', 'Wall time counts waiting for a core when other processes share the machine (see the load average above); CPU time is what one idle core would take.');
  return out;
}

export function zeusTable(runs: ZeusRun[], seeds: number): string[] {
  const methods = [...new Set(runs.map((r) => r.method))];
  const checkpoints = runs[0]?.ratios.map((c) => c.evals) ?? [];
  const out = [
    `## (c) Zeus cifar100/shufflenetv2 on V100, accuracy vs log10 energy: median hypervolume ratio, ${seeds} seeds`,
    '',
    `| method | ${checkpoints.map((c) => `${c} evals`).join(' | ')} |`,
    `|---|${checkpoints.map(() => '---:').join('|')}|`,
  ];
  for (const m of methods) {
    const mine = runs.filter((r) => r.method === m);
    out.push(`| ${m} | ${checkpoints.map((c, i) => median(mine.map((r) => r.ratios[i]!.ratio)).toFixed(3)).join(' | ')} |`);
  }
  return out;
}
