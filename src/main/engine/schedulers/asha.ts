// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", MLSys 2020). New configurations start at the lowest rung; whenever a slot is free, the best
// not-yet-promoted configuration in the top 1/eta of some rung (highest rung first) continues to the next
// rung, else a new configuration starts. Nothing is ever stopped: poor configurations stop by not being
// promoted, so `onReport` always continues (the promotion variant of the paper; its stopping variant is in
// stopping.ts, chosen with `mode: stop`).
//
// With several objectives a rung is ranked by non-dominated front, then crowding distance (MO-ASHA,
// Schmucker et al. 2021; see mo-rank.ts).
import { StudySpecError, type SpecIssue } from '../study/errors.js';
import { readOptions } from '../study/strategy-options.js';
import type { FidelitySpec } from '../study/types.js';
import { DEFAULT_MAX_PAUSED } from './pausing.js';
import type { Grace } from './grace.js';
import { ashaPromotion, byConfig, rungLadder } from './rungs.js';
import type { Decision, Promotion, Scheduler, SchedulerContext } from './types.js';

export class AshaScheduler implements Scheduler {
  readonly name = 'asha';
  readonly mode = 'promote';
  /** The budgets of the rungs, lowest first; the last is the fidelity's max. */
  readonly ladder: readonly number[];

  constructor(
    fidelity: FidelitySpec,
    readonly eta: number = fidelity.eta,
  ) {
    this.ladder = rungLadder(fidelity.min, fidelity.max, eta);
  }

  onReport(): Decision {
    return { action: 'continue' };
  }

  promote(ctx: SchedulerContext): Promotion | null {
    return ashaPromotion(byConfig(ctx.trials).values(), this.ladder, this.eta, ctx.objectives);
  }

  initialBudget(): number {
    return this.ladder[0]!;
  }
}

/**
 * Reads the `scheduler:` options of a rung-based scheduler (asha, hyperband): `eta` (an integer >= 2,
 * defaulting to the fidelity's eta) and `mode`: `stop` (one process per configuration, stopped at a rung it
 * does not pass; stopping.ts), `promote` (a new process per rung, continuing from the checkpoint; this
 * file) or `pause` (one process per configuration, frozen at a rung until it passes; pausing.ts, with
 * `max_paused`). The study must have a fidelity. Every problem is reported in one StudySpecError.
 */
export function readRungOptions(type: string, options: Readonly<Record<string, unknown>>, fidelity: FidelitySpec | null): RungOptions {
  const f = requireFidelity(type, fidelity);
  const { mode: rawMode, max_paused: rawMaxPaused, grace: rawGrace, ...rest } = options;
  const issues: SpecIssue[] = [];
  let eta = f.eta;
  try {
    eta = readOptions('scheduler', type, rest, { ...etaOption(f), ...MODE_LISTED }).eta;
  } catch (e) {
    if (!(e instanceof StudySpecError)) throw e;
    issues.push(...e.issues);
  }
  const mode = readMode(type, rawMode, issues);
  const maxPaused = readMaxPaused(mode, rawMaxPaused, issues);
  const grace = readGrace(mode, rawGrace, f, issues);
  if (issues.length > 0) throw new StudySpecError(null, issues);
  return { fidelity: f, eta, mode, maxPaused, grace };
}

export interface RungOptions {
  fidelity: FidelitySpec;
  eta: number;
  mode: SuccessiveHalvingMode;
  /** `mode: pause` only: how many paused processes may wait at once. */
  maxPaused: number;
  /** `mode: stop` only: the lowest step a configuration is judged at (grace.ts); null: every rung. */
  grace: Grace;
}

export type SuccessiveHalvingMode = 'stop' | 'promote' | 'pause';
export const SUCCESSIVE_HALVING_MODES: readonly SuccessiveHalvingMode[] = ['stop', 'promote', 'pause'];
/**
 * What a new study that names no mode gets: see the README for the benchmark that chose it. A study created
 * before `mode` existed resumes in promote mode instead (campaign/scheduler-mode.ts).
 */
