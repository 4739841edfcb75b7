// Which trials of a warm-started run (transfer.ts) replayed its source study's configurations, read from
// the run logs alone, so that result files written before the logs carried anything else can be read too.
// warm_start ranks the source's complete trials; in a stop-mode study those are the ones that trained to
// the top, 2-5 of them in a 60-epoch digits run, so a warm study's first five trial numbers are not all
// replays: a replay is known by its configuration.
import type { ProcessLog, RunLog } from './report.js';

/** `warm_start.top`'s default: how many of the source's best configurations a warm study replays. */
export const REPLAYED = 5;

export const paramsKey = (p: ProcessLog): string => JSON.stringify(p.params);

/** The configurations a warm study replays from `source`: those that trained to `top`, best first, at most `count` (warm_start.top). */
export function replayedKeys(source: RunLog, top: number, count = REPLAYED): Set<string> {
  const finals = source.processes.flatMap((p) => {
    const last = p.reports.find((r) => r.step === top);
    return last ? [{ key: paramsKey(p), value: last.value }] : [];
  });
  return new Set(finals.sort((a, b) => b.value - a.value).slice(0, count).map((f) => f.key));
}

/** The seed whose cold study seed `s` warm-starts from: the next one in `seeds` (ascending), the last from the first. */
export function sourceSeed(seeds: readonly number[], s: number): number {
  return seeds[(seeds.indexOf(s) + 1) % seeds.length]!;
}

export interface ReplayFate {
  /** Replays the warm runs trained, and those stopped before the top. */
  replays: number;
  stopped: number;
  /** Warm runs, those in which the source's best configuration was stopped before the top, and those in which it never ran. */
  runs: number;
  bestStopped: number;
  bestMissing: number;
}

/** Per warm method of one transfer file: its replays and how many were stopped before `top` epochs. */
export function replayFates(runs: readonly RunLog[], coldMethod: string, top: number): Map<string, ReplayFate> {
  const cold = new Map(runs.filter((r) => r.method === coldMethod).map((r) => [r.seed, r] as const));
  const seeds = [...cold.keys()].sort((a, b) => a - b);
  const out = new Map<string, ReplayFate>();
  for (const run of runs) {
    if (!run.method.includes('-warm-')) continue;
    const source = cold.get(sourceSeed(seeds, run.seed));
    if (!source) continue;
    // transfer.ts's top1 replays only the source's best; a later trial the GP happened to put on another of
    // the source's configurations (a corner of the space, both studies tried it) is no replay.
    const keys = [...replayedKeys(source, top, run.method.endsWith('-warm-top1') ? 1 : REPLAYED)];
    const fate = out.get(run.method) ?? { replays: 0, stopped: 0, runs: 0, bestStopped: 0, bestMissing: 0 };
    fate.runs++;
    for (const [i, key] of keys.entries()) {
      const p = run.processes.find((q) => paramsKey(q) === key);
      // The source's best never ran: warm_start did not rank it (a trial cut after its last report ended
      // `stopped` before 2026-12-01 evening, see runner/outcome.ts stoppedOutcome), or lost a tie to another.
      if (!p && i === 0) fate.bestMissing++;
      if (!p) continue;
      const cut = !p.reports.some((r) => r.step === top);
      fate.replays++;
      if (cut) fate.stopped++;
      if (cut && i === 0) fate.bestStopped++;
    }
    out.set(run.method, fate);
  }
  return out;
}

/** One line for a report: each warm method's replays stopped before the top. */
export function replayFateLine(fates: ReadonlyMap<string, ReplayFate>, top: number): string {
  if (fates.size === 0) return 'Replays: no warm run with its source cold run in these logs.';
  const parts = [...fates].map(
    ([m, f]) => `${m}: ${f.stopped} of ${f.replays} stopped before ${top} epochs (the source's best: stopped in ${f.bestStopped} of ${f.runs} runs, never run in ${f.bestMissing})`,
  );
  return `Replays (the source's configurations that trained to ${top} epochs, best first, up to ${REPLAYED}, found by configuration): ${parts.join('; ')}.`;
}
