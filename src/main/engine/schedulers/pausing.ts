// The pausing forms of ASHA and Hyperband (`scheduler: {type: asha, mode: pause}`): a warm pause. Like
// `mode: stop`, every configuration trains towards the fidelity's max in one process, so its fixed cost
// (start-up, data loading, compilation) is paid once. Unlike it, a trial that reaches a rung without being
// in the top ⌊n/eta⌋ of the n configurations there does not have to be judged at once against the few that
// arrived before it: the engine freezes its process (campaign/paused-trials.ts) and frees its slot. Each
// time a slot is free the paused trial that now passes its rung resumes in the same process, before any
// new configuration starts: the promotion rule of ASHA (Li et al., MLSys 2020, Algorithm 2) without a new
// process per promotion. A paused process keeps its memory (host and GPU), so at most `max_paused` wait;
// beyond that the one furthest from passing is stopped, and when the search ends those still waiting are.
//
// From the trials alone: a configuration passed a rung when it has a stored report past it (a paused trial's
// later reports are held in memory and stored only when it resumes), and its standing at a rung is read from
// every configuration's first report at or past it. A trial whose engine died while it waited is re-queued
// and judged again when its retry reports; one stopped stays stopped (pruned), one let through stays so.
import type { Objective } from '../../../shared/types.js';
import type { TrialView } from '../study/trial-view.js';
import type { FidelitySpec } from '../study/types.js';
import { firstArrival, highestStep, rungVerdicts, type RungVerdict } from './arrivals.js';
import { rankPoints } from './mo-rank.js';
import { bracketsByAppearance, byConfig, configKey, hyperbandAllocation, rungLadder } from './rungs.js';
import type { Decision, Scheduler, SchedulerContext } from './types.js';

/** Where a configuration stands at one rung: its rank among the n that reached it, and how many may go on. */
export interface RungStanding {
  rung: number;
  /** 1-based, best first; ties go to the configuration that arrived first. */
  rank: number;
  /** ⌊n/eta⌋: none passes until eta configurations have arrived. */
  quota: number;
  arrivals: number;
  pass: boolean;
}

/** Default of `max_paused`: paused processes that may wait at once, each holding its memory. */
export const DEFAULT_MAX_PAUSED = 4;

/**
 * The standing of `self` at `rung` among `configs` (each a configuration's trials, `self` among them); null
 * when `self` has not reached the rung. A configuration whose report there lacks an objective passes unranked.
 */
export function standingAt(
  configs: readonly (readonly TrialView[])[],
  self: readonly TrialView[],
  rung: number,
  eta: number,
  objectives: readonly Objective[],
): RungStanding | null {
  const field: { config: readonly TrialView[]; seq: number; point: number[] }[] = [];
  let mine: ReturnType<typeof firstArrival> = null;
  for (const config of configs) {
    const a = firstArrival(config, rung, objectives);
    if (config === self) mine = a;
    if (a?.point) field.push({ config, seq: a.seq, point: a.point });
  }
  if (!mine) return null;
  if (!mine.point) return { rung, rank: 0, quota: 0, arrivals: field.length, pass: true };
  field.sort((a, b) => a.seq - b.seq);
  const order = rankPoints(
    field.map((f) => f.point),
    objectives.map((o) => o.direction),
  );
  const rank = order.findIndex((i) => field[i]!.config === self) + 1;
  const quota = Math.floor(field.length / eta);
  return { rung, rank, quota, arrivals: field.length, pass: rank <= quota };
}

/** What a paused trial waits for, in the words of its events and its reason when it is stopped. */
export function describeStanding(s: RungStanding): string {
  return `rank ${s.rank} of the ${s.arrivals} configurations at rung ${s.rung}; the top ${s.quota} go on`;
}

interface Located {
  self: readonly TrialView[];
  peers: (readonly TrialView[])[];
  rungs: readonly number[];
}

/** Shared by both pausing schedulers: which rungs, and which configurations, a trial is judged on. */
abstract class PausingScheduler implements Scheduler {
  abstract readonly name: string;
  readonly mode = 'pause';
  readonly ladder: readonly number[];
  readonly rungSteps: readonly number[];

  constructor(
    readonly fidelity: FidelitySpec,
    readonly eta: number,
    readonly maxPaused: number,
  ) {
    this.ladder = rungLadder(fidelity.min, fidelity.max, eta);
    this.rungSteps = this.ladder.slice(0, -1);
  }

  /** The rungs a configuration is judged at, and the configurations it is ranked with there. */
  protected abstract field(groups: Map<string, TrialView[]>, key: string): { rungs: readonly number[]; peers: (readonly TrialView[])[] };

  /** Never stops a trial by itself: a trial that does not pass waits (rungToWait). */
  onReport(): Decision {
    return { action: 'continue' };
  }

