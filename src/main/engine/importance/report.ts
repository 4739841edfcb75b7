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

export interface ImportanceOptions {
  forest?: { seed: number; trees: number };
  /**
   * An objective whose importance cannot be computed gets none instead of an error: the report's choice,
   * for a study whose stored values no longer fit its space (edited by hand, imported).
   */
  lenient?: boolean;
}

export function importanceByObjective(
  trials: readonly ScoredTrial[],
  searchSpace: Record<string, ParamSpec>,
  objectives: readonly Objective[],
  opts: ImportanceOptions = {},
): ObjectiveImportance[] {
  const space = new SearchSpace(searchSpace);
  const forest = opts.forest ?? IMPORTANCE_FOREST;
  return objectives.map((objective) => {
    const used = trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values[objective.metric])).length;
    try {
      const imp = importance(trials, space, objective, forest);
      return { objective, trials: used, importance: imp, suggestions: imp.length ? suggestNarrowing(imp, trials, space, objective) : [] };
    } catch (e) {
      if (!opts.lenient) throw e;
      return { objective, trials: used, importance: [], suggestions: [] };
    }
  });
}

/** Everything importanceByObjective needs, as plain data: what a worker thread is sent (./threaded.ts). */
export interface ImportanceTask {
  trials: ScoredTrial[];
  searchSpace: Record<string, ParamSpec>;
  objectives: Objective[];
  forest: { seed: number; trees: number };
  lenient: boolean;
}

/** The task for `trials`, keeping of each only what the forest reads (a stored trial carries much more). */
export function importanceTask(
  trials: readonly ScoredTrial[],
  searchSpace: Record<string, ParamSpec>,
  objectives: readonly Objective[],
  opts: ImportanceOptions = {},
): ImportanceTask {
  return {
    trials: trials.map((t) => ({ state: t.state, params: t.params, values: t.values })),
    searchSpace,
    objectives: [...objectives],
    forest: opts.forest ?? IMPORTANCE_FOREST,
    lenient: opts.lenient ?? false,
  };
}

export function runImportanceTask(task: ImportanceTask): ObjectiveImportance[] {
  return importanceByObjective(task.trials, task.searchSpace, task.objectives, { forest: task.forest, lenient: task.lenient });
}
