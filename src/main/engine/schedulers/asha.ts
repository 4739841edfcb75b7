// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", MLSys 2020). New configurations start at the lowest rung; whenever a slot is free, the best
// not-yet-promoted configuration in the top 1/eta of some rung (highest rung first) continues to the next
// rung, else a new configuration starts. Nothing is ever stopped: poor configurations stop by not being
// promoted, so `onReport` always continues (the promotion variant of the paper, not its stopping variant).
//
// With several objectives a rung is ranked by non-dominated front, then crowding distance (MO-ASHA,
// Schmucker et al. 2021; see mo-rank.ts).
import { StudySpecError } from '../study/errors.js';
import { readOptions } from '../study/strategy-options.js';
import type { FidelitySpec } from '../study/types.js';
import { ashaPromotion, byConfig, rungLadder } from './rungs.js';
import type { Decision, Promotion, Scheduler, SchedulerContext } from './types.js';

export class AshaScheduler implements Scheduler {
  readonly name = 'asha';
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
 * Reads the `scheduler:` options of a rung-based scheduler (asha, hyperband): only `eta` (an integer >= 2),
 * defaulting to the fidelity's eta; the study must have a fidelity.
 */
export function readRungOptions(type: string, options: Readonly<Record<string, unknown>>, fidelity: FidelitySpec | null): { fidelity: FidelitySpec; eta: number } {
  const f = requireFidelity(type, fidelity);
  return { fidelity: f, eta: readOptions('scheduler', type, options, etaOption(f)).eta };
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
