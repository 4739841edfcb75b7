// What to run next, decided from the trials alone: a promotion the scheduler asks for, else a new
// configuration from the sampler with the budget the scheduler gives it. Kept apart from the campaign
// (processes, store) so benchmarks can drive the same decisions in-process.
import type { Objective, Params } from '../../../shared/types.js';
import type { Sampler, Suggestion, TrialView } from '../samplers/types.js';
import type { Scheduler } from '../schedulers/types.js';
import type { SearchSpace } from '../study/space.js';
import type { FidelitySpec } from '../study/types.js';
import type { NewLineage } from '../storage/types.js';

export type Plan = { kind: 'trial'; params: Params; budget: number | null; lineage: NewLineage } | { kind: 'exhausted'; reason: string };

export interface PlannerDeps {
  space: SearchSpace;
  objectives: readonly Objective[];
  fidelity: FidelitySpec | null;
  sampler: Sampler;
  scheduler: Scheduler;
  seed: number;
}

export async function planNext(d: PlannerDeps, trials: readonly TrialView[]): Promise<Plan> {
  return promotionPlan(d, trials) ?? (await sampledPlan(d, trials));
}

/** A promotion the scheduler asks for now, judged from `trials` as they stand; null when there is none. */
export function promotionPlan(d: PlannerDeps, trials: readonly TrialView[]): Plan | null {
  const promotion = d.scheduler.promote?.({ objectives: d.objectives, trials }) ?? null;
  if (!promotion) return null;
  const parent = trials.find((t) => t.number === promotion.parent);
  if (!parent) throw new Error(`scheduler ${d.scheduler.name} promoted unknown trial ${promotion.parent}`);
  return { kind: 'trial', params: parent.params, budget: promotion.budget, lineage: { kind: 'promote', parentNumber: parent.number } };
}

/** A new configuration from the sampler, with the budget the scheduler starts new trials at. */
export async function sampledPlan(d: PlannerDeps, trials: readonly TrialView[]): Promise<Plan> {
  return planOf(d, await askSampler(d, trials), trials);
}

export function askSampler(d: PlannerDeps, trials: readonly TrialView[]): Suggestion | Promise<Suggestion> {
  return d.sampler.ask({ space: d.space, objectives: d.objectives, trials, seed: d.seed });
}

/** The plan for a suggestion; its budget is the scheduler's for new trials as `trials` stand now (a Hyperband bracket). */
export function planOf(d: PlannerDeps, s: Suggestion, trials: readonly TrialView[]): Plan {
  if (s.kind === 'exhausted') return { kind: 'exhausted', reason: s.reason };
  const budget = d.fidelity ? (d.scheduler.initialBudget?.({ objectives: d.objectives, trials }) ?? d.fidelity.max) : null;
  return { kind: 'trial', params: s.params, budget, lineage: { kind: 'sampler', detail: d.sampler.name } };
}
