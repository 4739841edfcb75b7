// Nightshift on LCBench, in-process: the engine's own decision logic (planNext with the real GP sampler,
// wrapped BOHB-style, and the real ASHA/Hyperband scheduler) over TrialViews kept here, as the campaign
// keeps them, with the surrogate standing in for the trial process.
import type { Objective, Params } from '../../src/shared/types.js';
import { planNext } from '../../src/main/engine/campaign/planner.js';
import { createGpSampler } from '../../src/main/engine/samplers/gp/sampler.js';
import type { GpPrior } from '../../src/main/engine/samplers/gp/transfer.js';
import { withHighestRung } from '../../src/main/engine/samplers/multi-fidelity.js';
import type { TrialView } from '../../src/main/engine/samplers/types.js';
import { createScheduler } from '../../src/main/engine/schedulers/index.js';
import { SearchSpace } from '../../src/main/engine/study/space.js';
import type { FidelitySpec } from '../../src/main/engine/study/types.js';
import { LCBENCH_SPACE, MIN_EPOCH } from './space.js';
import { MAX_EPOCH, type LcbenchSurrogate } from './surrogate.js';

export type NightshiftMethod = 'nightshift-gp-asha' | 'nightshift-gp-hyperband';

export interface RunResult {
  /** [epochs spent, best val_accuracy so far] after each evaluation. */
  trajectory: [number, number][];
  trials: number;
  configs: number;
  /** Seconds spent deciding (planNext), not evaluating. */
  decideSeconds: number;
  /** The configuration behind the final best value, and the epoch it was measured at. */
  best?: { params: Params; epoch: number };
  note?: string;
  /** Every trial of the run (bench/lcbench/transfer.ts's source studies), when asked for. */
  views?: TrialView[];
}

/** A warm start (bench/lcbench/transfer.ts): configurations run first, and the GP's prior. */
export interface WarmStart {
  replay: Params[];
  prior: GpPrior | null;
  /**
   * `warm_start.early_stop: true`: replays start at the scheduler's first rung and are judged there. Off
   * (warm_start's default, campaign/warm-start.ts), each replay trains the full budget, never stopped.
   */
  judged?: boolean;
}

const objectives: Objective[] = [{ metric: 'val_accuracy', direction: 'maximize' }];

export async function runNightshift(
  method: NightshiftMethod,
  task: string,
  seed: number,
  surrogate: LcbenchSurrogate,
  epochBudget: number,
  gpOptions: Record<string, unknown> = {},
  warm: WarmStart | null = null,
  keepTrials = false,
): Promise<RunResult> {
  const space = new SearchSpace(LCBENCH_SPACE);
  const fidelity: FidelitySpec = { param: 'epoch', min: MIN_EPOCH, max: MAX_EPOCH, eta: 3 };
  const scheduler = createScheduler({ type: method === 'nightshift-gp-asha' ? 'asha' : 'hyperband', options: { mode: 'promote' } }, fidelity);
  const gp = createGpSampler({ type: 'gp', options: gpOptions }, space, { prior: warm?.prior ?? null });
  const sampler = withHighestRung(gp);
  const trials: TrialView[] = [];
  // Last epoch each configuration has trained to: its checkpoint, so a promotion pays only for new epochs.
  const trained = new Map<string, number>();
  const trajectory: [number, number][] = [];
  let spent = 0;
  let best = -Infinity;
  let decideSeconds = 0;
  let bestAt: { params: Params; epoch: number } | undefined;
  // Replayed configurations get the budget the campaign enqueues them with: the full budget, or when
  // judged, the scheduler's first.
  const replay = [...(warm?.replay ?? [])];
  const replayBudget = warm?.judged ? (scheduler.initialBudget?.({ objectives, trials: [] }) ?? MAX_EPOCH) : MAX_EPOCH;
  while (spent < epochBudget) {
    const t0 = performance.now();
    const next = replay.shift();
    const plan = next ? { kind: 'params' as const, params: next, budget: replayBudget } : await planNext({ space, objectives, fidelity, sampler, scheduler, seed }, trials);
    decideSeconds += (performance.now() - t0) / 1000;
    if (plan.kind === 'exhausted') break;
    const key = space.key(plan.params);
    const from = trained.get(key) ?? 0;
    // The last evaluation stops where the budget runs out, like every method's.
    const to = Math.min(plan.budget!, from + (epochBudget - spent));
    const curve = await surrogate.curve(task, plan.params);
    const intermediate = new Map<number, number>();
    for (let e = Math.max(from + 1, MIN_EPOCH); e <= to; e++) intermediate.set(e, curve[e - 1]!);
    spent += to - from;
    trained.set(key, to);
    const value = curve[to - 1]!;
    trials.push({ number: trials.length, state: 'complete', params: plan.params, values: { val_accuracy: value }, intermediate, budget: plan.budget });
    // Epoch 1 is an untrained model (bench-data README): a run cut off there has no result yet.
    if (to < MIN_EPOCH) continue;
    if (value > best) bestAt = { params: plan.params, epoch: to };
    best = Math.max(best, value);
    trajectory.push([spent, best]);
  }
  const note = gp.fallbacks > 0 ? `GP fell back to quasi-random ${gp.fallbacks} times (last: ${gp.lastFallbackReason})` : undefined;
  return { trajectory, trials: trials.length, configs: trained.size, decideSeconds, ...(bestAt ? { best: bestAt } : {}), ...(note ? { note } : {}), ...(keepTrials ? { views: trials } : {}) };
}
