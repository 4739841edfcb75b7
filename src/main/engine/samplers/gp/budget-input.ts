// The budget as one more input of the GP (`joint_fidelity`): every rung's results in one model over
// (configuration, log budget), asked at the maximum budget. The multi-fidelity kernel idea of Kandasamy et
// al., "Multi-fidelity Bayesian Optimisation with Continuous Approximations" (BOCA, ICML 2017): a product
// kernel over the fidelity and the configuration, whose fidelity length scale the data sets, so where rung
// results agree with full-budget ones the cheap ones count almost fully, and where they disagree (a high
// learning rate wins after 1 epoch and loses after 9) a few full-budget results overrule many cheap ones.
// The BOHB way (multi-fidelity.ts) models one rung at a time instead, and under ASHA that is mostly the
// 1-epoch rung for most of a short study. Here the kernel is the GP's own ARD kernel with the budget as a
// numeric dimension (its own length scale), and the acquisition's candidates are pinned at the top budget.
import type { Objective, Params } from '../../../../shared/types.js';
import type { ParamSpec } from '../../study/types.js';
import type { GpTrial } from './suggest.js';

/** The budget's name as a model input: not a parameter name (those are identifiers), so it never clashes. */
export const BUDGET_INPUT = ' budget';

/** The study's fidelity range, as the multi-fidelity wrapper hands it to the model. */
export interface BudgetRange {
  min: number;
  max: number;
}

/** The search space with the budget as a log-scaled float input. */
export function withBudgetParam(params: Readonly<Record<string, ParamSpec>>, range: BudgetRange): Record<string, ParamSpec> {
  return { ...params, [BUDGET_INPUT]: { type: 'float', low: range.min, high: range.max, log: true, step: null, when: null } };
}

/**
 * The trial with its budget among its params: a rung result at its rung, a pending trial at the budget it
 * runs towards (the top under stop-based halving), a trial without a budget at the top.
 */
export function withBudgetValue(t: GpTrial, range: BudgetRange): GpTrial {
  const b = t.budget === null ? range.max : Math.min(range.max, Math.max(range.min, t.budget));
  return { ...t, params: { ...t.params, [BUDGET_INPUT]: b } };
}

/** The configuration without the budget input (what the study runs). */
export function withoutBudget(config: Params): Params {
  const { [BUDGET_INPUT]: _budget, ...rest } = config;
  return rest;
}

/**
 * Every complete result moved to the scale of the highest budget with results: each budget's values shifted
 * by the mean gain, over the configurations that reached both, from it to the next budget up (chained to the
 * top). Without it the budget's own effect (accuracy after 1 epoch is far below accuracy after 9 for every
 * configuration) is all the kernel sees along the budget input: its length scale there comes out short, a
 * configuration seen only at 1 epoch looks unknown at the top, and expected improvement keeps sending the
 * search back to what ASHA just stopped. Shifted, the budget input carries only how the configurations'
 * ranking changes with the budget. A gap no configuration spans is taken as 0. Pairs are configurations,
 * not trials, so promotion (a new trial per rung) and stop-based rung results pair the same way.
 * Unchanged while fewer than two configurations have results.
 */
export function levelBudgets(trials: readonly GpTrial[], objectives: readonly Objective[], key: (params: Params) => string): GpTrial[] {
  const usable = (t: GpTrial): boolean => t.state === 'complete' && t.budget !== null && objectives.every((o) => Number.isFinite(t.values?.[o.metric]));
  const byBudget = new Map<number, Map<string, GpTrial>>();
  for (const t of trials) {
    if (!usable(t)) continue;
    const at = byBudget.get(t.budget!) ?? new Map<string, GpTrial>();
    at.set(key(t.params), t);
    byBudget.set(t.budget!, at);
  }
  const budgets = [...byBudget.keys()].sort((a, b) => b - a);
  // One configuration's results, levelled, would all be equal: the model could learn nothing from them.
  if (new Set([...byBudget.values()].flatMap((at) => [...at.keys()])).size < 2) return [...trials];
  // shift.get(b)[k]: what objective k's values at budget b gain on the way to the highest budget.
  const shift = new Map<number, number[]>([[budgets[0]!, objectives.map(() => 0)]]);
  for (let i = 1; i < budgets.length; i++) {
    const upper = byBudget.get(budgets[i - 1]!)!;
    const lower = byBudget.get(budgets[i]!)!;
    const gain = objectives.map(() => 0);
    let pairs = 0;
    for (const [k, low] of lower) {
      const high = upper.get(k);
      if (!high) continue;
      pairs++;
      objectives.forEach((o, j) => (gain[j]! += high.values![o.metric]! - low.values![o.metric]!));
    }
    const above = shift.get(budgets[i - 1]!)!;
    shift.set(budgets[i]!, above.map((s, j) => s + (pairs > 0 ? gain[j]! / pairs : 0)));
  }
  return trials.map((t) => {
    const s = usable(t) ? shift.get(t.budget!) : undefined;
    if (!s || s.every((v) => v === 0)) return t;
    const values = { ...t.values! };
    objectives.forEach((o, j) => (values[o.metric] = values[o.metric]! + s[j]!));
    return { ...t, values };
  });
}
