// The GP sampler's heavy step as a pure function of plain data: fit the models, build the acquisition and
// optimize it. Plain data in and out (no class instances, no callbacks) so it runs the same inline or in a
// worker thread (worker.ts), and gives the same suggestion in both for the same input.
import type { Objective, Params } from '../../../../shared/types.js';
import { nonDominatedIndices } from '../../study/hypervolume.js';
import { SearchSpace } from '../../study/space.js';
import type { ConstraintSpec, ParamSpec } from '../../study/types.js';
import { Rng } from '../rng.js';
import type { TrialView } from '../types.js';
import { logEI, logEIGrad, logFeasibility, logFeasibilityGrad, NonDominatedBoxes, type ConstraintModel } from './acquisition.js';
import { perJoule, pickPerJoule, type PerJouleAcquisition } from './cost.js';
import { BUDGET_INPUT, levelBudgets, withBudgetParam, withBudgetValue, withoutBudget, type BudgetRange } from './budget-input.js';
import { collectObservations, selectionScore, selectSubset, take, takeRows, type Observations } from './dataset.js';
import { EDGE_PRIOR_SD, edgeBowl, edgePrior, spreadOf, sumOfPriors } from './edge-prior.js';
import { encodingOf, type Encoding } from './encode.js';
import { GPFitError } from './errors.js';
import { fitGP, GaussianProcess } from './gp.js';
import { optimizeAcquisition, type AcquisitionFn } from './optimize.js';
import { fitWarpedGP, WarpedGP } from './input-warp.js';
import { warpTargets } from './output-warp.js';
import { meanAtRows, priorObservations, priorWeight, sourceMean, stackedPrior, type GpPrior } from './transfer.js';

/** Random streams of this sampler (distinct from rng.ts's STREAM values). */
const STREAM_GP = 0x6770;
const STREAM_GP_COST = 0x6772;
const STREAM_GP_PRIOR = 0x6773;

export interface GpModelOptions {
  n_startup: number;
  candidates: number;
  local_searches: number;
  max_train: number;
  max_fit: number;
  cost_aware: boolean;
  /** A prior mean rising towards the space's edges (edge-prior.ts); absent: none. */
  edge_prior?: boolean;
  /** The objectives' models learn normal scores of the values (output-warp.ts); absent: the values. */
  output_warp?: boolean;
  /** The objectives' models see Kumaraswamy-warped inputs (input-warp.ts); absent: the inputs as they are. */
  input_warp?: boolean;
}

/** The part of a trial the model reads (intermediate values stay behind: the step never needs them). */
export type GpTrial = Pick<TrialView, 'number' | 'state' | 'params' | 'values' | 'budget' | 'metrics'>;

/** Everything one model-based suggestion depends on. */
export interface GpTask {
  params: Record<string, ParamSpec>;
  objectives: Objective[];
  constraints: ConstraintSpec[];
  options: GpModelOptions;
  energyBudget: boolean;
  seed: number;
  /** Trials in the study when asked (with the seed, it fixes the random streams). */
  trialCount: number;
  /** What the model learns from; encoding them is part of the step (15 ms at 1,000 trials). */
  trials: GpTrial[];
  /** Keys of configurations the study already holds. */
  used: string[];
  /** Last fitted hyperparameters per model, the fits' warm starts. */
  thetas: Record<string, number[]>;
  /** An earlier study's finished trials: the objectives' prior mean (transfer.ts); null without one. */
  prior?: GpPrior | null;
  /**
   * Set when `trials` are results at several budgets: the budget is then a model input and suggestions are
   * made for `max` (budget-input.ts). Absent: the trials are one budget's results.
   */
  fidelity?: BudgetRange | null;
}

export interface GpOutcome {
  /** The suggestion, or null when no finite, unused candidate was found (the caller falls back). */
  params: Params | null;
  /** Set when the objective model could not be fitted: the caller falls back to quasi-random on purpose. */
  fitError: string | null;
  /** Hyperparameters after this step (the ones fitted before a failure included). */
  thetas: Record<string, number[]>;
  /** Absent when the cost-aware acquisition was not tried; reason null when it was used. */
  cost?: { reason: string | null; fitFailed: boolean };
}

