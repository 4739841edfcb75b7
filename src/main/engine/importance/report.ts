// Importance per objective with freeze/narrow suggestions, as `nightshift importance` prints it and the
// dashboard shows it: one function, so the two cannot disagree.
import type { Objective } from '../../../shared/types.js';
import type { ParamSpec } from '../study/types.js';
import { SearchSpace } from '../study/space.js';
import { importance, suggestNarrowing, type NarrowingSuggestion, type ParamImportance, type ScoredTrial } from './index.js';

/** Seed and size of the forest, as in the HTML report (report/model.ts), so all three show the same numbers. */
export const IMPORTANCE_FOREST = { seed: 0, trees: 32 };

export interface ObjectiveImportance {
  objective: Objective;
  /** Complete trials with a finite value of the objective (what the forest was fitted on). */
  trials: number;
  importance: ParamImportance[];
  suggestions: NarrowingSuggestion[];
}

export function importanceByObjective(trials: readonly ScoredTrial[], searchSpace: Record<string, ParamSpec>, objectives: readonly Objective[]): ObjectiveImportance[] {
  const space = new SearchSpace(searchSpace);
  return objectives.map((objective) => {
    const imp = importance(trials, space, objective, IMPORTANCE_FOREST);
    const used = trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values[objective.metric])).length;
    return { objective, trials: used, importance: imp, suggestions: imp.length ? suggestNarrowing(imp, trials, space, objective) : [] };
  });
}
