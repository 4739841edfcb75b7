// A campaign runs one study until its budget is spent, its search space is exhausted, or it is stopped.
// It is the only writer of its study's trials while it runs; every state change goes through the store
// in one transaction, so killing the process at any instant loses nothing (see recovery in `run`).
import type { StateCounts, StudyState } from '../../../shared/types.js';
import { checkExecutor, createExecutor, type Executor } from '../executors/index.js';
import type { Meter } from '../metering/index.js';
import { killProcessesWithEnv } from '../runner/marked.js';
import type { Sampler } from '../samplers/types.js';
import type { Scheduler } from '../schedulers/types.js';
import { resolveDeadline } from '../study/deadline.js';
import { DEFAULT_DISK_FULL_WAIT_S } from '../study/spec.js';
import { StudySpecError } from '../study/errors.js';
import { SearchSpace } from '../study/space.js';
import { formatEnergy } from '../study/units.js';
import { describeSpecChange, specHash } from '../study/spec-hash.js';
import type { StudySpec } from '../study/types.js';
import { StudyLeaseLostError, type NightshiftStudyRecord, type Store, type StoreReader, type StudyLeaseHolder, type TrialRecord } from '../storage/types.js';
import { brokenTrainer, timeUp, trialsUsedUp } from './budget.js';
import type { EventSink } from './events.js';
import { ENGINE_ENV } from './orphans.js';
import { CheckpointRetention } from './checkpoint-retention.js';
import { DatabaseFullWait } from './db-full.js';
import { FreeSpaceGuard } from './disk-guard.js';
import { newOwner, ownerIsDead } from './owner.js';
import { SearchPlanner } from './ask-ahead.js';
import { EngineBusyError, recoverOrphans, STALE_LEASE_MS } from './recovery.js';
import type { RunningTrial } from './running-trial.js';
import { withSchedulerMode } from './scheduler-mode.js';
import { createStrategy } from './strategy.js';
import { TrialPool } from './trial-pool.js';
import { TrialViews, viewMetricsFor } from './views.js';
import { loadTransferPrior, recordTransferPrior } from './transfer-prior.js';
import { enqueueWarmStart } from './warm-start.js';
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
  /** Where trials run; default: what the study's `executor` section says (local processes unless slurm). */
  executor?: Executor;
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
  /** The study ended because it cannot succeed as it is (its first trials all failed): a failure, not a result. */
  failed: boolean;
}

export interface RunOptions {
  /** Skip the search: validate the best configurations found so far (`nightshift validate`). */
  finalistsOnly?: boolean;
  /** How many configurations the finalists stage takes (default: the study's `finalists.top`). */
  top?: number | null;
}

const HEARTBEAT_MS = 2000;
const TICK_MS = 1000;