export function suggestWithModel(task: GpTask): GpOutcome {
  const step = new ModelStep(task);
  try {
    return { params: step.run(), fitError: null, thetas: step.thetas, ...(step.cost ? { cost: step.cost } : {}) };
  } catch (e) {
    if (!(e instanceof GPFitError)) throw e;
    return { params: null, fitError: e.message, thetas: step.thetas, ...(step.cost ? { cost: step.cost } : {}) };
  }
}

/** The objectives' models exactly as a suggestion fits them (before fantasies); throws GPFitError. */
export function objectiveModels(task: GpTask): GaussianProcess[] {
  return new ModelStep(task).fitObjectives().models;
}

class ModelStep {
  readonly thetas: Record<string, number[]>;
  cost: GpOutcome['cost'];
  private readonly enc: Encoding;
  private readonly obs: Observations;
  /** The earlier study's observations at the budget this step learns from (transfer.ts), if any. */
  private readonly priorObs: Observations | null;

  /** The study's own space when the model's has the budget as an input (what suggestions are keyed in). */
  private readonly studySpace: SearchSpace | null;

  constructor(private readonly task: GpTask) {
    this.thetas = { ...task.thetas };
    const range = task.fidelity ?? null;
    const study = new SearchSpace(task.params);
    this.studySpace = range ? study : null;
    this.enc = range ? encodingOf(new SearchSpace(withBudgetParam(task.params, range)), { [BUDGET_INPUT]: range.max }) : encodingOf(study);
    const trials = range ? levelBudgets(task.trials, task.objectives, (p) => study.key(p)).map((t) => withBudgetValue(t, range)) : task.trials;
    const views = trials.map((t) => ({ ...t, intermediate: new Map<number, number>() }));
    const warp = task.options.output_warp === true ? warpTargets : (o: Observations): Observations => o;
    this.obs = warp(collectObservations(this.enc, views, task.objectives, task.constraints));
    const prior = task.prior && range ? { trials: task.prior.trials.map((t) => withBudgetValue(t, range)) } : task.prior;
    const priorObs = prior ? priorObservations(this.enc, prior, trials, task.objectives) : null;
    this.priorObs = priorObs && warp(priorObs);
  }

  /** The objectives' models (before fantasies) and what the rest of the step shares with their fits. */
  fitObjectives(): { models: GaussianProcess[]; rng: Rng; all: number[]; score: Float64Array; train: number[]; fitRows: number[] } {
    const { objectives, options } = this.task;
    const obs = this.obs;
    const rng = new Rng(this.task.seed, this.task.trialCount, STREAM_GP);
    const all = Array.from({ length: obs.n }, (_, i) => i);
    const score = selectionScore(obs.targets, obs.n);
    const train = selectSubset(score, all, options.max_train, rng);
    const fitRows = selectSubset(score, train, options.max_fit, rng);
    const models = obs.targets.map((t, k) => this.model(`objective:${objectives[k]!.metric}`, t, train, fitRows, rng, this.sourceModel(k)));
    return { models, rng, all, score, train, fitRows };
  }

