// Turns how a trial process ended into the trial's final state and the one-line reason users read in
// `nightshift show` and the dashboard. Pruning is not decided here: the engine knows when its scheduler
// stopped a trial and records `pruned` itself.
import type { TrialExit } from './process.js';

export interface TrialOutcome {
  state: 'complete' | 'failed' | 'stopped';
  reason: string | null;
}

/** Metrics Nightshift measures itself (ARCHITECTURE.md); a trial is never required to report them. */
export const MEASURED_METRICS: ReadonlySet<string> = new Set([
  'energy_j',
  'gpu_energy_j',
  'cpu_energy_j',
  'duration_s',
  'mean_gpu_power_w',
  'peak_gpu_mem_mb',
  'peak_rss_mb',
  'co2_g',
  'cost',
  'startup_s',
  'startup_energy_j',
]);

export interface ClassifyOptions {
  /** The study's objective metrics; those in MEASURED_METRICS are not required from the trial. */
  objectives: readonly string[];
  /** Every metric name the trial reported at least once. */
  reported: ReadonlySet<string>;
  timeoutMs: number | null;
}

/** 1200000 → "20m", 5400000 → "1h30m", 1500 → "1.5s". */
export function formatDurationMs(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
}

const MAX_REASON_LINE_CHARS = 300;

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines.at(-1);
  if (last === undefined) return null;
  return last.length > MAX_REASON_LINE_CHARS ? `${last.slice(0, MAX_REASON_LINE_CHARS)}…` : last;
}

/**
 * What a trial the engine stops (an interruption, a budget, a user) ends as. One that already reported each
 * objective it must report at its whole budget (`budget`: the fidelity it was given, in reported steps) was
 * evaluated, and only its exit was pending (a last checkpoint, clean-up): it is complete, not re-queued.
 * Re-queued, it would train its whole budget again, and until then the study's best, a warm start from the
 * study and its finalists would not count it. Otherwise it is stopped, re-queued when `requeue`.
 */
export function stoppedOutcome(o: {
  budget: number | null;
  lastStep: number | null;
  objectives: readonly { metric: string }[];
  /** The last value of each metric the trial reported. */
  last: Readonly<Record<string, number>>;
  reason: string;
  requeue: boolean;
  /**
   * Whether the engine's meter supplies the measured objectives (energy_j...). False for a trial an engine
   * left behind when it died: its measurement died with it, so every objective must have been reported.
   */
  metered?: boolean;
}): { state: 'complete' | 'stopped'; reason: string; requeue: boolean } {
  const trainedOut = o.budget !== null && o.lastStep !== null && o.lastStep >= o.budget;
  const known = (m: string) => o.last[m] !== undefined || (o.metered !== false && MEASURED_METRICS.has(m));
  if (trainedOut && o.objectives.every(({ metric: m }) => known(m))) {
    return { state: 'complete', reason: `stopped after reporting its whole budget (step ${o.lastStep}): ${o.reason}`, requeue: false };
  }
  return { state: 'stopped', reason: o.reason, requeue: o.requeue };
}

export function classifyExit(exit: TrialExit, opts: ClassifyOptions): TrialOutcome {
  if (exit.spawnError !== null) return { state: 'failed', reason: exit.spawnError };
  if (exit.stoppedBy === 'timeout') {
    const limit = opts.timeoutMs ?? exit.durationMs;
    return { state: 'failed', reason: `timeout after ${formatDurationMs(limit)}` };
  }
  if (exit.stoppedBy !== null) {
    return { state: 'stopped', reason: exit.stoppedBy === 'user' ? 'stopped by user' : `stopped by user: ${exit.stoppedBy}` };
  }
  const stderrLine = lastLine(exit.stderrTail);
  if (exit.signal !== null) {
    return { state: 'failed', reason: `killed by signal ${exit.signal}${stderrLine === null ? '' : `: ${stderrLine}`}` };
  }
  if (exit.code !== 0) {
    return { state: 'failed', reason: `exit code ${exit.code ?? 'unknown'}${stderrLine === null ? '' : `: ${stderrLine}`}` };
  }
  const missing = opts.objectives.filter((metric) => !opts.reported.has(metric) && !MEASURED_METRICS.has(metric));
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'objective' : 'objectives';
    return { state: 'failed', reason: `exited 0 without reporting ${what} ${missing.join(', ')}` };
  }
  return { state: 'complete', reason: null };
}
