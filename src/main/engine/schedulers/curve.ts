// Learning-curve prediction (Domhan, Springenberg & Hutter, IJCAI 2015): after each report, extrapolate the
// trial's curve to the full budget (curves/fit.ts), correct and widen that extrapolation by the errors the
// same extrapolation made on the study's completed trials from the same step (curves/calibrate.ts), and stop
// the trial when the probability that its final value beats the best completed trial falls below `threshold`. Unlike the median rule it judges a trial by
// where its own curve is going, so a slow starter that is still climbing steeply is kept, and a trial that
// has flattened just under the best is stopped long before the end.
//
// The full budget is the fidelity's max when the study has one, else `horizon`, else the furthest step a
// completed trial reached. Stateless: a decision is a function of the trials shown. Multi-objective studies
// are never stopped (as in median.ts: one curve cannot judge a Pareto trade-off).
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';
import { StudySpecError } from '../study/errors.js';
import { readOptions } from '../study/strategy-options.js';
import type { FidelitySpec } from '../study/types.js';
import { calibratedPredictive, tAbove, tQuantile, type StudentT } from './curves/calibrate.js';
import { predictFinal, type CurvePrediction } from './curves/fit.js';
import type { Decision, FinalPrediction, Scheduler, SchedulerContext } from './types.js';

export interface CurveOptions {
  /** Stop when P(final beats the best) is below this. */
  threshold: number;
  /** Reports a trial must have made before its curve is judged. */
  min_reports: number;
  /** Completed trials needed before anything is stopped (the best must mean something). */
  n_startup_trials: number;
  /** The step whose value counts as final; 0: the fidelity's max, else the furthest completed trial's. */
  horizon: number;
}

export const CURVE_DEFAULTS: CurveOptions = { threshold: 0.05, min_reports: 4, n_startup_trials: 2, horizon: 0 };

export function readCurveOptions(options: Readonly<Record<string, unknown>>, fidelity: FidelitySpec | null): CurveOptions & { fidelity: FidelitySpec | null } {
  const o = readOptions('scheduler', 'curve', options, {
    threshold: { kind: 'number', min: 0, default: CURVE_DEFAULTS.threshold, description: 'stop a trial when the probability that it beats the best is below this, e.g. 0.05' },
    min_reports: { kind: 'int', min: 3, default: CURVE_DEFAULTS.min_reports, description: 'reports before a curve is extrapolated' },
    n_startup_trials: { kind: 'int', min: 1, default: CURVE_DEFAULTS.n_startup_trials, description: 'completed trials before anything is stopped' },
    horizon: { kind: 'int', min: 0, default: CURVE_DEFAULTS.horizon, description: 'the step whose value is final; 0 takes fidelity.max' },
  });
  if (o.threshold >= 1) {
    throw new StudySpecError(null, [{ path: 'scheduler.threshold', message: `must be below 1 (a probability; 1 would stop every trial), got ${o.threshold}; e.g. 0.05` }]);
  }
  return { ...o, fidelity };
}

export class CurveScheduler implements Scheduler {
  readonly name = 'curve';

  constructor(
    readonly options: CurveOptions = CURVE_DEFAULTS,
    private readonly fidelity: FidelitySpec | null = null,
  ) {}

  /** The step whose value is final for this study, or null while nothing tells. */
  horizon(trials: readonly TrialView[]): number | null {
    if (this.options.horizon > 0) return this.options.horizon;
    if (this.fidelity) return this.fidelity.max;
    let furthest: number | null = null;
    for (const t of trials) {
      if (t.state !== 'complete') continue;
      for (const s of t.intermediate.keys()) if (furthest === null || s > furthest) furthest = s;
    }
    return furthest;
  }

  /**
   * A pure memo of predictions by horizon and the reports used: a stopped trial's curve never changes,
   * and the sampler asks for every stopped trial's prediction before each new configuration.
   */
  private readonly memo = new Map<string, CurvePrediction | null>();

  private readonly residualMemo = new Map<string, number[]>();

