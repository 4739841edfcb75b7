// Hand-built multi-fidelity trial sets: one configuration per `x`, run at a budget, with a value.
import type { TrialState } from '../../../src/shared/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';

/** Trial `number` of configuration {x} at `budget`; complete trials carry `acc` (and `energy` when given). */
export function budgetTrial(number: number, x: number, budget: number, state: TrialState, acc?: number, energy?: number): TrialView {
  const values = state === 'complete' && acc !== undefined ? { acc, ...(energy === undefined ? {} : { energy }) } : null;
  return { number, state, params: { x }, values, intermediate: new Map(acc === undefined ? [] : [[budget, acc]]), budget };
}

/** Complete trials numbered from `start`, configuration x = i, at one budget, with the given values. */
export function rung(start: number, budget: number, values: readonly number[]): TrialView[] {
  return values.map((v, i) => budgetTrial(start + i, start + i, budget, 'complete', v));
}
