// A model-based sampler under a multi-fidelity scheduler, the BOHB way (Falkner et al., "BOHB: Robust and
// Efficient Hyperparameter Optimization at Scale", ICML 2018, sec. 4.2): the model learns from one budget
// only, the highest one with enough finished results, because values at different budgets are different
// functions (accuracy after 2 epochs is not a noisy accuracy after 52). BOHB asks for N_min + 2 results with
// N_min = d + 1; that is the default here. Queued and running trials of every budget stay in view, so the
// wrapped sampler still steers away from work in progress.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from './types.js';
import type { Sampler, SamplerContext, Suggestion } from './types.js';

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
}

/** The trials as rung results (see HighestRungOptions.rungResults). */
export type RungResults = (trials: readonly TrialView[], objectives: readonly Objective[]) => TrialView[];

/** Wraps `sampler` so it sees the finished trials of the most faithful budget with enough results, plus all pending trials. */
export function withHighestRung<S>(sampler: Sampler<S>, opts: HighestRungOptions = {}): Sampler<S> {
  return new HighestRungSampler(sampler, opts.minResults ?? null, opts.rungResults ?? null);
}

class HighestRungSampler<S> implements Sampler<S> {
  /** The wrapped sampler's name, so its persisted state and trial origins stay its own. */
  readonly name: string;

  constructor(
    private readonly inner: Sampler<S>,
    private readonly minResults: number | null,
    private readonly rungResults: RungResults | null,
  ) {
    this.name = inner.name;
  }

  ask(ctx: SamplerContext): Suggestion | Promise<Suggestion> {
    const minResults = this.minResults ?? ctx.space.dimension + 3;
    let view: TrialView[] | null;
    if (this.rungResults) {
      // Results of one rung only are still the view: the trials themselves hold pruned trials' last values.
      const results = this.rungResults(ctx.trials, ctx.objectives);
      view = highestRungView(results, minResults) ?? results;
    } else view = highestRungView(ctx.trials, minResults);
    if (view === null) return this.inner.ask(ctx);
    // The wrapped sampler only checks duplicates against what it was shown: a configuration already run at
    // another budget is asked again with every trial in view, where its own duplicate check applies.
    const check = (s: Suggestion): Suggestion | Promise<Suggestion> => {
      if (s.kind === 'exhausted') return s;
      const key = ctx.space.key(s.params);
      return ctx.trials.some((t) => ctx.space.key(t.params) === key) ? this.inner.ask(ctx) : s;
    };
    const s = this.inner.ask({ ...ctx, trials: view });
    // A synchronous inner sampler keeps this wrapper synchronous.
    return s instanceof Promise ? s.then(check) : check(s);
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
