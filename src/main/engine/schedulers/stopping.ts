// The stop-based forms of ASHA and Hyperband (`scheduler: {type: asha, mode: stop}`): every configuration
// trains towards the fidelity's max in one process and is stopped at a rung it does not pass (see
// arrivals.ts). Nothing is ever promoted, so no process is started twice for one configuration and the
// trial's fixed cost (start-up, data loading, compilation) is paid once; the promotion form pays it again at
// every rung.
//
// Hyperband's brackets become different first rungs: bracket s judges its configurations only at the top s+1
// rungs of the ladder (bracket 0 never stops one), and compares them only with its own, as Optuna's
// HyperbandPruner does. A configuration's bracket follows from the order configurations first appeared
// (each goes to the bracket furthest below its Hyperband share), so it too comes from the trials alone.
import type { TrialView } from '../study/trial-view.js';
import type { FidelitySpec } from '../study/types.js';
import { firstStop, highestStep } from './arrivals.js';
import { graceReading, rungsFrom, type Grace, type StartUpCost } from './grace.js';
import { bracketsByAppearance, byConfig, configKey, hyperbandAllocation, rungLadder } from './rungs.js';
import type { Decision, Scheduler, SchedulerContext } from './types.js';

const CONTINUE: Decision = { action: 'continue' };

/** Stops `trialNumber` at the first of `rungs` (ascending) it failed; rungs it has not reached are skipped. */
function judge(
  ctx: SchedulerContext,
  trialNumber: number,
  step: number,
  rungs: readonly number[],
  eta: number,
  competitors: (groups: Map<string, TrialView[]>) => (readonly TrialView[])[],
  label: string,
): Decision {
  const trial = ctx.trials.find((t) => t.number === trialNumber);
  if (!trial || rungs.length === 0) return CONTINUE;
  const groups = byConfig(ctx.trials);
  const self = groups.get(configKey(trial.params))!;
  // Rungs below the highest step any attempt of this configuration reached were decided before: a retry
  // that resumed past a rung, or trains the first epochs again, meets the same verdict at once.
  const reached = Math.max(step, highestStep(self));
  const stop = firstStop(
    competitors(groups),
    self,
    rungs.filter((r) => r <= reached),
    eta,
    ctx.objectives,
  );
  if (!stop) return CONTINUE;
  const v = stop.verdict;
  const what = ctx.objectives.length === 1 ? `${ctx.objectives[0]!.metric} ${v.arrival.point![0]}` : 'its objectives';
  return {
    action: 'prune',
    reason:
      `${label} stopped at rung ${stop.rung} (step ${v.arrival.step}): ${what} ranked ${v.rank} of the ${v.arrivals} ` +
      `configurations that reached it so far; only the top ${v.quota} go on`,
  };
}

/**
 * The rungs at which configurations are judged under `grace` (grace.ts). Once `auto` has its estimate it
 * never changes, so it is kept rather than read from the whole study at every report.
 */
class JudgedRungs {
  /** The lowest judged step once read (null: every rung); undefined until then. */
  private fixed: number | null | undefined = undefined;
  /** Said once, when `auto` reads its estimate (take). */
  private note: string | null = null;

  constructor(
    private readonly grace: Grace,
    private readonly label: string,
    private readonly ladder: readonly number[],
  ) {}

  of(rungs: readonly number[], trials: readonly TrialView[]): readonly number[] {
    if (this.fixed === undefined) {
      const { step, cost } = graceReading(this.grace, trials);
      // `auto` before its first trials have finished: every rung, and it reads again at the next report.
      if (this.grace === 'auto' && cost === null) return rungs;
      this.fixed = step;
      if (cost !== null && step !== null) this.note = this.describe(cost, step);
    }
    return rungsFrom(rungs, this.fixed);
  }

  take(): string | null {
    const note = this.note;
    this.note = null;
    return note;
  }

  private describe(cost: StartUpCost, from: number): string {
    const judged = rungsFrom(this.ladder.slice(0, -1), from);
    return (
      `${this.label} grace: auto: a trial's start-up costs ${cost.fixedS.toFixed(2)} s and a step ${cost.stepS.toFixed(3)} s ` +
      `(measured on trials ${cost.from.join(', ')}), so no configuration is judged before its training costs as much as a start: ` +
      (judged.length ? `rungs ${judged.join(', ')} only` : 'none is stopped before the last rung')
    );
  }
}

export class StoppingAshaScheduler implements Scheduler {
  readonly name = 'asha';
  readonly mode = 'stop';
  readonly ladder: readonly number[];
  readonly rungSteps: readonly number[];
  private readonly judged: JudgedRungs;

  constructor(
    readonly fidelity: FidelitySpec,
    readonly eta: number = fidelity.eta,
    readonly grace: Grace = null,
  ) {
    this.ladder = rungLadder(fidelity.min, fidelity.max, eta);
    this.rungSteps = this.ladder.slice(0, -1);
    this.judged = new JudgedRungs(grace, 'asha', this.ladder);
  }

  takeNote(): string | null {
    return this.judged.take();
  }

  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision {
    const rungs = this.judged.of(this.rungSteps, ctx.trials);
    return judge(ctx, trialNumber, step, rungs, this.eta, (groups) => [...groups.values()], 'asha');
  }

  initialBudget(): number {
    return this.fidelity.max;
  }
}

export class StoppingHyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly mode = 'stop';
  readonly ladder: readonly number[];
  readonly rungSteps: readonly number[];
  readonly allocation: readonly number[];
  private readonly judged: JudgedRungs;

  constructor(
    readonly fidelity: FidelitySpec,
    readonly eta: number = fidelity.eta,
    readonly grace: Grace = null,
  ) {
    this.ladder = rungLadder(fidelity.min, fidelity.max, eta);
    this.rungSteps = this.ladder.slice(0, -1);
    this.allocation = hyperbandAllocation(this.ladder.length, eta);
    this.judged = new JudgedRungs(grace, 'hyperband', this.ladder);
  }

  takeNote(): string | null {
    return this.judged.take();
  }

  /** The rungs at which bracket s stops configurations (none for bracket 0). */
  bracketRungs(s: number): readonly number[] {
    return this.ladder.slice(this.ladder.length - 1 - s, -1);
  }

  /** Each configuration's bracket, in order of first appearance. */
  brackets(groups: Map<string, TrialView[]>): Map<string, number> {
    return bracketsByAppearance(groups.keys(), this.allocation);
  }

  onReport(ctx: SchedulerContext, trialNumber: number, step: number): Decision {
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    if (!trial) return CONTINUE;
    const groups = byConfig(ctx.trials);
    const brackets = this.brackets(groups);
    const s = brackets.get(configKey(trial.params))!;
    const peers = (all: Map<string, TrialView[]>): TrialView[][] => [...all].filter(([key]) => brackets.get(key) === s).map(([, trials]) => trials);
    return judge(ctx, trialNumber, step, this.judged.of(this.bracketRungs(s), ctx.trials), this.eta, peers, `hyperband bracket ${s}:`);
  }

  initialBudget(): number {
    return this.fidelity.max;
  }
}
