// Nightshift on LCBench with a stopping scheduler (median, curve): every configuration starts for the full
// 52 epochs and the scheduler is asked after each epoch, as the campaign asks it after each report. A
// stopped trial has cost the epochs it trained. The sampler is wrapped as campaign/strategy.ts wraps it.
import type { Objective, Params } from '../../src/shared/types.js';
import { planNext } from '../../src/main/engine/campaign/planner.js';
import { withPredictedFinals } from '../../src/main/engine/campaign/predicted-finals.js';
import { createGpSampler } from '../../src/main/engine/samplers/gp/sampler.js';
import type { TrialView } from '../../src/main/engine/samplers/types.js';
import { createScheduler } from '../../src/main/engine/schedulers/index.js';
import { SearchSpace } from '../../src/main/engine/study/space.js';
import type { FidelitySpec } from '../../src/main/engine/study/types.js';
import type { RunResult } from './nightshift.js';
import { LCBENCH_SPACE, MIN_EPOCH } from './space.js';
import { MAX_EPOCH, type LcbenchSurrogate } from './surrogate.js';

export type StoppingMethod = 'nightshift-gp-median' | 'nightshift-gp-curve';
export const STOPPING_METHODS: readonly StoppingMethod[] = ['nightshift-gp-median', 'nightshift-gp-curve'];

const objectives: Objective[] = [{ metric: 'val_accuracy', direction: 'maximize' }];

export async function runStopping(
  method: StoppingMethod,
  task: string,
  seed: number,
  surrogate: LcbenchSurrogate,
  epochBudget: number,
  gpOptions: Record<string, unknown> = {},
  /** Told each trial's outcome with its whole surrogate curve (curve-diagnose.ts compares predictions with it). */
  observe?: (trial: TrialView, trials: readonly TrialView[], curve: Float64Array, stoppedAt: number | null) => void,
): Promise<RunResult> {
  const space = new SearchSpace(LCBENCH_SPACE);
  const fidelity: FidelitySpec = { param: 'epoch', min: MIN_EPOCH, max: MAX_EPOCH, eta: 3 };
  const scheduler = createScheduler({ type: method === 'nightshift-gp-curve' ? 'curve' : 'median', options: {} }, fidelity);
  const gp = createGpSampler({ type: 'gp', options: gpOptions }, space);
  // As campaign/strategy.ts builds it: the curve scheduler's predictions reach the GP for stopped trials.
  const sampler = withPredictedFinals(gp, scheduler, objectives);
  const trials: TrialView[] = [];
  const trajectory: [number, number][] = [];
  let spent = 0;
  let best = -Infinity;
  let decideSeconds = 0;
  let bestAt: { params: Params; epoch: number } | undefined;
  while (spent < epochBudget) {
    let t0 = performance.now();
    const plan = await planNext({ space, objectives, fidelity, sampler, scheduler, seed }, trials);
    decideSeconds += (performance.now() - t0) / 1000;
    if (plan.kind === 'exhausted') break;
    const curve = await surrogate.curve(task, plan.params);
    const intermediate = new Map<number, number>();
    const trial: TrialView = { number: trials.length, state: 'running', params: plan.params, values: null, intermediate, budget: MAX_EPOCH };
    trials.push(trial);
    let last = 0;
    let pruned = false;
    // Epoch 1 is untrained (bench-data README) but still costs an epoch; reports start at epoch 2.
    for (let e = 1; e <= MAX_EPOCH && spent < epochBudget; e++) {
      spent++;
      last = e;
      if (e < MIN_EPOCH) continue;
      intermediate.set(e, curve[e - 1]!);
      t0 = performance.now();
      const d = scheduler.onReport({ objectives, trials }, trial.number, e);
      decideSeconds += (performance.now() - t0) / 1000;
      if (d.action === 'prune') {
        pruned = true;
        break;
      }
    }
    const value = curve[last - 1]!;
    trials[trial.number] = { ...trial, state: pruned || last < MAX_EPOCH ? 'pruned' : 'complete', values: { val_accuracy: value } };
    observe?.(trial, trials, curve, pruned ? last : null);
    if (last < MIN_EPOCH) continue;
    if (value > best) bestAt = { params: plan.params, epoch: last };
    best = Math.max(best, value);
    trajectory.push([spent, best]);
  }
  const note = gp.fallbacks > 0 ? `GP fell back to quasi-random ${gp.fallbacks} times (last: ${gp.lastFallbackReason})` : undefined;
  return { trajectory, trials: trials.length, configs: trials.length, decideSeconds, ...(bestAt ? { best: bestAt } : {}), ...(note ? { note } : {}) };
}
