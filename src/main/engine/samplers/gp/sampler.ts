// The GP sampler: adapts the surrogate (gp.ts), acquisitions (acquisition.ts) and their optimizer
// (optimize.ts) to the Sampler contract. Startup: the engine's baseline (just another trial here) plus
// scrambled Sobol points until `n_startup` trials exist. Default n_startup = max(5, d + 1): the GP needs a
// few points per length scale before its marginal likelihood means anything, while every startup point is
// one the model did not choose; with the length-scale priors a d+1 design was enough on the synthetic
// benchmarks (bench/), and Optuna's fixed 10 wastes budget in 2-3 dimensions.
import type { Objective, Params } from '../../../../shared/types.js';
import type { SearchSpace } from '../../study/space.js';
import type { ConstraintSpec, SamplerSpec } from '../../study/types.js';
import { nonDominatedIndices } from '../../study/hypervolume.js';
import { exhaustedReason, pickUnused, spaceSize, usedKeys } from '../dedupe.js';
import { Rng } from '../rng.js';
import { unitDesign } from '../sobol.js';
import { StudySpecError } from '../../study/errors.js';
import { readOptions, type OptionValues } from '../../study/strategy-options.js';
import { SamplerError, type Sampler, type SamplerContext, type Suggestion } from '../types.js';
import { logEI, logEIGrad, logFeasibility, logFeasibilityGrad, NonDominatedBoxes, type ConstraintModel } from './acquisition.js';
import { perJoule, pickPerJoule, type PerJouleAcquisition } from './cost.js';
import { collectObservations, selectionScore, selectSubset, take, takeRows, type Observations } from './dataset.js';
import { encodingOf, type Encoding } from './encode.js';
import { GPFitError } from './errors.js';
import { fitGP, GaussianProcess } from './gp.js';
import { optimizeAcquisition, type AcquisitionFn } from './optimize.js';

/** Random streams of this sampler (distinct from rng.ts's STREAM values). */
const STREAM_GP = 0x6770;
const STREAM_GP_DESIGN = 0x6771;
const STREAM_GP_COST = 0x6772;

const OPTIONS = {
  n_startup: { kind: 'int', min: 0, default: 0, description: 'trials before the GP takes over; 0 means max(5, dimensions + 1)' },
  candidates: { kind: 'int', min: 16, max: 65536, default: 1024, description: 'quasi-random candidates per suggestion' },
  local_searches: { kind: 'int', min: 0, max: 64, default: 5, description: 'candidates refined by local optimization' },
  max_train: { kind: 'int', min: 16, max: 2000, default: 256, description: 'finished trials the GP conditions on' },
  max_fit: { kind: 'int', min: 16, max: 2000, default: 64, description: 'finished trials the hyperparameters are fitted on' },
  cost_aware: { kind: 'boolean', default: false, description: 'expected improvement per joule of predicted energy_j (single objective only)' },
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
}

export interface GpSamplerState {
  /** Last fitted hyperparameters per model ("objective:<metric>" / "constraint:<metric>"), the next fit's warm start. */
  thetas: Record<string, number[]>;
  lastFallbackReason: string | null;
  fallbacks: number;
}

export type GpOptions = OptionValues<typeof OPTIONS>;

/** The GP supports 1 to 3 objectives: hypervolume improvement over non-dominated boxes grows fast beyond. */
export const GP_MAX_OBJECTIVES = 3;

/**
 * Reads the `sampler:` options of a GP for a study with these objectives; throws StudySpecError. The
 * registry's validation and creation both come through here, so what validates also builds.
 */
export function readGpOptions(options: Readonly<Record<string, unknown>>, ctx: { space: SearchSpace; objectives?: readonly Objective[] }): GpOptions {
  const opts = readOptions('sampler', 'gp', options, OPTIONS);
  if (opts.n_startup === 0) opts.n_startup = Math.max(5, ctx.space.dimension + 1);
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
  return new GpSampler(readGpOptions(spec.options, { space, objectives: extra.objectives }), space, extra);
}

export class GpSampler implements Sampler<GpSamplerState> {
  readonly name = 'gp';
  /** Why the last fallback to quasi-random search happened (null if the GP has not failed). */
  lastFallbackReason: string | null = null;
  fallbacks = 0;
  /** Why the last cost-aware suggestion used plain log EI (too few energy values, or a failed energy fit). */
  lastCostFallbackReason: string | null = null;
  private thetas: Record<string, number[]> = {};
  private readonly enc: Encoding;

  constructor(
    private readonly opts: GpOptions,
    space: SearchSpace,
    private readonly extra: GpSamplerExtra,
  ) {
    this.enc = encodingOf(space);
  }

