// The trials in flight of one campaign, and where they run. The executor decides the slots: this machine's
// GPUs and `resources.parallel` for the local executor, jobs in flight (pending ones included, up to
// `executor.max_jobs`) for Slurm. A claimed trial starts in a free slot; a job that an engine that died
// left running is followed again and keeps a slot; each trial's energy is added up as it ends (for
// `budget.energy`; finalist runs have their own budget and are not counted).
import { trialsInFlight, type Executor, type TrialLease } from '../executors/index.js';
import { searchTrials } from '../finalists/stage.js';
import { EnergyLedger, ownEnergy } from '../lineage/index.js';
import type { Meter } from '../metering/index.js';
import type { TrialRecord } from '../storage/types.js';
import type { FollowedOrphan } from './recovery.js';
import { RunningTrial, type TrialRunDeps } from './running-trial.js';
import { planSlots, type Slot } from './slots.js';
import type { TrialViews } from './views.js';

/** A followed job beyond max_jobs (the study file lowered it): it runs on, and frees no slot when it ends. */
const OVERFLOW_SLOT: Slot = { id: -1, gpus: [], cudaVisibleDevices: null };

/** What every trial of the campaign shares; the slot, views and meter are given per run. */
export type PoolDeps = Omit<TrialRunDeps, 'slot' | 'reattach' | 'views' | 'meter'>;

export class TrialPool {
  readonly running = new Map<number, RunningTrial>();
  private freeSlots: Slot[] = [];
  private meter: Meter | null = null;
  /** Energy of finished trials of this study (J). */
  private energySpent = 0;
  /** Running trials that are finalist runs (looked up once at launch, not at every budget check). */
  private readonly finalistRuns = new Set<number>();

  constructor(private readonly deps: PoolDeps) {}

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
    this.energySpent = new EnergyLedger(searchTrials(store, study.id)).total();
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
    const trial = new RunningTrial({ ...this.deps, views, meter: this.meter, slot, ...(lease ? { reattach: lease } : {}) }, rec);
    const release = (): void => {
      if (slot !== OVERFLOW_SLOT) this.freeSlots.push(slot);
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
}