  run(): Params | null {
    const { objectives, options } = this.task;
    const obs = this.obs;
    const nObj = objectives.length;
    const used = new Set(this.task.used);
    const { models, rng, all, score, train, fitRows } = this.fitObjectives();
    const objectiveModels = models.map((gp) => {
      let mean = 0;
      for (let i = 0; i < gp.n; i++) mean += gp.y[i]! / gp.n;
      // With the budget as an input the mean is mostly cheap rungs' results, far below the top budget's: as
      // a lie at the top it would mark a running configuration bad and push the search away from it. There
      // each pending trial takes its predicted value instead (the kriging believer).
      return gp.withFantasies(obs.pendingX, obs.pending, this.studySpace ? null : mean);
    });
    const constraints = this.constraintModels(train, fitRows, rng);
    const feasibleIdx = all.filter((i) => obs.feasible[i] === 1);
    const acq =
      feasibleIdx.length === 0
        ? feasibilityOnly(constraints)
        : nObj === 1
          ? singleObjective(objectiveModels[0]!, obs, feasibleIdx, constraints, this.studySpace ? this.bestAtTop(models[0]!, feasibleIdx) : null)
          : multiObjective(objectiveModels, obs, feasibleIdx, constraints);

    // Anchors for local candidates: best feasible points (single objective) or the Pareto set.
    const order = feasibleIdx.sort((a, b) => score[a]! - score[b]!).slice(0, 5);
    const anchors = order.map((i) => obs.X.slice(i * this.enc.D, (i + 1) * this.enc.D));
    const costAware = nObj === 1 && feasibleIdx.length > 0 && (options.cost_aware || this.task.energyBudget);
    const perJ = costAware ? this.perJouleAcquisition(acq) : null;
    const ranked = optimizeAcquisition(this.enc, perJ ?? acq, {
      rng,
      candidates: options.candidates,
      anchors,
      perturbationsPerAnchor: Math.ceil(options.candidates / 16),
      localSearches: options.local_searches,
      maxIter: 40,
    });
    // With the budget as an input, what runs (and what `used` holds) is the configuration without it.
    const study = this.studySpace;
    const points = study ? ranked.map((p) => ({ ...p, config: withoutBudget(p.config), key: study.key(withoutBudget(p.config)) })) : ranked;
    const pick = perJ ? pickPerJoule(points, perJ, used) : points.find((p) => !used.has(p.key) && Number.isFinite(p.score));
    return pick ? pick.config : null;
  }

  /**
   * The incumbent at the top budget when results of several budgets are in view: the lowest predicted mean
   * at the top over the configurations tried (the plug-in incumbent for noisy observations, as BoTorch's
   * noisy expected improvement approximates it), in the model's standardized units. An observed value is
   * no incumbent here: a 1-epoch result is not comparable with the top budget's predictions.
   */
  private bestAtTop(gp: GaussianProcess, rows: readonly number[]): number {
    const { D, pinned, space } = this.enc;
    const d = space.names.indexOf(BUDGET_INPUT);
    const top = space.toUnit(BUDGET_INPUT, pinned![BUDGET_INPUT]!);
    let best = Infinity;
    const x = new Float64Array(D);
    for (const i of rows) {
      x.set(this.obs.X.subarray(i * D, (i + 1) * D));
      x[d] = top;
      best = Math.min(best, gp.predict(x).mean);
    }
    return best;
  }

  /**
   * `acq` per joule of predicted energy, or null (plain `acq`) while fewer than n_startup finished trials
   * carry a positive energy_j or when their log energies cannot be fitted. Its own random stream, so the
   * objective model and the candidates are the same as without cost awareness.
   */
  private perJouleAcquisition(acq: AcquisitionFn): PerJouleAcquisition | null {
    const { options } = this.task;
    const obs = this.obs;
    const logEnergy = Float64Array.from(obs.energy, (e) => (e > 0 ? Math.log(e) : NaN));
    const rows = Array.from({ length: obs.n }, (_, i) => i).filter((i) => Number.isFinite(logEnergy[i]!));
    if (rows.length < options.n_startup) {
      this.cost = { reason: `${rows.length} finished trials have energy_j, the energy model needs ${options.n_startup}`, fitFailed: false };
      return null;
    }
    const rng = new Rng(this.task.seed, this.task.trialCount, STREAM_GP_COST);
    const score = Float64Array.from(obs.targets[0]!);
    const train = selectSubset(score, rows, options.max_train, rng);
    const fitRows = selectSubset(score, train, options.max_fit, rng);
    try {
      const gp = this.model('cost:energy_j', logEnergy, train, fitRows, rng);
      this.cost = { reason: null, fitFailed: false };
      return perJoule(acq, gp);
    } catch (e) {
      if (!(e instanceof GPFitError)) throw e;
      this.cost = { reason: `energy model: ${e.message}`, fitFailed: true };
      return null;
    }
  }

