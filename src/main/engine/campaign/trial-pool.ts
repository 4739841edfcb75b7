// The trials in flight of one campaign, and where they run. The executor decides the slots: this machine's
// GPUs and `resources.parallel` for the local executor, jobs in flight (pending ones included, up to
// `executor.max_jobs`) for Slurm. A claimed trial starts in a free slot; a job that an engine that died
// left running is followed again and keeps a slot; each trial's energy is added up as it ends (for
// `budget.energy`; finalist runs have their own budget and are not counted).
import { trialsInFlight, type Executor, type TrialLease } from '../executors/index.js';
import { searchTrials } from '../finalists/stage.js';
import { ENERGY_METRIC, EnergyLedger, OWN_ENERGY_METRIC, ownEnergy, slimTrials } from '../lineage/index.js';
import type { Meter } from '../metering/index.js';
import type { TrialRecord } from '../storage/types.js';
import { describeStanding, isPausing, type RungStanding } from '../schedulers/pausing.js';
import { ENGINE_ENV } from './orphans.js';
import { PauseWatchdog } from './pause-watchdog.js';
import type { FollowedOrphan } from './recovery.js';
import { RunningTrial, type TrialRunDeps } from './running-trial.js';
import { planSlots, type Slot } from './slots.js';
import type { TrialViews } from './views.js';

/** A followed job beyond max_jobs (the study file lowered it): it runs on, and frees no slot when it ends. */
const OVERFLOW_SLOT: Slot = { id: -1, gpus: [], cudaVisibleDevices: null };

/** What every trial of the campaign shares; the slot, views and meter are given per run. */
export type PoolDeps = Omit<TrialRunDeps, 'slot' | 'reattach' | 'views' | 'meter' | 'onPause'> & {
  /** Wakes the campaign's loop: a paused trial freed its slot. */
  wake: () => void;
};

export class TrialPool {
  readonly running = new Map<number, RunningTrial>();
  private freeSlots: Slot[] = [];
  private meter: Meter | null = null;
  /** Energy of finished trials of this study (J). */
  private energySpent = 0;
  /** Running trials that are finalist runs (looked up once at launch, not at every budget check). */
  private readonly finalistRuns = new Set<number>();
  /** The slot each running trial holds (null while it is paused), and the GPUs it was started on. */
  private readonly slotOf = new Map<number, { slot: Slot | null; devices: string | null }>();
  private views: TrialViews | null = null;
  /** Started at the first pause: frozen trials must not outlive a killed engine. */
  private readonly watchdog: PauseWatchdog;

  constructor(private readonly deps: PoolDeps) {
    this.watchdog = new PauseWatchdog(`${ENGINE_ENV}=${deps.owner}`);
  }

  /** The run is over: releases the executor's pollers and the pause watchdog (running trials are not stopped). */
  close(): void {
    this.executor.close();
    this.watchdog.close();
  }

  get executor(): Executor {
    return this.deps.executor;
  }

  /**
   * Plans the slots of a run and counts the energy the study's finished trials spent (failed and stopped
   * ones too). Returns a note when fewer GPUs are usable than the study asks for.
   */
  async prepare(meter: Meter | null): Promise<string | null> {
    const { store, study, spec } = this.deps;
    this.meter = meter;
    // Only the energy metrics (lineage/slim-trials.ts): with every record whole, an engine taking over the
    // 5,076-trial soak study peaked at 107-109 MiB RSS in its first 8 s and kept 98-100; now 95-98 and 93-96.
    this.energySpent = new EnergyLedger(searchTrials(store, study.id, slimTrials(store, study.id, [ENERGY_METRIC, OWN_ENERGY_METRIC]))).total();
    if (this.executor.kind !== 'local') {
      // Slurm places GPUs (gres); each slot is one job in flight, pending or running.
      this.freeSlots = Array.from({ length: trialsInFlight(spec) }, (_, id): Slot => ({ id, gpus: [], cudaVisibleDevices: null }));
      return null;
    }
    const busy = meter && spec.resources.gpus !== null && !spec.resources.allow_busy_gpus ? await meter.busyGpus() : new Map<number, number>();
    const { slots, note } = planSlots(spec.resources, meter?.sources().gpu.gpus ?? [], busy);
    this.freeSlots = slots;
    return note;
  }

  get hasFreeSlot(): boolean {
    return this.freeSlots.length > 0;
  }

  /** Runs a claimed trial in a free slot (the caller checked `hasFreeSlot`). */
  start(views: TrialViews, rec: TrialRecord): void {
    this.launch(views, rec, this.freeSlots.shift()!, null);
  }

  /** Jobs still running from an engine that died are followed again, holding their slots (max_jobs). */
  follow(views: TrialViews, followed: readonly FollowedOrphan[]): void {
    for (const { trial, lease } of followed) {
      this.deps.store.adoptTrial(trial.id, this.deps.owner);
      this.launch(views, trial, this.freeSlots.shift() ?? OVERFLOW_SLOT, lease);
    }
  }

