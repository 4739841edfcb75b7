// Statistics and the markdown table of the LCBench benchmark.
import os from 'node:os';
import type { RunResult } from './nightshift.js';

export interface Job {
  method: string;
  task: string;
  seed: number;
}
export type JobResult = Job & RunResult & { wallSeconds: number };

/** Epochs at which best-so-far is tabulated. */
export const CHECKPOINTS = [500, 1000, 2000, 3000, 4000, 5000, 6544];

export interface MethodSummary {
  method: string;
  seeds: number;
  finalMean: number;
  finalSE: number;
  /** Mean over seeds of the best val_accuracy reached within each CHECKPOINTS budget. */
  bestAt: number[];
  meanTrials: number;
  meanDecideSeconds: number;
}

export interface TaskSummary {
  task: string;
  methods: MethodSummary[];
  /** The best Optuna method's final mean: the value Nightshift must reach. */
  target: { method: string; value: number } | null;
  /** Per Nightshift method: epochs until its mean best-so-far reaches the target (null: never), and seeds that reach it. */
  reach: { method: string; epochs: number | null; fraction: number | null; seedsReaching: number; seeds: number }[];
}

/** Best value found within `epochs` (NaN before the first result). */
export function bestWithin(trajectory: readonly [number, number][], epochs: number): number {
  let best = NaN;
  for (const [spent, b] of trajectory) {
    if (spent > epochs) break;
    best = b;
  }
  return best;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function standardError(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

/** The first epoch count (on an 8-epoch grid) where `f` reaches `target`. */
function firstReach(f: (epochs: number) => number, target: number, budget: number): number | null {
  for (let e = 8; e < budget + 8; e += 8) {
    const at = Math.min(e, budget);
    if (f(at) >= target) return at;
  }
  return null;
}

export function summarize(results: readonly JobResult[], tasks: readonly string[], methods: readonly string[], budget: number, reference: string | null = null): TaskSummary[] {
  return tasks.map((task) => {
    const summaries: MethodSummary[] = [];
    for (const method of methods) {
      const runs = results.filter((r) => r.task === task && r.method === method);
      if (runs.length === 0) continue;
      const finals = runs.map((r) => bestWithin(r.trajectory, budget));
      summaries.push({
        method,
        seeds: runs.length,
        finalMean: mean(finals),
        finalSE: standardError(finals),
        bestAt: CHECKPOINTS.map((c) => mean(runs.map((r) => bestWithin(r.trajectory, c)))),
        meanTrials: mean(runs.map((r) => r.trials)),
        meanDecideSeconds: mean(runs.map((r) => r.decideSeconds)),
      });
    }
    const optuna = summaries.filter((s) => (reference ? s.method === reference : s.method.startsWith('optuna-')));
    const top = optuna.reduce<MethodSummary | null>((b, s) => (!b || s.finalMean > b.finalMean ? s : b), null);
    const target = top ? { method: top.method, value: top.finalMean } : null;
    const reach = target
      ? summaries
          // The reference too: "in fewer epochs" compares with the epochs it needed to reach its own final mean.
          .filter((s) => s.method.startsWith('nightshift-'))
          .map((s) => {
            const runs = results.filter((r) => r.task === task && r.method === s.method);
            const epochs = firstReach((e) => mean(runs.map((r) => bestWithin(r.trajectory, e))), target.value, budget);
            return {
              method: s.method,
              epochs,
              fraction: epochs === null ? null : epochs / budget,
              seedsReaching: runs.filter((r) => bestWithin(r.trajectory, budget) >= target.value).length,
              seeds: runs.length,
            };
          })
      : [];
    return { task, methods: summaries, target, reach };
  });
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} x${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end (shared machine)`;
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');

export function toMarkdown(meta: { date: string; machine: string; seeds: number; epochBudget: number; gpOptions: Record<string, unknown>; minutes: number }, tasks: readonly TaskSummary[]): string {
  const lines = [
    `# LCBench surrogate benchmark (issue 4, bench 5b) — ${meta.date}`,
    '',
    `Machine: ${meta.machine}. Total ${meta.minutes.toFixed(1)} min.`,
    '',
    `YAHPO Gym LCBench surrogate (val_accuracy, %), budget ${meta.epochBudget} epochs per run, ${meta.seeds} seeds per method and task.`,
    'Every newly trained epoch costs one epoch, for every method: a promoted Nightshift trial continues from its',
    "configuration's checkpoint and pays only for the epochs it adds; an Optuna trial pays for each epoch until it is",
    'pruned or reaches 52. Fidelities are epochs 2..52 (epoch 1 is untrained). The best value of a run is the best',
    'val_accuracy any trial ended with (at its last trained epoch). The last trial of a run stops where the budget ends.',
    `Nightshift: the engine's planNext with the GP sampler (options ${JSON.stringify(meta.gpOptions)}) wrapped by`,
    'withHighestRung, and the asha / hyperband scheduler (fidelity min 2, max 52, eta 3: rungs 2, 6, 18, 52).',
    'Optuna 3.1 (Debian python3-optuna): TPESampler + MedianPruner(), TPESampler + HyperbandPruner(2, 52, 3),',
    'RandomSampler at 52 epochs per trial; all seeded with the run seed.',
    'nightshift-gp-median / nightshift-gp-curve (bench/lcbench/stopping.ts): the plain GP sampler, every configuration',
    'started for 52 epochs and the median / curve scheduler (default options) asked after each epoch.',
    '',
  ];
  for (const t of tasks) {
    lines.push(`## Task ${t.task}`, '');
    lines.push(`| method | final best (mean ± SE) | ${CHECKPOINTS.map((c) => `@${c}`).join(' | ')} | trials | decide s |`);
    lines.push(`|---|---|${CHECKPOINTS.map(() => '---').join('|')}|---|---|`);
    for (const s of t.methods) {
      lines.push(`| ${s.method} | ${f2(s.finalMean)} ± ${f2(s.finalSE)} | ${s.bestAt.map(f2).join(' | ')} | ${s.meanTrials.toFixed(0)} | ${s.meanDecideSeconds.toFixed(1)} |`);
    }
    lines.push('');
    if (t.target) {
      lines.push(`Reference final mean: ${f2(t.target.value)} (${t.target.method}). Epochs each Nightshift method's mean best-so-far needs to reach it:`, '');
      for (const r of t.reach) {
        const at = r.epochs === null ? 'not reached' : `${r.epochs} epochs (${(100 * r.fraction!).toFixed(0)}%)`;
        lines.push(`- ${r.method}: ${at}; ${r.seedsReaching}/${r.seeds} seeds end at or above it`);
      }
      lines.push('');
    }
  }
  lines.push('"@N": mean over seeds of the best val_accuracy found within N epochs. "decide s": mean seconds per run spent choosing (Nightshift: planNext; Optuna: ask/tell/report/should_prune).', '');
  return lines.join('\n');
}
