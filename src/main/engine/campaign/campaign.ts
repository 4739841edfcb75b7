// A campaign runs one study until its budget is spent, its search space is exhausted, or it is stopped.
// It is the only writer of its study's trials while it runs; every state change goes through the store
// in one transaction, so killing the process at any instant loses nothing (see recovery in `run`).
import type { StudyState } from '../../../shared/types.js';
import { EnergyLedger, ownEnergy } from '../lineage/index.js';
import type { Meter } from '../metering/index.js';
import type { Sampler } from '../samplers/types.js';
import type { Scheduler } from '../schedulers/types.js';
import { resolveDeadline } from '../study/deadline.js';
import { StudySpecError } from '../study/errors.js';
import { SearchSpace } from '../study/space.js';
import { describeSpecChange, specHash } from '../study/spec-hash.js';
import type { StudySpec } from '../study/types.js';
import type { NightshiftStudyRecord, Store, StoreReader, TrialRecord } from '../storage/types.js';
import { timeUp, trialsUsedUp, evaluated } from './budget.js';
import type { EventSink } from './events.js';
import { newOwner } from './owner.js';
import { planNext } from './planner.js';
import { recoverOrphans } from './recovery.js';
import { RunningTrial } from './running-trial.js';
import { withSchedulerMode } from './scheduler-mode.js';
import { planSlots, type Slot } from './slots.js';
import { createStrategy } from './strategy.js';
import { TrialViews } from './views.js';
import { warmStartTrials, WarmStartError } from './warm-start.js';
import { finalistsSpecOf, planFinalistStage, splitCounts } from '../finalists/stage.js';

export interface CampaignOptions {
  store: Store;
  spec: StudySpec;
  /** Folder that holds `studies/<study>/trials/<n>/`. */
  artifacts: string;
  emit?: EventSink;
  now?: () => number;
  /** Energy and memory metering; without it trials get no measured metrics and GPU slots are not used. */
  meter?: Meter | null;
  /**
   * Opens `warm_start.db` (another Nightshift database, or an Optuna storage) for reading. The host
   * passes it in (the CLI and the API give `openAnyStudySource`): readers of foreign formats sit above
   * the campaign, which knows only the StoreReader interface.
   */
  openSource?: (file: string) => StoreReader;
}

export interface CampaignResult {
  state: StudyState;
  reason: string | null;
}

/** When every one of the first N evaluations failed, the trainer is broken: don't burn the night on it. */
const FAIL_FAST_AFTER = 10;
const HEARTBEAT_MS = 2000;
const TICK_MS = 1000;

export class Campaign {
  private readonly running = new Map<number, RunningTrial>();
  private readonly owner = newOwner();
  private readonly emit: EventSink;
  private readonly now: () => number;
  private stopping: string | null = null;
  private exhausted: string | null = null;
  private wake: () => void = () => {};
  private readonly space: SearchSpace;
  private meter: Meter | null;
  private freeSlots: Slot[] = [];
  /** Energy of finished trials of this study (J), for `budget.energy`. */
  private energySpent = 0;