  initialBudget(): number {
    return this.fidelity.max;
  }

  /** A trial's configuration, the configurations it is ranked with, and its rungs; grouped once for `numbers`. */
  private locate(ctx: SchedulerContext, numbers: readonly number[]): (Located | null)[] {
    const groups = byConfig(ctx.trials);
    const byNumber = new Map(ctx.trials.map((t) => [t.number, t]));
    return numbers.map((n) => {
      const trial = byNumber.get(n);
      if (!trial) return null;
      const key = configKey(trial.params);
      return { self: groups.get(key)!, ...this.field(groups, key) };
    });
  }

  /**
   * After `trialNumber`'s report at `step` was stored: the lowest rung it has reached but not passed
   * (`before`: the configuration's highest step stored before this report; `passed`: rungs this trial was
   * let through in this engine) where it does not stand in the top ⌊n/eta⌋ now, or null to go on.
   */
  rungToWait(ctx: SchedulerContext, trialNumber: number, step: number, before: number, passed: ReadonlySet<number>): RungStanding | null {
    // Passed before this report (a stored report past it), or let through by this engine.
    const open = (rung: number): boolean => rung >= before && rung <= step && !passed.has(rung);
    // Most reports reach no open rung: they cost nothing here (no grouping of the study's trials).
    if (!this.rungSteps.some(open)) return null;
    const [at] = this.locate(ctx, [trialNumber]);
    for (const rung of at?.rungs.filter(open) ?? []) {
      const s = standingAt(at!.peers, at!.self, rung, this.eta, ctx.objectives);
      if (s && !s.pass) return s;
    }
    return null;
  }

  /** The standing now of each waiting trial at its rung (null when its report there is not among the trials). */
  standings(ctx: SchedulerContext, waits: readonly { number: number; rung: number }[]): (RungStanding | null)[] {
    const located = this.locate(
      ctx,
      waits.map((w) => w.number),
    );
    return waits.map((w, i) => {
      const at = located[i];
      return at ? standingAt(at.peers, at.self, w.rung, this.eta, ctx.objectives) : null;
    });
  }

  standing(ctx: SchedulerContext, trialNumber: number, rung: number): RungStanding | null {
    return this.standings(ctx, [{ number: trialNumber, rung }])[0]!;
  }

  /**
   * How mode stop would judge `trialNumber`'s arrival at `rung` (against those that arrived before it, the
   * best so far passing while fewer than eta did): what a trial that cannot be paused gets instead.
   */
  stopVerdict(ctx: SchedulerContext, trialNumber: number, rung: number): RungVerdict | null {
    const [at] = this.locate(ctx, [trialNumber]);
    return at ? (rungVerdicts(at.peers, rung, this.eta, ctx.objectives).get(at.self) ?? null) : null;
  }

  /** The highest step a configuration's stored reports reached (its `before` for the next report). */
  highestOf(ctx: SchedulerContext, trialNumber: number): number {
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    return trial ? highestStep(byConfig(ctx.trials).get(configKey(trial.params)) ?? [trial]) : -Infinity;
  }
}

export class PausingAshaScheduler extends PausingScheduler {
  readonly name = 'asha';

  constructor(fidelity: FidelitySpec, eta: number = fidelity.eta, maxPaused: number = DEFAULT_MAX_PAUSED) {
    super(fidelity, eta, maxPaused);
  }

  protected field(groups: Map<string, TrialView[]>): { rungs: readonly number[]; peers: (readonly TrialView[])[] } {
    return { rungs: this.rungSteps, peers: [...groups.values()] };
  }
}

/**
 * Hyperband's brackets as in stopping.ts: bracket s judges its configurations at the top s+1 rungs of the
 * ladder only (bracket 0 never waits), among its own configurations.
 */
export class PausingHyperbandScheduler extends PausingScheduler {
  readonly name = 'hyperband';
  readonly allocation: readonly number[];

  constructor(fidelity: FidelitySpec, eta: number = fidelity.eta, maxPaused: number = DEFAULT_MAX_PAUSED) {
    super(fidelity, eta, maxPaused);
    this.allocation = hyperbandAllocation(this.ladder.length, eta);
  }

  protected field(groups: Map<string, TrialView[]>, key: string): { rungs: readonly number[]; peers: (readonly TrialView[])[] } {
    const bracket = bracketsByAppearance(groups.keys(), this.allocation);
    const s = bracket.get(key) ?? 0;
    return {
      rungs: this.ladder.slice(this.ladder.length - 1 - s, -1),
      peers: [...groups].filter(([k]) => bracket.get(k) === s).map(([, trials]) => trials),
    };
  }
}

/** A scheduler that pauses trials at rungs (both classes above). */
export type Pausing = PausingScheduler;

export function isPausing(s: Scheduler): s is Pausing {
  return s instanceof PausingScheduler;
}
