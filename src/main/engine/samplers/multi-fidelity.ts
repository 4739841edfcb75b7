// A model-based sampler under a multi-fidelity scheduler, the BOHB way (Falkner et al., "BOHB: Robust and
// Efficient Hyperparameter Optimization at Scale", ICML 2018, sec. 4.2): the model learns from one budget
// only, the highest one with enough finished results, because values at different budgets are different
// functions (accuracy after 2 epochs is not a noisy accuracy after 52). BOHB asks for N_min + 2 results with
// N_min = d + 1; that is the default here. Queued and running trials of every budget stay in view, so the
// wrapped sampler still steers away from work in progress.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from './types.js';
import type { Sampler, SamplerContext, Suggestion } from './types.js';
import type { BudgetRange } from './gp/budget-input.js';

export interface HighestRungOptions {
  /** Finished results a budget needs before the model learns from it; default: dimensions + 3. */
  minResults?: number;
  /**
   * Stop-based successive halving: every trial then runs at the full budget, and this gives each
   * configuration's result at each rung as a complete trial with the rung's step as its budget (its first
   * report at or past the rung, as the scheduler judges it), plus the complete and pending trials
   * themselves, so the model learns from the same rungs as under promotion. The caller passes the
   * scheduler's reading (schedulers/arrivals.ts rungResults): samplers do not import schedulers.
   */
  rungResults?: RungResults;
  /**
   * Learn from a higher rung sooner: the highest rung with STACK_MIN_RESULTS results becomes the view as
   * soon as a lower rung has `minResults`, and the lower rung's results go along as the model's prior mean
   * (SamplerContext.lowerFidelity). The autoregressive multi-fidelity model of Kennedy & O'Hagan
   * ("Predicting the output from a complex computer code when fast approximations are available",
   * Biometrika 2000): f_high(x) = rho f_low(x) + delta(x), with rho the prior's learned weight and delta the
   * residual GP (samplers/gp/transfer.ts fits both). Without it the model waits for `minResults` at a rung.
   */
  stack?: boolean;
  /**
   * Learn from every rung at once, the budget one more input of the model (samplers/gp/budget-input.ts),
   * asked for the study's top budget: the study's fidelity range. Instead of the highest-rung view and `stack`.
   */
  joint?: BudgetRange;
}

/** Results a higher rung needs before it is learned from on top of the rung below (`stack`). */
export const STACK_MIN_RESULTS = 3;

/** The trials as rung results (see HighestRungOptions.rungResults). */
export type RungResults = (trials: readonly TrialView[], objectives: readonly Objective[]) => TrialView[];

/** Wraps `sampler` so it sees the finished trials of the most faithful budget with enough results, plus all pending trials. */
export function withHighestRung<S>(sampler: Sampler<S>, opts: HighestRungOptions = {}): Sampler<S> {
  return new HighestRungSampler(sampler, opts.minResults ?? null, opts.rungResults ?? null, opts.stack === true, opts.joint ?? null);
}

class HighestRungSampler<S> implements Sampler<S> {
  /** The wrapped sampler's name, so its persisted state and trial origins stay its own. */
  readonly name: string;

  constructor(
    private readonly inner: Sampler<S>,
    private readonly minResults: number | null,
    private readonly rungResults: RungResults | null,
    private readonly stack: boolean,
    private readonly joint: BudgetRange | null,
  ) {
    this.name = inner.name;
  }