export class Campaign {
  private readonly owner = newOwner();
  private readonly emit: EventSink;
  private readonly now: () => number;
  private stopping: string | null = null;
  /** Set when a claim found another engine holding the study: this one must let go. */
  private leaseLost: StudyLeaseHolder | null = null;
  /** Too little free disk: no new trial starts while that lasts; the study ends with its reason past the wait. */
  private readonly guard: FreeSpaceGuard;
  /** The database's disk is full: no trial starts, outcomes wait in memory for room. */
  private readonly dbFull: DatabaseFullWait;
  private exhausted: string | null = null;
  private wake: () => void = () => {};
  private readonly space: SearchSpace;
  private meter: Meter | null;
  /** The trials in flight, their slots and their executor. */
  private readonly pool: TrialPool;
  /** Set when a run starts (after recovery), so its folder scan sees what earlier runs left. */
  private retention: CheckpointRetention | null = null;
  /** The search's next plan, its suggestion asked ahead while every slot is busy (resources.ask_ahead). */
  private readonly planner: SearchPlanner;

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
    const executor = opts.executor ?? createExecutor(spec);
    const waitMs = (spec.resources.disk_full_wait_s ?? DEFAULT_DISK_FULL_WAIT_S) * 1000;
    const dbFull = (this.dbFull = new DatabaseFullWait({ store, studyId: study.id, owner: this.owner, waitMs, emit: this.emit, now: this.now, onResume: () => this.wake() }));
    this.guard = new FreeSpaceGuard({ store, study, owner: this.owner, artifacts, minFreeBytes: spec.resources.min_free_disk_bytes, waitMs, dbFull, emit: this.emit, now: this.now });
    this.pool = new TrialPool({ store, study, spec, artifacts, owner: this.owner, scheduler, emit: this.emit, executor, dbFull, wake: () => this.wake() });
    const deps = { space: this.space, objectives: study.objectives, fidelity: spec.fidelity, sampler, scheduler, seed: spec.seed };
    this.planner = new SearchPlanner(deps, spec.resources.ask_ahead ?? 'auto', undefined, (message) => this.emit({ type: 'log', level: 'info', message }));
  }

  private get running(): ReadonlyMap<number, RunningTrial> {
    return this.pool.running;
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
    const transfer = loadTransferPrior(spec, space, store, opts.openSource, (message) => emit({ type: 'log', level: 'info', message }), existing !== null);
    const { sampler, scheduler } = createStrategy(spec, space, (message) => emit({ type: 'log', level: 'warn', message }), transfer?.prior ?? null);
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
      // The baseline starts where the scheduler starts new ones (ASHA's lowest rung), so it competes.
      const budget = spec.fidelity ? (scheduler.initialBudget?.({ objectives: spec.objectives, trials: [] }) ?? spec.fidelity.max) : null;
      if (created && spec.baseline) store.enqueueTrial(study.id, { params: spec.baseline, budget, lineage: { kind: 'baseline' } });
      if (created && spec.warm_start) enqueueWarmStart(store, study.id, spec, space, budget, opts.openSource);
      if (transfer) recordTransferPrior(store, study.id, transfer);
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
  async run(opts: RunOptions = {}): Promise<CampaignResult> {
    const { store, study } = this;
    // An unknown partition or an unreachable cluster is a mistake in the study file: say so before anything
    // runs, and before the study's lease (a mistake is not an engine failure to record on the study).
    await checkExecutor(this.spec);
    // Taken before anything else touches the study (orphan recovery kills processes): one engine per study.
    const lease = store.acquireStudyLease(study.id, this.owner, (h) => !ownerIsDead(h.owner, h.heartbeatAt, STALE_LEASE_MS, this.now()));
    if (!lease.acquired) throw new EngineBusyError(study.name, lease.holder.owner, lease.holder.since);
    let result: CampaignResult;
    try {
      result = await this.runLeased(opts);
    } catch (e) {
      try {
        store.releaseStudyLease(study.id, this.owner, 'idle', `interrupted: the engine failed: ${(e as Error).message}`);
      } catch {
        // The original error says more than a failed release (a full disk, a closed database).
      }
      throw e;
    }
    // Compare-and-set on the owner: an engine that lost the study never writes over the one that took it.
    const released = store.releaseStudyLease(study.id, this.owner, result.state, result.reason);
    if (!released || this.leaseLost) {
      const holder = this.leaseLost ?? store.getStudy(study.name);
      throw new EngineBusyError(study.name, holder?.owner ?? null, this.leaseLost?.since ?? null);
    }
    this.emit({ type: 'study', study: study.name, state: result.state, reason: result.reason });
    return result;
  }

  private async runLeased(opts: RunOptions): Promise<CampaignResult> {
    const { store, study, spec } = this;
    const { executor } = this.pool;
    const followed = await recoverOrphans({ store, study, spec, emit: this.emit, now: this.now(), executor, artifacts: this.artifacts });
    const views = TrialViews.load(store, study.id, study.objectives, viewMetricsFor(spec.scheduler.options));
    this.retention = new CheckpointRetention({ store, study, spec, artifacts: this.artifacts, dbFull: this.dbFull, emit: this.emit });
    const note = await this.pool.prepare(this.meter);
    if (note) this.emit({ type: 'log', level: 'warn', message: note });
    this.emit({ type: 'study', study: study.name, state: 'running', reason: null });
    const clock = {
      startedAt: this.now(),
      deadline: spec.budget.deadline ? resolveDeadline(spec.budget.deadline, new Date(this.now())).getTime() : null,
    };
    const beat = setInterval(() => this.dbFull.waiting || this.dbFull.writeOrLater(() => store.heartbeat(this.owner)), HEARTBEAT_MS);
    let endReason: string | null = null;
    try {
      this.pool.follow(views, followed);
      if (!opts.finalistsOnly) endReason = await this.drive(views, clock, 'search');
      const fspec = opts.finalistsOnly || spec.finalists ? finalistsSpecOf(spec, opts.top ?? null) : null;
      if (fspec && !this.stopping && !this.guard.reason) {
        // A repeated validate keeps the search's reason, not the previous stage's summary.
        const searchReason = (opts.finalistsOnly ? study.stopReason : (endReason ?? this.result(null).reason))?.split('; finalists: ')[0] ?? null;
        const { planned, queued } = await this.dbFull.retrying(() => planFinalistStage(store, study, fspec));
        this.emit({ type: 'log', level: 'info', message: `finalists: ${planned.length} runs planned (${queued} queued now)` });
        const late = await this.drive(views, clock, 'finalists');
        const done = splitCounts(store, study.id).finalists;
        endReason = late ?? [searchReason, `finalists: ${done.complete + done.failed} of ${planned.length} runs done`].filter(Boolean).join('; ');
      }
    } finally {
      clearInterval(beat);
      this.dbFull.close();
      this.pool.close();
      this.saveGpuSeries();
      // Each trial's leftovers died with it; this catches any that escaped between a trial's end and its scan.
      // Slurm jobs run elsewhere, and Slurm ends what a job leaves (the node-side wrapper scans for markers).
      if (executor.kind === 'local') await killProcessesWithEnv([`${ENGINE_ENV}=${this.owner}`], Math.min(spec.kill_grace_s, 5) * 1000);
    }
    // The search is over for good (not interrupted, not paused for disk): nothing will be promoted any more.
    if (!this.stopping && !this.guard.reason) this.retention?.retain(true);
    return this.result(endReason);
  }

  /**
   * Launches trials until the stage is done or the campaign stops; returns why it ended, when a budget
   * ended it. The search asks the planner and counts its own budget; the finalists stage runs its queue.
   */
  private async drive(views: TrialViews, clock: { startedAt: number; deadline: number | null }, stage: 'search' | 'finalists'): Promise<string | null> {
    const { store, study, spec } = this;
    let endReason: string | null = null;
    for (;;) {
      this.dbFull.check();
      const late = timeUp(spec.budget, clock, this.now());
      if (late && !this.stopping) {
        endReason = late;
        // Trials cut by the clock were not evaluated: they run again if the study is resumed.
        this.stopping = late;
        await Promise.all([...this.running.values()].map((t) => t.stop(`interrupted: ${late}`, true)));
      }
      // Out of disk space for now: nothing starts, and the stage waits rather than ends.
      let waitingForDisk = false;
      while (!this.stopping && this.pool.hasFreeSlot) {
        // A paused trial that now passes its rung goes on before anything new starts (mode pause).
        if (this.pool.resumeReady()) continue;
        if (stage === 'search') {
          const counts = splitCounts(store, study.id).search;
          const used = trialsUsedUp(spec.budget, counts) ?? this.energyUsedUp() ?? this.failFast(counts);
          if (used) {
            this.pool.endPausesIfIdle(used);
            if (this.running.size === 0) endReason = used;
            break;
          }
        }
        const disk = this.dbFull.waiting ? 'wait' : this.guard.check();
        if (disk !== 'ok') {
          if (disk === 'over' && this.running.size === 0) endReason = this.guard.reason;
          waitingForDisk = disk === 'wait';
          break;
        }
        const rec = await this.claimNext(views, stage);
        if (!rec) {
          waitingForDisk = this.dbFull.waiting;
          if (this.exhausted) this.pool.endPausesIfIdle(this.exhausted);
          break;
        }
        this.pool.start(views, rec);
      }
      if (stage === 'search' && !this.stopping && !this.pool.hasFreeSlot) this.planner.prepare(views.all(), this.running.size);
      if (this.running.size === 0 && !waitingForDisk) break;
      await this.waitForChange();
    }
    return endReason;
  }

  private result(endReason: string | null): CampaignResult {
    const counts = splitCounts(this.store, this.study.id).search;
    const broken = this.failFast(counts);
    const failed = broken !== null;
    // Stopped for want of disk: resumable (idle), and a failure for whoever started the run.
    if (endReason !== null && endReason === this.guard.reason) return { state: 'idle', reason: endReason, failed: true };
    if (endReason) return { state: 'finished', reason: broken ?? endReason, failed };
    if (this.stopping) return { state: 'idle', reason: `interrupted: ${this.stopping}`, failed: false };
    if (this.exhausted) return { state: 'finished', reason: this.exhausted, failed };
    const reason = trialsUsedUp(this.spec.budget, counts) ?? this.energyUsedUp() ?? this.failFast(counts) ?? 'done';
    return { state: 'finished', reason, failed };
  }

  /**
   * The search's `next` or the finalists stage's queue, unless another engine has taken the study over:
   * then this one stops and re-queues its trials.
   */
  private async claimNext(views: TrialViews, stage: 'search' | 'finalists'): Promise<TrialRecord | null> {
    try {
      // Awaited here so a lease lost while the sampler thought (off-thread) is caught below too.
      return stage === 'search' ? await this.next(views) : this.store.claimQueued(this.study.id, this.owner);
    } catch (e) {
      // A claim is a write: with the database's disk full nothing starts, and the campaign waits for room.
      if (this.dbFull.hit(e)) return null;
      if (!(e instanceof StudyLeaseLostError)) throw e;
      this.leaseLost = e.holder;
      void this.stop('another engine took over the study');
      return null;
    }
  }

  /** `budget.energy`: finished trials' energy plus what running trials have used so far. */
  private energyUsedUp(): string | null {
    const limit = this.spec.budget.energy_j;
    if (limit === null) return null;
    const spent = this.pool.energySoFar();
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
    const { store, study } = this;
    let rec = store.claimQueued(study.id, this.owner);
    // Asked even after the sampler ran out: a multi-fidelity scheduler may still promote finished trials.
    if (!rec) {
      const plan = await this.planner.take(views.all());
      // The sampler may think off-thread; a stop that came meanwhile starts nothing new.
      if (this.stopping) return null;
      if (plan.kind === 'exhausted') {
        if (!this.exhausted) store.addEvent(study.id, null, 'exhausted', plan.reason);
        this.exhausted = `search space exhausted: ${plan.reason}`;
        return null;
      }
      const sampled = { name: this.sampler.name, state: this.sampler.snapshot() };
      const queued = store.enqueueTrial(study.id, { params: plan.params, budget: plan.budget, lineage: plan.lineage }, sampled);
      views.upsert(queued);
      rec = store.claimQueued(study.id, this.owner);
    }
    if (rec && !store.finalistRun(rec.id)) views.upsert(rec);
    return rec;
  }

  private failFast(counts: StateCounts): string | null {
    return brokenTrainer(counts, () => this.store.trials(this.study.id).filter((t) => t.state === 'failed').pop()?.reason ?? null);
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
        this.pool.running.delete(n);
        // Surface a failure to record the outcome (the trial's own failures are outcomes, not errors).
        await t.finished;
        this.retention?.retain(false, n);
      }
    }
  }
}