export const DEFAULT_SUCCESSIVE_HALVING_MODE: SuccessiveHalvingMode = 'stop';

/** `mode` is read by readMode; this entry only lists it among the valid options in messages about others. */
const MODE_LISTED = {
  mode: { kind: 'boolean', default: false, description: 'stop, promote or pause' },
  max_paused: { kind: 'int', min: 1, default: DEFAULT_MAX_PAUSED, description: 'mode pause: paused trials that may wait at once' },
  grace: { kind: 'boolean', default: false, description: 'mode stop: the lowest step a configuration is judged at, or auto' },
} as const;

/** `grace` (mode stop only): a step within the fidelity's range, or `auto` (grace.ts); absent: null. */
function readGrace(mode: SuccessiveHalvingMode, raw: unknown, f: FidelitySpec, issues: SpecIssue[]): Grace {
  if (raw === undefined) return null;
  if (mode !== 'stop') {
    issues.push({ path: 'scheduler.grace', message: `only applies to mode: stop (this scheduler runs in mode ${mode}); remove it or set mode: stop` });
    return null;
  }
  if (raw === 'auto') return 'auto';
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= f.min && raw <= f.max) return raw;
  issues.push({
    path: 'scheduler.grace',
    message: `must be auto or a step between fidelity.min (${f.min}) and fidelity.max (${f.max}), got ${JSON.stringify(raw)}: no configuration is judged before that step; auto judges it first where its training has cost at least its start-up`,
  });
  return null;
}

/** The `mode` option (absent: the default); adds an issue when it is neither stop nor promote. */
function readMode(type: string, mode: unknown, issues: SpecIssue[]): SuccessiveHalvingMode {
  if (mode === undefined) return DEFAULT_SUCCESSIVE_HALVING_MODE;
  if (typeof mode === 'string' && (SUCCESSIVE_HALVING_MODES as readonly string[]).includes(mode)) return mode as SuccessiveHalvingMode;
  issues.push({
    path: 'scheduler.mode',
    message: `must be stop, promote or pause for the ${type} scheduler, got ${JSON.stringify(mode)}: stop trains each configuration in one process and stops it at a rung it does not pass; promote starts a new process per rung from the checkpoint; pause freezes a trial at a rung until it passes (its process keeps its memory meanwhile)`,
  });
  return DEFAULT_SUCCESSIVE_HALVING_MODE;
}

/** `max_paused` (mode pause only): an integer >= 1, default DEFAULT_MAX_PAUSED. */
function readMaxPaused(mode: SuccessiveHalvingMode, raw: unknown, issues: SpecIssue[]): number {
  if (raw === undefined) return DEFAULT_MAX_PAUSED;
  if (mode !== 'pause') {
    issues.push({ path: 'scheduler.max_paused', message: `only applies to mode: pause (this scheduler runs in mode ${mode}); remove it or set mode: pause` });
    return DEFAULT_MAX_PAUSED;
  }
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1) return raw;
  issues.push({ path: 'scheduler.max_paused', message: `must be an integer >= 1 (paused trials that may wait at once, each keeping its memory), got ${JSON.stringify(raw)}` });
  return DEFAULT_MAX_PAUSED;
}

export function etaOption(f: FidelitySpec) {
  return {
    eta: { kind: 'int', min: 2, default: f.eta, description: 'keep the best 1/eta of each rung; defaults to fidelity.eta' },
  } as const;
}

export function requireFidelity(type: string, fidelity: FidelitySpec | null): FidelitySpec {
  if (fidelity) return fidelity;
  throw new StudySpecError(null, [
    {
      path: 'fidelity',
      message: `the ${type} scheduler needs a fidelity to hand out budgets; add e.g. fidelity: {param: epochs, min: 1, max: 27, eta: 3} and use {epochs} in the trainer command or read NIGHTSHIFT_BUDGET`,
    },
  ]);
}