  ask(ctx: SamplerContext): Suggestion | Promise<Suggestion> {
    if (this.joint) return this.inner.ask({ ...ctx, trials: this.jointView(ctx), fidelity: this.joint });
    const minResults = this.minResults ?? ctx.space.dimension + 3;
    let view: readonly TrialView[] | null;
    let lowerFidelity: TrialView[] | undefined;
    const results = this.rungResults ? this.rungResults(ctx.trials, ctx.objectives) : ctx.trials;
    const stacked = this.stack ? stackedRungView(results, minResults) : null;
    if (stacked) {
      view = stacked.view;
      lowerFidelity = stacked.lower;
    } else if (this.rungResults) {
      // Results of one rung only are still the view: the trials themselves hold pruned trials' last values.
      view = highestRungView(results, minResults) ?? results;
    } else view = highestRungView(results, minResults);
    if (view === null) return this.inner.ask(ctx);
    // The wrapped sampler only checks duplicates against what it was shown: a configuration already run at
    // another budget is asked again with every trial in view, where its own duplicate check applies.
    const check = (s: Suggestion): Suggestion | Promise<Suggestion> => {
      if (s.kind === 'exhausted') return s;
      const key = ctx.space.key(s.params);
      return ctx.trials.some((t) => ctx.space.key(t.params) === key) ? this.inner.ask(ctx) : s;
    };
    const s = this.inner.ask({ ...ctx, trials: view, ...(lowerFidelity ? { lowerFidelity } : {}) });
    // A synchronous inner sampler keeps this wrapper synchronous.
    return s instanceof Promise ? s.then(check) : check(s);
  }

  /**
   * Every result with its budget: under stop-based halving each configuration's rung results, the trials
   * that ran to the top and the pending ones, plus the trials that ended otherwise (stopped at a rung,
   * whose evidence is their rung results, or failed, with none: the model must not suggest them again);
   * under promotion the trials themselves, each at its rung.
   */
  private jointView(ctx: SamplerContext): readonly TrialView[] {
    if (!this.rungResults) return ctx.trials;
    const results = this.rungResults(ctx.trials, ctx.objectives);
    return [...results, ...ctx.trials.filter((t) => t.state !== 'complete' && !PENDING.has(t.state))];
  }

  snapshot(): S | null {
    return this.inner.snapshot();
  }

  restore(state: S): void {
    this.inner.restore(state);
  }
}

const PENDING = new Set(['queued', 'running']);

/**
 * With `stack`: the complete results of the highest budget that has STACK_MIN_RESULTS of them, plus every
 * pending trial, and as `lower` the complete results of the highest lower budget with `minResults`. Null
 * when no budget above the highest one with `minResults` has STACK_MIN_RESULTS (the unstacked view holds).
 */
export function stackedRungView(trials: readonly TrialView[], minResults: number): { view: TrialView[]; lower: TrialView[] } | null {
  const complete = new Map<number, number>();
  for (const t of trials) {
    if (t.state === 'complete' && t.budget !== null) complete.set(t.budget, (complete.get(t.budget) ?? 0) + 1);
  }
  let full: number | null = null;
  let top: number | null = null;
  for (const [budget, n] of complete) {
    if (n >= minResults && (full === null || budget > full)) full = budget;
    if (n >= STACK_MIN_RESULTS && (top === null || budget > top)) top = budget;
  }
  if (full === null || top === null || top <= full) return null;
  return {
    view: trials.filter((t) => PENDING.has(t.state) || (t.budget === top && t.state === 'complete')),
    lower: trials.filter((t) => t.budget === full && t.state === 'complete'),
  };
}

/**
 * The trials a model should learn from: the finished trials of the highest budget with at least
 * `minResults` complete ones (else of the budget with the most), plus every queued or running trial.
 * Null when the study's finished trials all share one budget (or have none): nothing to filter.
 */
export function highestRungView(trials: readonly TrialView[], minResults: number): TrialView[] | null {
  const complete = new Map<number, number>();
  for (const t of trials) {
    if (t.state === 'complete' && t.budget !== null) complete.set(t.budget, (complete.get(t.budget) ?? 0) + 1);
  }
  const finishedBudgets = new Set(trials.filter((t) => !PENDING.has(t.state)).map((t) => t.budget));
  if (finishedBudgets.size <= 1) return null;
  let chosen: number | null = null;
  for (const [budget, n] of complete) {
    if (n >= minResults && (chosen === null || budget > chosen)) chosen = budget;
  }
  if (chosen === null) {
    let most = 0;
    for (const [budget, n] of complete) {
      if (n > most || (n === most && chosen !== null && budget > chosen)) {
        most = n;
        chosen = budget;
      }
    }
  }
  if (chosen === null) return null;
  return trials.filter((t) => PENDING.has(t.state) || t.budget === chosen);
}