  private constructor(
    private readonly store: Store,
    readonly study: NightshiftStudyRecord,
    private readonly spec: StudySpec,
    private readonly artifacts: string,
    private readonly sampler: Sampler,
    private readonly scheduler: Scheduler,
    opts: CampaignOptions,
  ) {
    this.space = new SearchSpace(spec.search_space);
    this.meter = opts.meter ?? null;
    this.emit = opts.emit ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  /** Creates the study, or resumes the one of the same name if its search space and objectives are unchanged. */
  static open(opts: CampaignOptions): Campaign {
    const { store } = opts;
    const existing = store.getStudy(opts.spec.name);
    const emit = opts.emit ?? (() => {});
    // A file that names no scheduler mode gets the study's own (promote for a study made before modes).
    const { spec, note } = withSchedulerMode(opts.spec, existing?.spec ?? null);
    if (note) emit({ type: 'log', level: 'info', message: note });
    const space = new SearchSpace(spec.search_space);
    const { sampler, scheduler } = createStrategy(spec, space, (message) => emit({ type: 'log', level: 'warn', message }));
    const hash = specHash(spec);
    if (existing && existing.specHash !== hash) {
      const change = describeSpecChange(existing.spec, spec) ?? 'search space or objectives changed';
      throw new StudySpecError(null, [
        {
          path: '',
          message: `study "${spec.name}" already exists with a different definition (${change}); resuming it would mix incomparable trials. Restore the original search space and objectives, or give the study a new name.`,
        },
      ]);
    }
    // One transaction: a study that cannot get its warm start (a missing source study) is not created half-way.
    const study = store.transaction(() => {
      const { study, created } = store.createStudy(spec, hash);
      // Queued configurations start where the scheduler starts new ones (ASHA's lowest rung), so they compete.
      const budget = spec.fidelity ? (scheduler.initialBudget?.({ objectives: spec.objectives, trials: [] }) ?? spec.fidelity.max) : null;
      if (created && spec.baseline) store.enqueueTrial(study.id, { params: spec.baseline, budget, lineage: { kind: 'baseline' } });
      if (created && spec.warm_start) enqueueWarmStart(store, study.id, spec, space, budget, opts.openSource);
      return study;
    });
    const state = store.samplerState(study.id, sampler.name);
    if (state !== null) sampler.restore(state);
    return new Campaign(store, study, spec, opts.artifacts, sampler, scheduler, opts);
  }

  /** Meters the trials of the next `run` (started separately: measuring the idle baseline takes a moment). */
  useMeter(meter: Meter | null): void {
    this.meter = meter;
  }

  /** Stops launching, stops running trials (they are re-queued for the next run) and lets `run` return. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = reason;
    this.wake();
    await Promise.all([...this.running.values()].map((t) => t.stop(`interrupted: ${reason}`, true)));
  }

  /**
   * Ends one running trial for good (state `stopped`, not re-queued): a user judged it a waste.
   * False when no trial of that number is running in this campaign.
   */
  async stopTrial(number: number, reason: string): Promise<boolean> {
    const t = this.running.get(number);
    if (!t || t.settled) return false;
    await t.stop(reason, false);
    return true;
  }

  /**
   * Runs the search to its budget, then the finalists stage when the study has one. `finalistsOnly`
   * (`nightshift validate`) skips the search and validates the top `top` configurations found so far.
   */
  async run(opts: { finalistsOnly?: boolean; top?: number | null } = {}): Promise<CampaignResult> {
    const { store, study, spec } = this;
    await recoverOrphans({ store, study, spec, emit: this.emit, now: this.now() });
    const views = TrialViews.load(store, study.id, study.objectives);
    // Every finished trial spent energy, failed and stopped ones too (views keep metrics only for results).
    this.energySpent = new EnergyLedger(store.trials(study.id)).total();
    const busy = this.meter && spec.resources.gpus !== null && !spec.resources.allow_busy_gpus ? await this.meter.busyGpus() : new Map<number, number>();
    const { slots, note } = planSlots(spec.resources, this.meter?.sources().gpu.gpus ?? [], busy);
    this.freeSlots = slots;
    if (note) this.emit({ type: 'log', level: 'warn', message: note });
    store.setStudyState(study.id, 'running', null, this.owner);
    this.emit({ type: 'study', study: study.name, state: 'running', reason: null });
    const clock = {
      startedAt: this.now(),
      deadline: spec.budget.deadline ? resolveDeadline(spec.budget.deadline, new Date(this.now())).getTime() : null,
    };
    const beat = setInterval(() => store.heartbeat(this.owner), HEARTBEAT_MS);
    let endReason: string | null = null;
    try {
      if (!opts.finalistsOnly) endReason = await this.drive(views, clock, 'search');
      const fspec = opts.finalistsOnly || spec.finalists ? finalistsSpecOf(spec, opts.top ?? null) : null;
      if (fspec && !this.stopping) {
        // A repeated validate keeps the search's reason, not the previous stage's summary.
        const searchReason = (opts.finalistsOnly ? study.stopReason : (endReason ?? this.result(null).reason))?.split('; finalists: ')[0] ?? null;
        const { planned, queued } = planFinalistStage(store, study, fspec);
        this.emit({ type: 'log', level: 'info', message: `finalists: ${planned.length} runs planned (${queued} queued now)` });
        const late = await this.drive(views, clock, 'finalists');
        const done = splitCounts(store, study.id).finalists;
        endReason = late ?? [searchReason, `finalists: ${done.complete + done.failed} of ${planned.length} runs done`].filter(Boolean).join('; ');
      }
    } finally {
      clearInterval(beat);
      this.saveGpuSeries();
    }
    const result = this.result(endReason);
    store.setStudyState(study.id, result.state, result.reason);
    this.emit({ type: 'study', study: study.name, state: result.state, reason: result.reason });
    return result;
  }

  /**
   * Launches trials until the stage is done or the campaign stops; returns why it ended, when a budget
   * ended it. The search asks the planner and counts its own budget; the finalists stage runs its queue.
   */
  private async drive(views: TrialViews, clock: { startedAt: number; deadline: number | null }, stage: 'search' | 'finalists'): Promise<string | null> {
    const { store, study, spec } = this;
    let endReason: string | null = null;
    {
      for (;;) {
        const late = timeUp(spec.budget, clock, this.now());
        if (late && !this.stopping) {
          endReason = late;
          // Trials cut by the clock were not evaluated: they run again if the study is resumed.
          this.stopping = late;
          await Promise.all([...this.running.values()].map((t) => t.stop(`interrupted: ${late}`, true)));
        }
        while (!this.stopping && this.freeSlots.length > 0) {
          if (stage === 'search') {
            const counts = splitCounts(store, study.id).search;
            const used = trialsUsedUp(spec.budget, counts) ?? this.energyUsedUp() ?? this.failFast(counts);
            if (used) {
              if (this.running.size === 0) endReason = used;
              break;
            }
          }
          const rec = stage === 'search' ? await this.next(views) : store.claimQueued(study.id, this.owner);
          if (!rec) break;
          const slot = this.freeSlots.shift()!;
          const trial = new RunningTrial(
            { store, study, spec, artifacts: this.artifacts, owner: this.owner, scheduler: this.scheduler, views, emit: this.emit, meter: this.meter, slot },
            rec,
          );
          void trial.finished.then(
            (done) => {
              const own = ownEnergy(done, (n) => store.trialByNumber(study.id, n));
              if (!Number.isNaN(own)) this.energySpent += own;
              this.freeSlots.push(slot);
            },
            () => this.freeSlots.push(slot),
          );
          this.running.set(rec.number, trial);
          this.emit({ type: 'trial-state', study: study.name, number: rec.number, state: 'running', reason: null });
        }
        if (this.running.size === 0) break;
        await this.waitForChange();
      }
    }
    return endReason;
  }

  private result(endReason: string | null): CampaignResult {
    if (endReason) return { state: 'finished', reason: endReason };
    if (this.stopping) return { state: 'idle', reason: `interrupted: ${this.stopping}` };
    if (this.exhausted) return { state: 'finished', reason: this.exhausted };
    const counts = splitCounts(this.store, this.study.id).search;
    return { state: 'finished', reason: trialsUsedUp(this.spec.budget, counts) ?? this.energyUsedUp() ?? this.failFast(counts) ?? 'done' };
  }

  /** `budget.energy`: finished trials' energy plus what running trials have used so far. */
  private energyUsedUp(): string | null {
    const limit = this.spec.budget.energy_j;
    if (limit === null) return null;
    let spent = this.energySpent;
    for (const t of this.running.values()) spent += t.energySoFar();
    return spent >= limit ? `budget: energy of ${formatEnergy(limit)} spent (${formatEnergy(spent)})` : null;
  }

  private saveGpuSeries(): void {
    if (!this.meter) return;
    const samples = this.meter
      .gpuSeries()
      .flatMap((g) => g.points.map((p) => ({ gpu: g.index, atMs: p.t_ms, powerW: p.power_w, memoryMb: p.mem_used_mb })));
    if (samples.length) this.store.addGpuSamples(this.study.id, samples);
  }

  /** The next trial to run: a queued one (baseline, retries, enqueued) first, else what the planner proposes. */
  private async next(views: TrialViews): Promise<TrialRecord | null> {
    const { store, study, spec } = this;
    let rec = store.claimQueued(study.id, this.owner);
    // Asked even after the sampler ran out: a multi-fidelity scheduler may still promote finished trials.
    if (!rec) {
      const plan = await planNext(
        { space: this.space, objectives: study.objectives, fidelity: spec.fidelity, sampler: this.sampler, scheduler: this.scheduler, seed: spec.seed },
        views.all(),
      );
      // The sampler may think off-thread; a stop that came meanwhile starts nothing new.
      if (this.stopping) return null;
      if (plan.kind === 'exhausted') {
        if (!this.exhausted) store.addEvent(study.id, null, 'exhausted', plan.reason);
        this.exhausted = `search space exhausted: ${plan.reason}`;
        return null;
      }
      const queued = store.enqueueTrial(
        study.id,
        { params: plan.params, budget: plan.budget, lineage: plan.lineage },
        { name: this.sampler.name, state: this.sampler.snapshot() },
      );
      views.upsert(queued);
      rec = store.claimQueued(study.id, this.owner);
    }
    if (rec && !store.finalistRun(rec.id)) views.upsert(rec);
    return rec;
  }

  private failFast(counts: ReturnType<Store['counts']>): string | null {
    if (evaluated(counts) >= FAIL_FAST_AFTER && counts.complete + counts.pruned === 0) {
      const last = this.store.trials(this.study.id).filter((t) => t.state === 'failed').pop();
      return `the first ${FAIL_FAST_AFTER} trials all failed (last: ${last?.reason ?? 'unknown'}); fix the trainer and run again`;
    }
    return null;
  }

  private async waitForChange(): Promise<void> {
    const finished = [...this.running.values()].map((t) => t.finished.then(() => t.number));
    let timer: NodeJS.Timeout | undefined;
    const woke = new Promise<null>((resolve) => {
      this.wake = () => resolve(null);
      timer = setTimeout(() => resolve(null), TICK_MS);
    });
    await Promise.race([...finished, woke]);
    clearTimeout(timer);
    for (const [n, t] of this.running) {
      if (t.settled) {
        this.running.delete(n);
        // Surface a failure to record the outcome (the trial's own failures are outcomes, not errors).
        await t.finished;
      }
    }
  }
}

/** The best configurations of an earlier study (this database or another file) run right after the baseline. */
function enqueueWarmStart(
  store: Store,
  studyId: number,
  spec: StudySpec,
  space: SearchSpace,
  budget: number | null,
  openSource: ((file: string) => StoreReader) | undefined,
): void {
  const ws = spec.warm_start!;
  if (ws.db && !openSource) throw new StudySpecError(null, [{ path: 'warm_start.db', message: 'this host cannot open other databases; leave out db to warm-start from a study in this one' }]);
  const source: StoreReader = ws.db && openSource ? openSource(ws.db) : store;
  try {
    const configs = warmStartTrials(source, ws.study, space, ws.top);
    const baselineKey = spec.baseline ? space.key(spec.baseline) : null;
    for (const params of configs) {
      if (space.key(params) === baselineKey) continue;
      store.enqueueTrial(studyId, { params, budget, lineage: { kind: 'warm-start', detail: ws.study } });
    }
  } catch (e) {
    if (e instanceof WarmStartError) throw new StudySpecError(null, [{ path: 'warm_start', message: e.message.replace(/^warm_start\.?\w*: /, '') }]);
    throw e;
  } finally {
    if (source !== store) source.close();
  }
}

function formatEnergy(j: number): string {
  return j >= 3.6e6 ? `${+(j / 3.6e6).toFixed(3)} kWh` : j >= 3600 ? `${+(j / 3600).toFixed(3)} Wh` : `${+j.toFixed(1)} J`;
}
