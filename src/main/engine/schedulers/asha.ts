// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", MLSys 2020). New configurations start at the lowest rung; whenever a slot is free, the best
// not-yet-promoted configuration in the top 1/eta of some rung (highest rung first) continues to the next
// rung, else a new configuration starts. Nothing is ever stopped: poor configurations stop by not being
// promoted, so `onReport` always continues (the promotion variant of the paper; its stopping variant is in
// stopping.ts, chosen with `mode: stop`).
//
// With several objectives a rung is ranked by non-dominated front, then crowding distance (MO-ASHA,
// Schmucker et al. 2021; see mo-rank.ts).
import { StudySpecError } from '../study/errors.js';
import type { FidelitySpec } from '../study/types.js';
import { ashaPromotion, byConfig, rungLadder } from './rungs.js';
import { readSchedulerOptions } from './scheduler-options.js';
import { StoppingAshaScheduler } from './stopping.js';
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
 * Builds ASHA from `scheduler:` options: `eta` (an integer >= 2, default the fidelity's eta) and `mode`:
 * `stop` (one process per configuration, stopped at a rung it does not pass; stopping.ts) or `promote`
 * (a new process per rung, continuing from the checkpoint; this file).
 */
export function createAsha(options: Readonly<Record<string, unknown>>, fidelity: FidelitySpec | null): AshaScheduler | StoppingAshaScheduler {
  const f = requireFidelity('asha', fidelity);
  const { mode, rest } = readMode('asha', options);
  const o = readSchedulerOptions('asha', rest, { ...etaOption(f), ...MODE_LISTED }, {});
  return mode === 'stop' ? new StoppingAshaScheduler(f, o.eta) : new AshaScheduler(f, o.eta);
}

export type SuccessiveHalvingMode = 'stop' | 'promote';
export const SUCCESSIVE_HALVING_MODES: readonly SuccessiveHalvingMode[] = ['stop', 'promote'];
/** What a study that names no mode gets: see the README for the benchmark that chose it. */
export const DEFAULT_SUCCESSIVE_HALVING_MODE: SuccessiveHalvingMode = 'stop';

/** `mode` is read by readMode; this entry only lists it among the valid options in messages about others. */
export const MODE_LISTED = { mode: { kind: 'boolean', default: false, description: 'stop or promote' } } as const;

/** Takes `mode` out of the options (the rest go through the common option reader). */
export function readMode(type: string, options: Readonly<Record<string, unknown>>): { mode: SuccessiveHalvingMode; rest: Record<string, unknown> } {
  const { mode, ...rest } = options;
  if (mode === undefined) return { mode: DEFAULT_SUCCESSIVE_HALVING_MODE, rest };
  if (typeof mode === 'string' && (SUCCESSIVE_HALVING_MODES as readonly string[]).includes(mode)) return { mode: mode as SuccessiveHalvingMode, rest };
  throw new StudySpecError(null, [
    {
      path: 'scheduler.mode',
      message: `must be stop or promote for the ${type} scheduler, got ${JSON.stringify(mode)}: stop trains each configuration in one process and stops it at a rung it does not pass; promote starts a new process per rung from the checkpoint`,
    },
  ]);
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
