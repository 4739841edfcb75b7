// The GP sampler: adapts the surrogate (gp.ts), acquisitions (acquisition.ts) and their optimizer
// (optimize.ts) to the Sampler contract. Startup: the engine's baseline (just another trial here) plus
// scrambled Sobol points until `n_startup` trials exist. Default n_startup = max(5, d + 1): the GP needs a
// few points per length scale before its marginal likelihood means anything, while every startup point is
// one the model did not choose; with the length-scale priors a d+1 design was enough on the synthetic
// benchmarks (bench/), and Optuna's fixed 10 wastes budget in 2-3 dimensions. With a prior from an earlier
// study (transfer.ts) the model is informed before the first trial: the default is then 2, the fewest points
// the residual GP can be fitted on (the warm start's replayed configurations usually are those two).
import type { Objective } from '../../../../shared/types.js';
import type { SearchSpace } from '../../study/space.js';
import type { ConstraintSpec, SamplerSpec } from '../../study/types.js';
import { exhaustedReason, pickUnused, spaceSize, usedKeys } from '../dedupe.js';
import { Rng } from '../rng.js';
import { unitDesign } from '../sobol.js';
import { StudySpecError } from '../../study/errors.js';
import { readOptions, type OptionValues } from '../../study/strategy-options.js';
import { SamplerError, type Sampler, type SamplerContext, type Suggestion } from '../types.js';
import { suggestWithModel, type GpOutcome, type GpTask, type GpTrial } from './suggest.js';
import type { GpPrior } from './transfer.js';

/** Random streams of this sampler (distinct from rng.ts's STREAM values). */
const STREAM_GP_DESIGN = 0x6771;

const OPTIONS = {
  n_startup: { kind: 'int', min: 0, default: 0, description: 'trials before the GP takes over; 0 means max(5, dimensions + 1)' },
  candidates: { kind: 'int', min: 16, max: 65536, default: 1024, description: 'quasi-random candidates per suggestion' },
  local_searches: { kind: 'int', min: 0, max: 64, default: 5, description: 'candidates refined by local optimization' },
  max_train: { kind: 'int', min: 16, max: 2000, default: 256, description: 'finished trials the GP conditions on' },
  max_fit: { kind: 'int', min: 16, max: 2000, default: 64, description: 'finished trials the hyperparameters are fitted on' },
  cost_aware: { kind: 'boolean', default: false, description: 'expected improvement per joule of predicted energy_j (single objective only)' },
  stack_rungs: {
    kind: 'boolean',
    default: false,
    description: 'under a multi-fidelity scheduler, learn from a rung with 3 results on top of the rung below it (its prior mean) instead of waiting for dimensions + 3',
  },
  edge_prior: {
    kind: 'boolean',
    default: false,
    description: 'a prior mean that rises towards the edges of the space, so unexplored corners are not taken for promising (Snoek et al. 2015)',
  },
  output_warp: {
    kind: 'boolean',
    default: false,
    description: "the objectives' models learn the values' normal scores (ranks), so a few very poor results do not flatten the differences among good ones (Salinas et al. 2020)",
  },
  input_warp: {
    kind: 'boolean',
    default: false,
    description: "the objectives' models see each numeric input through a Kumaraswamy CDF fitted with the kernel, so a response can change fast at one end of a range and slowly at the other (Snoek et al. 2014)",
  },
  joint_fidelity: {
    kind: 'boolean',
    default: false,
    description: "under a multi-fidelity scheduler, learn from every rung's results at once with the budget as one more input, and suggest for the top budget",
  },
} as const;

export interface GpSamplerExtra {
  constraints?: readonly ConstraintSpec[];
  /** Defaults to the context's objectives; given here only when the sampler is used outside the engine. */
  objectives?: readonly Objective[];
  /** Called with the reason each time a suggestion falls back to quasi-random search. */
  onFallback?: (reason: string) => void;
  /** The study has an energy budget: a single-objective study then gets the cost-aware acquisition by default. */
  energyBudget?: boolean;
  /** Called with the reason each time the energy model cannot be fitted and a suggestion uses plain log EI. */
  onCostFallback?: (reason: string) => void;
  /** An earlier study's finished trials, the objectives' prior mean (transfer.ts). */
  prior?: GpPrior | null;
}

