// What the real-training benchmark reports, per method and seed: the best validation accuracy within the
// epoch budget, and what it cost to first reach Optuna's final best (epochs, joules, process-seconds,
// wall time), with the processes started. One definition for both sides, computed from their logs.
import { intervalTable } from './intervals.js';
import type { SpaceDef } from './space.js';
import { BEST_AT, bestAtTable, boundaryTable, summaryTable } from './summary.js';

/** One trial process: when it ran (seconds from the run's start), what it spent, what it reported. */
export interface ProcessLog {
  /** Nightshift's trial number (transfer.ts tells replayed configurations by it). */
  number?: number;
  start: number;
  end: number | null;
  /** Its own energy (J), measured (Nightshift's meter) or estimated the same way (Optuna side). */
  energy_j: number;
  cpu_s: number | null;
  /** Launch to first report, where Nightshift recorded it. */
  startup_s?: number | null;
  /** Time it spent frozen at rungs (Nightshift's mode pause): alive, holding memory, using no CPU. */
  paused_s?: number | null;
  /** The parameters it trained with (the held-out score and the boundary count read them). */
  params?: Record<string, unknown>;
  reports: { t: number; step: number; value: number; energy_j: number | null }[];
}

export interface RunLog {
  method: string;
  seed: number;
  wall_s: number;
  epochs: number;
  /** One per trial (Nightshift) or per trial process (Optuna): its reports, energy and parameters. */
  processes: ProcessLog[];
  /**
   * Nightshift with reused trainer processes: each process's life (start, end in s), which serves several
   * trials. Process-seconds and the process count come from these when present: a process is paid for
   * while it waits between trials too.
   */
  workers?: { start: number; end: number | null }[];
  /** CPU seconds of every child process the run reaped (Nightshift: the engine's cutime + cstime growth). */
  child_cpu_s?: number | null;
}

export interface RunSummary {
  method: string;
  seed: number;
  best: number;
  epochs: number;
  joules: number;
  processSeconds: number;
  /** Of processSeconds, the time processes spent paused (mode pause). */
  pausedSeconds: number;
  processes: number;
  wall: number;
  /** Its best report's configuration and epoch (holdout.ts), and that configuration's held-out test accuracy. */
  chosen?: { params: Record<string, unknown>; epochs: number; val: number };
  test?: number;
  /** Cost when a report first reached the target; null when it never did. */
  toTarget: { epochs: number; joules: number; processSeconds: number; wall: number } | null;
  /** The best validation accuracy among the first n epochs trained (in report order), at each of BEST_AT. */
  bestAt?: Record<string, number>;
}

/** What a run had spent by `t` seconds into it: epochs reported, joules, process-seconds. */
export function spentBy(run: RunLog, t: number): { epochs: number; joules: number; processSeconds: number } {
  const end = (p: ProcessLog): number => p.end ?? run.wall_s;
  let joules = 0;
  let processSeconds = 0;
  let epochs = 0;
  for (const p of run.workers ?? run.processes) if (p.start <= t) processSeconds += Math.min(t, p.end ?? run.wall_s) - p.start;
  for (const p of run.processes) {
    if (p.start > t) continue;
    epochs += p.reports.filter((r) => r.t <= t).length;
    // A process still running then: its energy prorated by time. Not its energy at its last report: the
    // two sides do not report alike (the Optuna side reads CPU time at each report; Nightshift's engine
    // hands on its meter's last reading, up to an interval old, which for a 0.3-second breast_cancer
    // process is often none at all), and a target is always reached inside a running process.
    // Prorating is exact for a process that uses CPU at a steady rate, as these trainers do.
    if (end(p) <= t) joules += p.energy_j;
    else if (end(p) > p.start) joules += (p.energy_j * (t - p.start)) / (end(p) - p.start);
  }
  return { epochs, joules, processSeconds };
}

export function summarize(run: RunLog, target: number): RunSummary {
  const reports = run.processes.flatMap((p) => p.reports).sort((a, b) => a.t - b.t);
  const best = Math.max(...reports.map((r) => r.value));
  const hit = reports.find((r) => r.value >= target - 1e-12) ?? null;
  const lives = run.workers ?? run.processes;
  const toTarget: RunSummary['toTarget'] = hit ? { ...spentBy(run, hit.t), wall: hit.t } : null;
  const bestAt: Record<string, number> = {};
  let running = -Infinity;
  reports.forEach((r, i) => {
    running = Math.max(running, r.value);
    if ((BEST_AT as readonly number[]).includes(i + 1)) bestAt[String(i + 1)] = running;
  });
  return {
    method: run.method,
    seed: run.seed,
    best,
    bestAt,
    epochs: reports.length,
    joules: run.processes.reduce((s, p) => s + p.energy_j, 0),
    processSeconds: lives.reduce((s, p) => s + ((p.end ?? run.wall_s) - p.start), 0),
    pausedSeconds: run.processes.reduce((s, p) => s + (p.paused_s ?? 0), 0),
    processes: lives.length,
    wall: run.wall_s,
    toTarget,
  };
}

// Small figures (breast_cancer's process-seconds) keep a decimal.
const f = (x: number): string => x.toFixed(Math.abs(x) < 10 ? 1 : 0);

/** One problem's section: the summary, the boundary counts, then one row per method and seed. */
export function markdown(summaries: RunSummary[], targets: Map<number, number>, header: string[], reference: string, space?: SpaceDef): string[] {
  const lines = [
    ...header,
    '',
    `Target per seed: ${reference}'s final best validation accuracy (the best any of its trials reported). ` +
      '"to target": what the method had spent when one of its trials first reported at least that (mean over the seeds that reached it; ' +
      `the ratio is to ${reference}'s own cost of reaching it). Held-out test: the method's best configuration by validation, ` +
      "retrained by the trainer's code on the same training part for the epochs of that best report (initialisation seed 0 for all), " +
      'scored on rows no trial saw.',
    '',
    ...summaryTable(summaries, reference),
    '',
    ...bestAtTable(summaries),
    '',
    ...intervalTable(summaries, reference),
    '',
    `Best configuration at a bound (within 1% of the range, log scale for log parameters), seeds out of ${targets.size}:`,
    '',
    ...boundaryTable(summaries, space),
    '',
    '| method | seed | best val_accuracy | held-out test (epochs) | epochs | joules | process-s (of it paused) | processes | wall s | epochs to target | J to target | process-s to target | wall s to target |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const t = s.toTarget;
    lines.push(
      `| ${s.method} | ${s.seed} | ${(100 * s.best).toFixed(2)}% (target ${(100 * targets.get(s.seed)!).toFixed(2)}%) | ${s.test === undefined ? '–' : `${(100 * s.test).toFixed(2)}% (${s.chosen!.epochs})`} | ${s.epochs} | ${f(s.joules)} | ${f(s.processSeconds)}${s.pausedSeconds > 0 ? ` (${f(s.pausedSeconds)})` : ''} | ${s.processes} | ${f(s.wall)} | ` +
        (t ? `${t.epochs} | ${f(t.joules)} | ${f(t.processSeconds)} | ${f(t.wall)} |` : 'not reached | – | – | – |'),
    );
  }
  return lines;
}
