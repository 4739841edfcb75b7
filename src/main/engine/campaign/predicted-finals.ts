// A model-based sampler under a curve-predicting scheduler learns from stopped trials too, with the value
// their curve was heading for. Without this the GP sees only the few trials that ran to the end and keeps
// proposing configurations next to the ones just stopped (on LCBench 189906 it found nothing better after
// its first 500 of 6,544 epochs). Domhan, Springenberg & Hutter (IJCAI 2015, sec. 3.3) likewise hand the
// optimizer the extrapolated performance of a run they terminate rather than dropping it.
import type { Objective } from '../../../shared/types.js';
import type { Sampler, SamplerContext, Suggestion, TrialView } from '../samplers/types.js';
import type { Scheduler } from '../schedulers/types.js';

/** Wraps `sampler` so that pruned trials with a predicted final appear complete with that value. */
export function withPredictedFinals<S>(sampler: Sampler<S>, scheduler: Scheduler, objectives: readonly Objective[]): Sampler<S> {
  if (!scheduler.predictFinal || objectives.length !== 1) return sampler;
  const predict = scheduler.predictFinal.bind(scheduler);
  const metric = objectives[0]!.metric;
  return {
    name: sampler.name,
    // The wrapped sampler may answer with a Promise (the GP off-thread): passed through as it comes.
    ask(ctx: SamplerContext): Suggestion | Promise<Suggestion> {
      const trials = ctx.trials.map((t): TrialView => {
        if (t.state !== 'pruned') return t;
        const p = predict({ objectives: ctx.objectives, trials: ctx.trials }, t.number);
        return p ? { ...t, state: 'complete', values: { ...t.values, [metric]: p.mean } } : t;
      });
      return sampler.ask({ ...ctx, trials });
    },
    snapshot: () => sampler.snapshot(),
    restore: (state: S) => sampler.restore(state),
  };
}