/** An ask after `prepare`: answered already, or waiting for the model-based step. */
export type GpStep =
  | { kind: 'done'; suggestion: Suggestion }
  | { kind: 'model'; task: GpTask; ctx: SamplerContext; used: ReadonlySet<string>; size: number };

export interface GpSamplerState {
  /** Last fitted hyperparameters per model ("objective:<metric>" / "constraint:<metric>"), the next fit's warm start. */
  thetas: Record<string, number[]>;
  lastFallbackReason: string | null;
  fallbacks: number;
}

export type GpOptions = OptionValues<typeof OPTIONS>;

/** Default n_startup with a prior (see the header). */
export const PRIOR_N_STARTUP = 2;

/** The GP supports 1 to 3 objectives: hypervolume improvement over non-dominated boxes grows fast beyond. */
export const GP_MAX_OBJECTIVES = 3;

/**
 * Reads the `sampler:` options of a GP for a study with these objectives; throws StudySpecError. The
 * registry's validation and creation both come through here, so what validates also builds.
 */
export function readGpOptions(options: Readonly<Record<string, unknown>>, ctx: { space: SearchSpace; objectives?: readonly Objective[]; prior?: GpPrior | null }): GpOptions {
  const opts = readOptions('sampler', 'gp', options, OPTIONS);
  if (opts.n_startup === 0) opts.n_startup = ctx.prior ? PRIOR_N_STARTUP : Math.max(5, ctx.space.dimension + 1);
  const objectives = ctx.objectives?.length ?? 1;
  if (objectives > GP_MAX_OBJECTIVES) {
    throw new StudySpecError(null, [
      { path: 'sampler.type', message: `the gp sampler supports 1 to ${GP_MAX_OBJECTIVES} objectives, the study has ${objectives}; keep at most ${GP_MAX_OBJECTIVES} objectives (others can be constraints), or use the random or sobol sampler` },
    ]);
  }
  if (opts.cost_aware && objectives > 1) {
    throw new StudySpecError(null, [
      {
        path: 'sampler.cost_aware',
        message: `expected improvement per joule needs a single objective, the study has ${objectives}; remove cost_aware, or make energy_j one of the objectives instead`,
      },
    ]);
  }
  return opts;
}

export function createGpSampler(spec: SamplerSpec, space: SearchSpace, extra: GpSamplerExtra = {}): GpSampler {
  return new GpSampler(readGpOptions(spec.options, { space, objectives: extra.objectives, prior: extra.prior ?? null }), extra);
}

export class GpSampler implements Sampler<GpSamplerState> {
  readonly name = 'gp';
  /** Why the last fallback to quasi-random search happened (null if the GP has not failed). */
  lastFallbackReason: string | null = null;
  fallbacks = 0;
  /** Why the last cost-aware suggestion used plain log EI (too few energy values, or a failed energy fit). */
  lastCostFallbackReason: string | null = null;
  private thetas: Record<string, number[]> = {};

  /** `opts` as `readGpOptions` returned them (n_startup resolved); the space comes with every ask. */
  constructor(
    private readonly opts: GpOptions,
    private readonly extra: GpSamplerExtra,
  ) {}

  ask(ctx: SamplerContext): Suggestion {
    const step = this.prepare(ctx);
    return step.kind === 'done' ? step.suggestion : this.finish(step, suggestWithModel(step.task));
  }