  ask(ctx: SamplerContext): Suggestion {
    const space = ctx.space;
    const size = spaceSize(space);
    const used = usedKeys(space, ctx.trials);
    if (used.size >= size) return { kind: 'exhausted', reason: exhaustedReason(size) };
    const objectives = this.extra.objectives ?? ctx.objectives;
    if (objectives.length === 0) throw new SamplerError('the GP sampler needs at least one objective', this.name);
    if (objectives.length > GP_MAX_OBJECTIVES) throw new SamplerError(`the GP sampler supports 1 to ${GP_MAX_OBJECTIVES} objectives, the study has ${objectives.length}`, this.name);
    const obs = collectObservations(this.enc, ctx.trials, objectives, this.extra.constraints ?? []);
    if (ctx.trials.length < this.opts.n_startup) return this.design(ctx, used, size);
    try {
      const params = this.modelBased(ctx, obs, objectives.length, used);
      if (params) return { kind: 'params', params };
      return this.design(ctx, used, size);
    } catch (e) {
      if (!(e instanceof GPFitError)) throw e;
      this.lastFallbackReason = e.message;
      this.fallbacks++;
      this.extra.onFallback?.(e.message);
      return this.design(ctx, used, size);
    }
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

  private modelBased(ctx: SamplerContext, obs: Observations, nObj: number, used: ReadonlySet<string>): Params | null {
    const rng = new Rng(ctx.seed, ctx.trials.length, STREAM_GP);
    const all = Array.from({ length: obs.n }, (_, i) => i);
    const score = selectionScore(obs.targets, obs.n);
    const train = selectSubset(score, all, this.opts.max_train, rng);
    const fitRows = selectSubset(score, train, this.opts.max_fit, rng);
    const objectiveModels = obs.targets.map((t, k) => {
      const name = `objective:${(this.extra.objectives ?? ctx.objectives)[k]!.metric}`;
      const gp = this.model(name, obs, t, train, fitRows, rng);
      let mean = 0;
      for (let i = 0; i < gp.n; i++) mean += gp.y[i]! / gp.n;
      return gp.withFantasies(obs.pendingX, obs.pending, mean);
    });
    const constraints = this.constraintModels(obs, train, fitRows, rng);
    const feasibleIdx = all.filter((i) => obs.feasible[i] === 1);
    const acq =
      feasibleIdx.length === 0
        ? feasibilityOnly(constraints)
        : nObj === 1
          ? singleObjective(objectiveModels[0]!, obs, feasibleIdx, constraints)
          : multiObjective(objectiveModels, obs, feasibleIdx, constraints);

    // Anchors for local candidates: best feasible points (single objective) or the Pareto set.
    const order = feasibleIdx.sort((a, b) => score[a]! - score[b]!).slice(0, 5);
    const anchors = order.map((i) => obs.X.slice(i * this.enc.D, (i + 1) * this.enc.D));
    const costAware = nObj === 1 && feasibleIdx.length > 0 && (this.opts.cost_aware || this.extra.energyBudget === true);
    const perJ = costAware ? this.perJouleAcquisition(acq, obs, ctx) : null;
    const ranked = optimizeAcquisition(this.enc, perJ ?? acq, {
      rng,
      candidates: this.opts.candidates,
      anchors,
      perturbationsPerAnchor: Math.ceil(this.opts.candidates / 16),
      localSearches: this.opts.local_searches,
      maxIter: 40,
    });
    const pick = perJ ? pickPerJoule(ranked, perJ, used) : ranked.find((p) => !used.has(p.key) && Number.isFinite(p.score));
    return pick ? pick.config : null;
  }

  /**
   * `acq` per joule of predicted energy, or null (plain `acq`) while fewer than n_startup finished trials
   * carry a positive energy_j or when their log energies cannot be fitted. Its own random stream, so the
   * objective model and the candidates are the same as without cost awareness.
   */
  private perJouleAcquisition(acq: AcquisitionFn, obs: Observations, ctx: SamplerContext): PerJouleAcquisition | null {
    const logEnergy = Float64Array.from(obs.energy, (e) => (e > 0 ? Math.log(e) : NaN));
    const rows = Array.from({ length: obs.n }, (_, i) => i).filter((i) => Number.isFinite(logEnergy[i]!));
    if (rows.length < this.opts.n_startup) {
      this.lastCostFallbackReason = `${rows.length} finished trials have energy_j, the energy model needs ${this.opts.n_startup}`;
      return null;
    }
    const rng = new Rng(ctx.seed, ctx.trials.length, STREAM_GP_COST);
    const score = Float64Array.from(obs.targets[0]!);
    const train = selectSubset(score, rows, this.opts.max_train, rng);
    const fitRows = selectSubset(score, train, this.opts.max_fit, rng);
    try {
      const gp = this.model('cost:energy_j', obs, logEnergy, train, fitRows, rng);
      this.lastCostFallbackReason = null;
      return perJoule(acq, gp);
    } catch (e) {
      if (!(e instanceof GPFitError)) throw e;
      this.lastCostFallbackReason = `energy model: ${e.message}`;
      this.extra.onCostFallback?.(this.lastCostFallbackReason);
      return null;
    }
  }

  /** Fits hyperparameters on `fitRows`, then conditions on all of `train` with them. */
  private model(name: string, obs: Observations, target: Float64Array, train: number[], fitRows: number[], rng: Rng): GaussianProcess {
    const { D, isCat } = this.enc;
    const warm = this.thetas[name];
    const fitted = fitGP(takeRows(obs.X, D, fitRows), fitRows.length, D, isCat, take(target, fitRows), {
      rng,
      warmStart: warm ? Float64Array.from(warm) : null,
      randomStarts: warm ? 0 : 2,
      // A warm start is near the optimum already; in a flat direction (typically the noise of a deterministic
      // objective) the optimization then creeps on across asks instead of spending this ask's time.
      maxIter: warm ? 20 : 40,
    });
    this.thetas[name] = Array.from(fitted.theta);
    if (train.length === fitRows.length) return fitted;
    const y = Float64Array.from(train, (i) => (target[i]! - fitted.yMean) / fitted.yStd);
    return new GaussianProcess(takeRows(obs.X, D, train), train.length, D, isCat, y, fitted.theta, fitted.yMean, fitted.yStd);
  }

  private constraintModels(obs: Observations, train: number[], fitRows: number[], rng: Rng): ConstraintModel[] {
    const out: ConstraintModel[] = [];
    (this.extra.constraints ?? []).forEach((c, k) => {
      const values = obs.constraintValues[k]!;
      const has = (i: number): boolean => Number.isFinite(values[i]!);
      try {
        const gp = this.model(`constraint:${c.metric}`, obs, values, train.filter(has), fitRows.filter(has), rng);
        const lower = c.min === null ? -Infinity : (c.min - gp.yMean) / gp.yStd;
        const upper = c.max === null ? Infinity : (c.max - gp.yMean) / gp.yStd;
        out.push({ gp, lower, upper });
      } catch (e) {
        // A constraint metric with too few or identical values carries no gradient of feasibility: the
        // observed feasibility (incumbent and front) still applies, the model term is left out.
        if (!(e instanceof GPFitError)) throw e;
      }
    });
    return out;
  }
}

function constraintLog(x: Float64Array, constraints: readonly ConstraintModel[]): number {
  let s = 0;
  for (const c of constraints) s += logFeasibility(c.gp.predict(x), c);
  return s;
}

/** Before any feasible trial: maximize the probability of feasibility alone. */
function feasibilityOnly(constraints: readonly ConstraintModel[]): AcquisitionFn {
  return { value: (x) => constraintLog(x, constraints) };
}

function singleObjective(gp: GaussianProcess, obs: Observations, feasibleIdx: readonly number[], constraints: readonly ConstraintModel[]): AcquisitionFn {
  let best = Infinity;
  for (const i of feasibleIdx) best = Math.min(best, (obs.targets[0]![i]! - gp.yMean) / gp.yStd);
  const D = gp.D;
  const dm = new Float64Array(D);
  const dv = new Float64Array(D);
  const g2 = new Float64Array(D);
  return {
    value: (x) => logEI(gp.predict(x), best) + constraintLog(x, constraints),
    valueWithGrad: (x, grad) => {
      let v = logEIGrad(gp.predictWithGrad(x, dm, dv), dm, dv, best, grad);
      for (const c of constraints) {
        v += logFeasibilityGrad(c.gp.predictWithGrad(x, dm, dv), dm, dv, c, g2);
        for (let d = 0; d < D; d++) grad[d] = grad[d]! + g2[d]!;
      }
      return v;
    },
  };
}

function multiObjective(gps: readonly GaussianProcess[], obs: Observations, feasibleIdx: readonly number[], constraints: readonly ConstraintModel[]): AcquisitionFn {
  const m = gps.length;
  const pts: number[][] = feasibleIdx.map((i) => gps.map((gp, k) => (obs.targets[k]![i]! - gp.yMean) / gp.yStd));
  // Reference point: the feasible nadir pushed out by 10% of each objective's range, so extreme points of
  // the front still add volume.
  const ref = Array.from({ length: m }, (_, k) => {
    const vals = pts.map((p) => p[k]!);
    const hi = Math.max(...vals);
    const lo = Math.min(...vals);
    return hi + 0.1 * Math.max(hi - lo, 1e-6);
  });
  const front = nonDominatedIndices(pts).map((i) => pts[i]!);
  const boxes = new NonDominatedBoxes(front, ref);
  const means = new Array<number>(m).fill(0);
  const sds = new Array<number>(m).fill(0);
  return {
    value: (x) => {
      let fallback = -Infinity;
      gps.forEach((gp, k) => {
        const p = gp.predict(x);
        means[k] = p.mean;
        sds[k] = Math.sqrt(p.variance);
        fallback = Math.max(fallback, logEI(p, Math.min(...front.map((f) => f[k]!))));
      });
      const ehvi = boxes.expectedImprovement(means, sds);
      // Where EHVI underflows, rank by the best single-objective log EI, far below any positive EHVI.
      const base = ehvi > 1e-300 ? Math.log(ehvi) : -1e4 + Math.max(fallback, -1e4 + 1);
      return base + constraintLog(x, constraints);
    },
  };
}