  /** The prediction of a trial's final value from its reports up to `step` (null: too few reports). */
  predict(trial: TrialView, step: number, horizon: number): CurvePrediction | null {
    const points = [...trial.intermediate]
      .filter(([s, v]) => s <= step && s < horizon && Number.isFinite(v))
      .sort((a, b) => a[0] - b[0]);
    if (points.length < this.options.min_reports) return null;
    const key = `${horizon}|${points.join(';')}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    if (this.memo.size > 50_000) this.memo.clear();
    const p = predictFinal(points, horizon);
    this.memo.set(key, p);
    return p;
  }

  /**
   * The calibrated predictive of a trial's final from its reports up to `step`: the ensemble's prediction
   * shifted and widened by the residuals (final − prediction from the same step) of the completed trials.
   */
  private calibrated(trials: readonly TrialView[], trial: TrialView, step: number, horizon: number, metric: string): StudentT | null {
    const p = this.predict(trial, step, horizon);
    if (!p) return null;
    const done = trials.filter((t) => t.state === 'complete' && t.number !== trial.number && Number.isFinite(t.values?.[metric]));
    // The sampler asks for every stopped trial's prediction before each new configuration: the residuals
    // depend only on the step and the completed trials, so most of those calls share them.
    const key = `${horizon}|${step}|${metric}|${done.map((t) => t.number).join(',')}`;
    let residuals = this.residualMemo.get(key);
    if (!residuals) {
      residuals = [];
      for (const t of done) {
        const q = this.predict(t, step, horizon);
        if (q) residuals.push(t.values![metric]! - q.mean);
      }
      if (this.residualMemo.size > 2_000) this.residualMemo.clear();
      this.residualMemo.set(key, residuals);
    }
    return calibratedPredictive(p.mean, ensembleSd(p), residuals);
  }

  predictFinal(ctx: SchedulerContext, trialNumber: number): FinalPrediction | null {
    if (ctx.objectives.length !== 1) return null;
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    const horizon = this.horizon(ctx.trials);
    if (!trial || horizon === null) return null;
    const last = Math.max(-Infinity, ...[...trial.intermediate.keys()].filter((s) => s < horizon));
    const t = this.calibrated(ctx.trials, trial, last, horizon, ctx.objectives[0]!.metric);
    return t && { mean: t.center, lo: tQuantile(t, 0.05), hi: tQuantile(t, 0.95), horizon };
  }

  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision {
    const objective: Objective | undefined = ctx.objectives[0];
    if (!objective || ctx.objectives.length > 1) return CONTINUE;
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    if (!trial) return CONTINUE;
    const finals = ctx.trials
      .filter((t) => t.state === 'complete' && t.number !== trialNumber)
      .map((t) => t.values?.[objective.metric])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (finals.length < this.options.n_startup_trials) return CONTINUE;
    const horizon = this.horizon(ctx.trials);
    if (horizon === null || step >= horizon) return CONTINUE;
    const sign = objective.direction === 'maximize' ? 1 : -1;
    const best = sign * Math.max(...finals.map((v) => sign * v));
    const prediction = this.calibrated(ctx.trials, trial, step, horizon, objective.metric);
    if (!prediction) return CONTINUE;
    const p = sign === 1 ? tAbove(prediction, best) : 1 - tAbove(prediction, best);
    if (p >= this.options.threshold) return CONTINUE;
    const f = (x: number): string => String(Number(x.toPrecision(4)));
    return {
      action: 'prune',
      reason:
        `curve prediction at step ${step}: ${objective.metric} at step ${horizon} predicted ${f(prediction.center)} ` +
        `(90% band ${f(tQuantile(prediction, 0.05))} to ${f(tQuantile(prediction, 0.95))}); P(better than the best ${f(best)}) = ${f(p)} < ${this.options.threshold}`,
    };
  }
}

/** The sd of the ensemble's Gaussian mixture (law of total variance). */
function ensembleSd(p: CurvePrediction): number {
  const second = p.fits.reduce((s, f) => s + f.weight * (f.sd * f.sd + f.mean * f.mean), 0);
  return p.fits.length === 0 ? 0 : Math.sqrt(Math.max(0, second - p.mean * p.mean));
}

const CONTINUE: Decision = { action: 'continue' };