  /**
   * The cheap part of an ask, on the caller's thread: the exhausted check, the initial design, and the plain
   * data the model-based step needs (`suggestWithModel`, inline or in a worker; then `finish`).
   */
  prepare(ctx: SamplerContext): GpStep {
    const space = ctx.space;
    const size = spaceSize(space);
    const used = usedKeys(space, ctx.trials);
    if (used.size >= size) return { kind: 'done', suggestion: { kind: 'exhausted', reason: exhaustedReason(size) } };
    const objectives = this.extra.objectives ?? ctx.objectives;
    if (objectives.length === 0) throw new SamplerError('the GP sampler needs at least one objective', this.name);
    if (objectives.length > GP_MAX_OBJECTIVES) throw new SamplerError(`the GP sampler supports 1 to ${GP_MAX_OBJECTIVES} objectives, the study has ${objectives.length}`, this.name);
    // A view stacked on a lower rung (multi-fidelity.ts) is short by design: the rung below counts as seen.
    if (ctx.trials.length + (ctx.lowerFidelity?.length ?? 0) < this.opts.n_startup) return { kind: 'done', suggestion: this.design(ctx, used, size) };
    const constraints = this.extra.constraints ?? [];
    const task: GpTask = {
      params: { ...space.params },
      objectives: [...objectives],
      constraints: [...constraints],
      options: { ...this.opts },
      energyBudget: this.extra.energyBudget === true,
      seed: ctx.seed,
      trialCount: ctx.trials.length,
      trials: ctx.trials.map(gpTrial),
      used: [...used],
      thetas: this.thetas,
      // An earlier study's prior wins: one prior mean per model.
      prior: this.extra.prior ?? (ctx.lowerFidelity ? { trials: ctx.lowerFidelity.map(gpTrial) } : null),
      fidelity: ctx.fidelity ?? null,
    };
    return { kind: 'model', task, ctx, used, size };
  }

  /** Takes the model-based step's outcome into this sampler's state and turns it into the suggestion. */
  finish(step: Extract<GpStep, { kind: 'model' }>, outcome: GpOutcome): Suggestion {
    this.thetas = outcome.thetas;
    if (outcome.cost) {
      this.lastCostFallbackReason = outcome.cost.reason;
      if (outcome.cost.fitFailed && outcome.cost.reason !== null) this.extra.onCostFallback?.(outcome.cost.reason);
    }
    if (outcome.fitError !== null) {
      this.lastFallbackReason = outcome.fitError;
      this.fallbacks++;
      this.extra.onFallback?.(outcome.fitError);
    }
    if (outcome.params) return { kind: 'params', params: outcome.params };
    return this.design(step.ctx, step.used, step.size);
  }

  snapshot(): GpSamplerState {
    return { thetas: this.thetas, lastFallbackReason: this.lastFallbackReason, fallbacks: this.fallbacks };
  }

  restore(state: GpSamplerState): void {
    const thetas: unknown = (state as Partial<GpSamplerState> | null)?.thetas;
    if (typeof thetas !== 'object' || thetas === null) {
      throw new SamplerError(`cannot restore GP state ${JSON.stringify(state)}: expected {"thetas": {...}}`, this.name);
    }
    this.thetas = {};
    for (const [k, v] of Object.entries(thetas)) {
      if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))) this.thetas[k] = v as number[];
    }
    this.lastFallbackReason = typeof state.lastFallbackReason === 'string' ? state.lastFallbackReason : null;
    this.fallbacks = typeof state.fallbacks === 'number' ? state.fallbacks : 0;
  }

  /** Design point number `trials.length` (scrambled Sobol up to 64 dimensions): the initial design and the fallback. */
  private design(ctx: SamplerContext, used: ReadonlySet<string>, size: number): Suggestion {
    const space = ctx.space;
    const seq = unitDesign(space.dimension, ctx.seed);
    for (let i = 0; i < 32; i++) {
      const config = space.fromUnitVector(seq.point(ctx.trials.length + i * 9973));
      if (!used.has(space.key(config))) return { kind: 'params', params: config };
    }
    const config = pickUnused(space, used, new Rng(ctx.seed, ctx.trials.length, STREAM_GP_DESIGN));
    return config ? { kind: 'params', params: config } : { kind: 'exhausted', reason: exhaustedReason(size) };
  }
}

function gpTrial({ number, state, params, values, budget, metrics }: GpTrial): GpTrial {
  return { number, state, params, values, budget, metrics };
}