  /** The search's finished trials' energy plus what its running trials have used so far (J). */
  energySoFar(): number {
    let spent = this.energySpent;
    for (const [n, t] of this.running) if (!this.finalistRuns.has(n)) spent += t.energySoFar();
    return spent;
  }

  /** Runs a claimed trial in `slot`, or follows a reattached one (`lease`: its job, from an engine that died). */
  private launch(views: TrialViews, rec: TrialRecord, slot: Slot, lease: TrialLease | null): void {
    const { store, study, emit } = this.deps;
    this.views = views;
    this.slotOf.set(rec.number, { slot, devices: slot.cudaVisibleDevices });
    const onPause = (t: RunningTrial): void => this.paused(t);
    const beforePause = (): void => this.watchdog.ensure();
    const trial = new RunningTrial({ ...this.deps, views, meter: this.meter, slot, onPause, beforePause, ...(lease ? { reattach: lease } : {}) }, rec);
    const release = (): void => {
      this.releaseSlot(rec.number);
      this.slotOf.delete(rec.number);
    };
    // A queued finalist run left by an interrupted stage may be claimed by the search: not its energy.
    const searchTrial = !store.finalistRun(rec.id);
    if (searchTrial) this.finalistRuns.delete(rec.number);
    else this.finalistRuns.add(rec.number);
    void trial.finished.then((done) => {
      const own = ownEnergy(done, (n) => store.trialByNumber(study.id, n));
      if (searchTrial && !Number.isNaN(own)) this.energySpent += own;
      release();
    }, release);
    this.running.set(rec.number, trial);
    emit({ type: 'trial-state', study: study.name, number: rec.number, state: 'running', reason: null });
  }

  private releaseSlot(number: number): void {
    const held = this.slotOf.get(number);
    if (held?.slot && held.slot !== OVERFLOW_SLOT) this.freeSlots.push(held.slot);
    if (held) held.slot = null;
  }

  /** `mode: pause`: a trial froze at a rung and gave its slot back; beyond `max_paused` the one furthest from passing is stopped. */
  private paused(trial: RunningTrial): void {
    this.releaseSlot(trial.number);
    this.deps.wake();
    const waiting = pausedTrials(this.running);
    const limit = isPausing(this.deps.scheduler) ? this.deps.scheduler.maxPaused : Infinity;
    if (waiting.length <= limit) return;
    const ranked = this.standings(waiting).sort((a, b) => a.s.rung - b.s.rung || b.s.rank - b.s.quota - (a.s.rank - a.s.quota));
    const worst = ranked[0]!;
    void worst.t.stopPaused(`stopped while paused at rung ${worst.s.rung} (${describeStanding(worst.s)}): more than max_paused (${limit}) trials were waiting`);
  }

  /**
   * `mode: pause`: resumes the paused trial that now passes its rung (the highest rung first, then the best
   * rank), in a free slot on the GPUs it started on. Asked before any new trial starts; false when none can.
   */
  resumeReady(): boolean {
    const waiting = pausedTrials(this.running);
    if (waiting.length === 0) return false;
    let pick: { t: RunningTrial; s: RungStanding; slot: number } | null = null;
    for (const { t, s } of this.standings(waiting)) {
      if (!s.pass || (pick && (s.rung < pick.s.rung || (s.rung === pick.s.rung && s.rank >= pick.s.rank)))) continue;
      const devices = this.slotOf.get(t.number)?.devices ?? null;
      const slot = this.freeSlots.findIndex((f) => f.cudaVisibleDevices === devices);
      if (slot >= 0) pick = { t, s, slot };
    }
    if (!pick) return false;
    const [slot] = this.freeSlots.splice(pick.slot, 1);
    const held = this.slotOf.get(pick.t.number);
    if (held) held.slot = slot!;
    if (pick.t.resume()) return true;
    this.releaseSlot(pick.t.number);
    return false;
  }

  /**
   * `mode: pause`: when no trial computes any more and no new one will start (`why`: the budget is spent,
   * the space exhausted), the paused ones can never pass: they are stopped (pruned at their rungs).
   */
  endPausesIfIdle(why: string): void {
    const waiting = pausedTrials(this.running);
    if (waiting.length === 0 || waiting.length < [...this.running.values()].filter((t) => !t.settled).length) return;
    for (const { t, s } of this.standings(waiting)) void t.stopPaused(`stopped while paused at rung ${s.rung} (${describeStanding(s)}): the search ended (${why})`);
  }

  /** Each paused trial's standing at its rung now (its standing when it paused if the views lack it). */
  private standings(waiting: RunningTrial[]): { t: RunningTrial; s: RungStanding }[] {
    const scheduler = this.deps.scheduler;
    const ctx = { objectives: this.deps.study.objectives, trials: this.views?.all() ?? [] };
    const now = isPausing(scheduler) ? scheduler.standings(ctx, waiting.map((t) => ({ number: t.number, rung: t.waiting!.rung }))) : [];
    return waiting.map((t, i) => ({ t, s: now[i] ?? t.waiting! }));
  }
}

function pausedTrials(running: ReadonlyMap<number, RunningTrial>): RunningTrial[] {
  return [...running.values()].filter((t) => t.waiting !== null && !t.ending && !t.settled);
}