  /**
   * The earlier study's GP for objective k (its own random stream and its own capped subsets), or null
   * without a prior, or when its values cannot be fitted (then the objective is modelled as without one).
   */
  private sourceModel(k: number): GaussianProcess | null {
    const prior = this.priorObs;
    if (!prior) return null;
    const { options } = this.task;
    const rng = new Rng(this.task.seed, this.task.trialCount, STREAM_GP_PRIOR);
    const target = prior.targets[k]!;
    const all = Array.from({ length: prior.n }, (_, i) => i);
    const train = selectSubset(target, all, options.max_train, rng);
    const fitRows = selectSubset(target, train, options.max_fit, rng);
    try {
      return this.model(`prior:objective:${this.task.objectives[k]!.metric}`, target, train, fitRows, rng, null, prior.X);
    } catch (e) {
      if (!(e instanceof GPFitError)) throw e;
      return null;
    }
  }

  /**
   * Fits hyperparameters on `fitRows`, then conditions on all of `train` with them. With a `source` GP, on
   * the residuals of `target` from its mean, and the result carries that mean as its prior (transfer.ts).
   */
  private model(name: string, target: Float64Array, train: number[], fitRows: number[], rng: Rng, source: GaussianProcess | null = null, X = this.obs.X): GaussianProcess {
    const { D, isCat } = this.enc;
    const s = source ? meanAtRows(X, target.length, D, sourceMean(source)) : null;
    const weight = s ? priorWeight(s, target, train) : 1;
    // `edge_prior` (edge-prior.ts): the objectives' models fit the residuals from a bowl rising to the edges.
    const bowl = this.task.options.edge_prior === true && name.startsWith('objective:') ? edgeBowl(this.enc) : null;
    const edgeWeight = bowl ? 4 * EDGE_PRIOR_SD * spreadOf(target, train) : 0;
    const e = bowl ? meanAtRows(X, target.length, D, bowl) : null;
    const y = s || e ? Float64Array.from(target, (v, i) => v - (s ? weight * s[i]! : 0) - (e ? edgeWeight * e[i]! : 0)) : target;
    const warm = this.thetas[name];
    const fitOptions = {
      rng,
      warmStart: warm ? Float64Array.from(warm) : null,
      randomStarts: warm ? 0 : 2,
      // A warm start is near the optimum already; in a flat direction (typically the noise of a deterministic
      // objective) the optimization then creeps on across asks instead of spending this ask's time.
      maxIter: warm ? 20 : 40,
    };
    // `input_warp` (input-warp.ts): the objectives' models without a prior mean (the priors read unwarped inputs).
    const warpInputs = this.task.options.input_warp === true && name.startsWith('objective:') && !source && !bowl;
    const fitted = (warpInputs ? fitWarpedGP : fitGP)(takeRows(X, D, fitRows), fitRows.length, D, isCat, take(y, fitRows), fitOptions);
    this.thetas[name] = Array.from(fitted.theta);
    if (!source && !bowl && train.length === fitRows.length) return fitted;
    const ys = Float64Array.from(train, (i) => (target[i]! - fitted.yMean) / fitted.yStd);
    if (fitted instanceof WarpedGP) return fitted.conditionedOn(takeRows(X, D, train), train.length, ys);
    const stacked = source ? stackedPrior(source, fitted.yStd, weight) : null;
    const edges = bowl ? edgePrior(this.enc, edgeWeight, fitted.yStd) : null;
    const prior = stacked && edges ? sumOfPriors(stacked, edges, D) : (stacked ?? edges);
    return new GaussianProcess(takeRows(X, D, train), train.length, D, isCat, ys, fitted.theta, fitted.yMean, fitted.yStd, prior);
  }

  private constraintModels(train: number[], fitRows: number[], rng: Rng): ConstraintModel[] {
    const out: ConstraintModel[] = [];
    this.task.constraints.forEach((c, k) => {
      const values = this.obs.constraintValues[k]!;
      const has = (i: number): boolean => Number.isFinite(values[i]!);
      try {
        const gp = this.model(`constraint:${c.metric}`, values, train.filter(has), fitRows.filter(has), rng);
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

/** `incumbent`: the standardized value to improve on; null: the best feasible observation. */
function singleObjective(gp: GaussianProcess, obs: Observations, feasibleIdx: readonly number[], constraints: readonly ConstraintModel[], incumbent: number | null): AcquisitionFn {
  let best = incumbent ?? Infinity;
  if (incumbent === null) for (const i of feasibleIdx) best = Math.min(best, (obs.targets[0]![i]! - gp.yMean) / gp.yStd);
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
