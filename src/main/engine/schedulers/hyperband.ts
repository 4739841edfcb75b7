// Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization", JMLR
// 18, 2018) as brackets of ASHA, the asynchronous form the ASHA paper (MLSys 2020, sec. 3.3) suggests.
// Bracket s starts its configurations s rungs below the top of the ASHA ladder and promotes only among
// its own configurations; bracket 0 trains every configuration at full budget, so a study whose low-budget
// results mislead still gets some configurations judged at full budget (Hyperband's hedge).
//
// The brackets are the suffixes of the ASHA ladder, so every budget is a rung shared with ASHA (with max/min
// a power of eta these are exactly Hyperband's brackets, r = max·eta^-s). Which bracket a configuration
// belongs to is read from its lowest budget, and new configurations go to the bracket furthest below its
// share, with Hyperband's allocation n_s = ⌈(s_max+1)/(s+1)·eta^s⌉ configurations per bracket (equal budget
// per bracket): both from the trials alone, no hidden state.
import type { TrialView } from '../study/trial-view.js';
import type { FidelitySpec } from '../study/types.js';
import { ashaPromotion, byConfig, hyperbandAllocation, pickBracket, rungIndex, rungLadder } from './rungs.js';
import type { Decision, Promotion, Scheduler, SchedulerContext } from './types.js';

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly mode = 'promote';
  /** The shared rung ladder, lowest first. */
  readonly ladder: readonly number[];
  /** Hyperband's configurations per bracket, by s (0 = full budget only). */
  readonly allocation: readonly number[];

  constructor(
    fidelity: FidelitySpec,
    readonly eta: number = fidelity.eta,
  ) {
    this.ladder = rungLadder(fidelity.min, fidelity.max, eta);
    this.allocation = hyperbandAllocation(this.ladder.length, eta);
  }

  get brackets(): number {
    return this.ladder.length;
  }

  /** The rungs of bracket s: the top s+1 rungs of the ladder. */
  bracketLadder(s: number): readonly number[] {
    return this.ladder.slice(this.ladder.length - 1 - s);
  }

  /** The bracket of a configuration (its trials), from its lowest budget; null when that is not a rung. */
  bracketOf(trials: readonly TrialView[]): number | null {
    let lowest: number | null = null;
    for (const t of trials) if (t.budget !== null && (lowest === null || t.budget < lowest)) lowest = t.budget;
    const i = rungIndex(this.ladder, lowest);
    return i < 0 ? null : this.ladder.length - 1 - i;
  }

  onReport(): Decision {
    return { action: 'continue' };
  }

  promote(ctx: SchedulerContext): Promotion | null {
    const members: TrialView[][][] = Array.from({ length: this.brackets }, () => []);
    for (const trials of byConfig(ctx.trials).values()) {
      const s = this.bracketOf(trials);
      if (s !== null) members[s]!.push(trials);
    }
    // Deepest promotion first, as ASHA scans its rungs from the top; among equals the most aggressive bracket.
    let best: Promotion | null = null;
    for (let s = this.brackets - 1; s >= 1; s--) {
      const p = ashaPromotion(members[s]!, this.bracketLadder(s), this.eta, ctx.objectives);
      if (p && (!best || p.budget > best.budget)) best = p;
    }
    return best;
  }

  /** The starting rung of the bracket whose share of configurations is the most behind. */
  initialBudget(ctx: SchedulerContext): number {
    const counts = new Array<number>(this.brackets).fill(0);
    for (const trials of byConfig(ctx.trials).values()) {
      const s = this.bracketOf(trials);
      if (s !== null) counts[s]!++;
    }
    return this.bracketLadder(pickBracket(counts, this.allocation))[0]!;
  }
}
