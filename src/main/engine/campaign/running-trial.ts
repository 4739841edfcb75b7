// One trial from launch to its final state. The campaign claims the trial; this class runs its process,
// records each report as it arrives, asks the scheduler whether to go on, and tells the store the outcome
// in one transaction (with a re-queued copy when the trial was interrupted rather than finished).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrialState } from '../../../shared/types.js';
import { classifyExit, stoppedOutcome } from '../runner/outcome.js';
import { newTrialToken, TRIAL_TOKEN_ENV } from '../runner/marked.js';
import type { Executor, ExecutorExit, TrialHandle, TrialLaunch, TrialLease, TrialPlacement } from '../executors/index.js';
import type { Scheduler } from '../schedulers/types.js';
import type { StudySpec } from '../study/types.js';
import type { FinalistRunInfo, Store, StudyRecord, TrialRecord } from '../storage/types.js';
import { studyDir, trialDir } from '../paths.js';
import { recordBackend } from './backend-event.js';
import { buildTrialCommand, reuseOf } from './command.js';
import { chainRoot, promotionParent } from '../lineage/index.js';
import { chainMetricsOf, finalMetrics, STARTUP_PROVENANCE, startupMetrics } from './final-metrics.js';
import type { EventSink } from './events.js';
import type { TrialViews } from './views.js';
import type { Meter, TrialMeasurement } from '../metering/index.js';
import type { Slot } from './slots.js';
import type { DatabaseFullWait } from './db-full.js';
import { HeldReports } from './held-reports.js';
import { describeStanding, isPausing, type RungStanding } from '../schedulers/pausing.js';
import { noRoomToPause, TrialPause } from './trial-pause.js';
import { replayedInFull } from './warm-start.js';

export interface TrialRunDeps {
  store: Store;
  study: StudyRecord;
  spec: StudySpec;
  artifacts: string;
  owner: string;
  scheduler: Scheduler;
  views: TrialViews;
  emit: EventSink;
  /** Measures energy and memory; null when the engine runs without metering (some tests, benchmarks). */
  meter: Meter | null;
  slot: Slot;
  /** Where the trial process runs (this machine, a Slurm job). */
  executor: Executor;
  /** Set for a trial launched by an engine that died, whose job still runs: follow it instead of launching. */
  reattach?: TrialLease;
  /** The database's disk being full: writes wait for room instead of failing the trial or the engine. */
  dbFull: DatabaseFullWait;
  /** `scheduler.mode: pause`: the trial froze at a rung (its slot is free until it resumes). */
  onPause?: (trial: RunningTrial) => void;
  /** Called before a trial is frozen: an engine killed right after the freeze must already have its pause watchdog. */
  beforePause?: () => void;
}

/** Why the engine itself ends a trial early. `requeue` trials run again (as a copy) on the next start. */
type EngineStop = { state: 'pruned' | 'stopped' | 'complete'; reason: string; requeue: boolean };

const MAX_LOG_BYTES = 10 * 1024 * 1024;

export class RunningTrial {
  readonly finished: Promise<TrialRecord>;
  /** Set once `finished` has settled, so the campaign can drop the trial without awaiting it. */
  settled = false;
  private proc: TrialHandle | null = null;
  /** Reattached: reports up to this step were stored by the engine that launched the trial. */
  private replayThrough: number | null = null;
  private engineStop: EngineStop | null = null;
  /** The last value of each metric the trial itself reported, and the highest step it reported. */
  private readonly last: Record<string, number> = {};
  private lastStep: number | null = null;
  /** Chain metrics of the trial this one was promoted from (null for a fresh configuration). */
  private readonly inherited: Record<string, number> | null;
  private metered = false;
  /** When the process was launched (ms), and its fixed cost: time and own energy until its first report. */
  private launchedAt: number | null = null;
  private startup: { seconds: number; energyJ: number | null } | null = null;
  /** Set for a run of the finalists stage: its own seed and fold, and never seen by the sampler or scheduler. */
  private readonly finalist: FinalistRunInfo | null;
  /** A warm start's replayed configuration (warm-start.ts): the scheduler learns from it but never stops it. */
  private readonly unjudged: boolean;
  private unstoredReports = 0;
  /** Its reports, held in memory while the database's disk is full. */
  private readonly reports: HeldReports;
  /** `scheduler.mode: pause` (search trials only): where it waits, and what it printed meanwhile. */
  private readonly pause: TrialPause | null;
  /** Rung steps a reused trainer (built-in, or `nightshift.run`) waits at for the verdict (NIGHTSHIFT_RUNG_STEPS): each passed one gets `go`. */
  private readonly rungWait: ReadonlySet<number> | null;

  constructor(
    private readonly deps: TrialRunDeps,
    readonly record: TrialRecord,
  ) {
    // A retry of a promoted trial continues from the same rung, so it inherits the same figures.
    const parent = promotionParent(record, (n) => deps.store.trialByNumber(record.studyId, n));
    this.inherited = parent ? chainMetricsOf(parent) : null;
    this.finalist = deps.store.finalistRun(record.id);
    this.reports = new HeldReports(deps.store, deps.dbFull, record.id);
    this.unjudged = !this.finalist && replayedInFull(deps.spec, record, (n) => deps.store.trialByNumber(record.studyId, n));
    this.pause = isPausing(deps.scheduler) && !this.finalist && !this.unjudged ? new TrialPause(deps.scheduler, record.number) : null;
    const rungs = !this.pause && !this.finalist && !this.unjudged && reuseOf(deps.spec.trainer).reuseProcess ? (deps.scheduler.rungSteps ?? []) : [];
    this.rungWait = rungs.length ? new Set(rungs) : null;
    this.finished = this.run().finally(() => void (this.settled = true));
  }

  get number(): number {
    return this.record.number;
  }

  /** Where it waits at a rung (`scheduler.mode: pause`), or null while it runs. */
  get waiting(): RungStanding | null {
    return this.pause?.waiting ?? null;
  }

  /** Whether the engine has asked it to end (a paused trial being stopped still waits until it exits). */
  get ending(): boolean {
    return this.engineStop !== null;
  }

  /** A paused trial goes on in its own process; the reports it printed before the freeze are stored now. */
  resume(): boolean {
    const where = this.pause?.waiting;
    if (!where || this.engineStop || !this.proc?.resume?.()) return false;
    this.trialEvent('resumed', `passed rung ${where.rung} after waiting`);
    for (const [step, reported] of this.pause!.resumed(performance.now())) this.onReport(step, reported);
    return true;
  }

  /** Stops a paused trial for good (pruned at its rung): too many wait, or the search ended. */
  async stopPaused(reason: string): Promise<void> {
    this.pause?.dropHeld();
    this.engineStop ??= { state: 'pruned', reason, requeue: false };
    await this.proc?.stop(reason);
  }

  /** Ends the trial now. Interrupted trials are re-queued; budget stops and user stops are final (outcome.ts `stoppedOutcome`). */
  async stop(reason: string, requeue: boolean): Promise<void> {
    this.engineStop ??= stoppedOutcome({ budget: this.record.budget, lastStep: this.lastStep, objectives: this.deps.study.objectives, last: this.last, reason, requeue });
    await this.proc?.stop(reason);
  }

  private async run(): Promise<TrialRecord> {
    const { store, study, spec, artifacts, owner } = this.deps;
    const t = this.record;
    const dir = trialDir(artifacts, study.name, t.number);
    // Retries share the first attempt's checkpoints, so a resumable trainer continues where it was.
    const root = chainRoot(t, (n) => store.trialByNumber(t.studyId, n)).number;
    const checkpointDir = path.join(trialDir(artifacts, study.name, root), 'checkpoint');
    const paramsFile = path.join(dir, 'params.json');
    try {
      mkdirSync(dir, { recursive: true });
      mkdirSync(checkpointDir, { recursive: true });
      writeFileSync(paramsFile, JSON.stringify(t.params, null, 2));
    } catch (e) {
      // `studies` being a file, a full or read-only disk: the trial fails with the reason, once. Thrown, it
      // crashed the engine and left the trial running, to be re-queued and crash again on every run.
      return this.finish('failed', `could not prepare the trial folder ${dir}: ${(e as Error).message}`, false, null, null);
    }

    let exit: ExecutorExit;
    const trialToken = newTrialToken();
    try {
      const cmd = buildTrialCommand({
        spec,
        studyName: study.name,
        trialId: t.id,
        trialNumber: t.number,
        params: t.params,
        budget: t.budget,
        seed: this.finalist?.seed ?? spec.seed + root,
        paramsFile,
        checkpointDir,
        dataCacheDir: path.join(studyDir(artifacts, study.name), 'data-cache'),
        owner,
        trialToken,
        cudaVisibleDevices: this.deps.slot.cudaVisibleDevices,
        finalist: this.finalist,
        rungSteps: this.rungWait ? [...this.rungWait] : undefined,
      });
      if (!this.deps.reattach) writeFileSync(path.join(dir, 'command.json'), JSON.stringify({ argv: cmd.argv, cwd: cmd.cwd }, null, 2));
      const launch: TrialLaunch = {
        // Which trial, and what to run.
        trialId: t.id, trialNumber: t.number, studyName: study.name, dir,
        argv: cmd.argv, cwd: cmd.cwd, env: cmd.env,
        maxLogBytes: MAX_LOG_BYTES, killGraceMs: spec.kill_grace_s * 1000,
        timeoutMs: spec.trainer.timeout_s === null ? null : spec.trainer.timeout_s * 1000,
        onReport: (step, metrics) => this.onReport(step, metrics),
        markers: [`${TRIAL_TOKEN_ENV}=${trialToken}`],
        ...reuseOf(spec.trainer),
        onStarted: (lease) => this.onStarted(lease),
        onPlaced: (p) => this.onPlaced(p),
      };
      if (this.deps.reattach) {
        // Its start-up was measured (or not) by the engine that launched it.
        const steps = store.reports(t.id).map((r) => r.step);
        this.replayThrough = steps.length ? Math.max(...steps) : null;
        this.proc = await this.deps.executor.reattach(launch, this.deps.reattach);
        if (!this.proc) return this.finish('stopped', 'interrupted: its job could not be followed after an engine restart', true, null, null);
      } else {
        this.launchedAt = performance.now();
        this.proc = this.deps.executor.launch(launch);
      }
      // A stop requested while we were launching must still reach the process.
      if (this.engineStop) void this.proc.stop(this.engineStop.reason);
      exit = await this.proc.done;
      recordBackend(store, study.id, t.id, checkpointDir);
    } catch (e) {
      return this.finish('failed', `could not start the trial: ${(e as Error).message}`, false, null, await this.measure());
    }
    // Measured where the trial ran (the Slurm node's wrapper), else by this engine's meter.
    const measured = exit.measurement ?? (await this.measure());
    // It printed its last reports and exited before the freeze at a rung it had not passed took hold.
    const waited = this.pause?.waiting;
    if (waited && !this.engineStop) this.engineStop = { state: 'pruned', reason: `ended while paused at rung ${waited.rung} (${describeStanding(waited)}): its process exited before the pause took hold`, requeue: false };
    if (this.engineStop) return this.finish(this.engineStop.state, this.engineStop.reason, this.engineStop.requeue, exit, measured);
    if (exit.lostReason !== null) return this.finish('failed', exit.lostReason, false, exit, measured);
    const outcome = classifyExit(exit, {
      objectives: study.objectives.map((o) => o.metric),
      reported: new Set(Object.keys(this.last)),
      timeoutMs: spec.trainer.timeout_s === null ? null : spec.trainer.timeout_s * 1000,
    });
    return this.finish(outcome.state, outcome.reason, false, exit, measured);
  }

  /** The trial's lease names what runs it, before anything else can happen to the trial. */
  private onStarted(lease: TrialLease): void {
    const { store, meter, slot, dbFull } = this.deps;
    const pgid = lease.pgid;
    if (pgid !== null) {
      dbFull.writeOrLater(() => store.setPgid(this.record.id, pgid));
      meter?.beginTrial(this.key, pgid, slot.gpus, lease.reused === true);
      this.metered = meter !== null;
    }
    const jobId = lease.jobId;
    if (jobId !== null && jobId !== this.record.jobId) dbFull.writeOrLater(() => store.setJobId(this.record.id, jobId));
  }

  /** Where it runs, once the executor knows: a Slurm job waited in the queue until now, so its start-up starts here. */
  private onPlaced(p: TrialPlacement): void {
    this.deps.dbFull.writeOrLater(() => this.deps.store.setPlacement(this.record.id, p.node, p.gpus));
    if (this.launchedAt !== null) this.launchedAt = performance.now();
  }

  private get key(): string {
    return String(this.record.id);
  }

  private async measure(): Promise<TrialMeasurement | null> {
    if (!this.metered || !this.deps.meter) return null;
    this.metered = false;
    try {
      return await this.deps.meter.endTrial(this.key);
    } catch (e) {
      this.deps.emit({ type: 'log', level: 'warn', message: `trial ${this.record.number}: not measured: ${(e as Error).message}` });
      return null;
    }
  }

  /** Cumulative energy so far, for this trial's running total (energy budgets). */
  energySoFar(): number {
    if (!this.metered || !this.deps.meter) return 0;
    return this.deps.meter.sample(this.key).energy_j ?? 0;
  }

  private onReport(step: number, reported: Record<string, number>): void {
    this.judgeReport(step, reported);
    // The trainer waits at a rung step for the verdict: a stop was sent if it failed there; else it goes on.
    if (this.rungWait?.has(step) && !this.engineStop) this.proc?.proceed?.(step);
  }

  private judgeReport(step: number, reported: Record<string, number>): void {
    const { study, views, scheduler, emit, meter } = this.deps;
    // Re-read after a restart: already stored and judged by the previous engine; only the last values count.
    if (this.replayThrough !== null && step <= this.replayThrough) return this.remember(step, reported);
    // Printed before a pause took hold: stored only if the trial resumes (a stored step past a rung means passed).
    if (this.pause?.hold(step, reported)) return;
    // Each report carries the energy spent up to that step, so curves can be drawn against energy.
    let metrics = reported;
    const own = meter && this.metered ? meter.sample(this.key).energy_j : null;
    if (own !== null && reported.energy_j === undefined) metrics = { ...reported, energy_j: own + (this.inherited?.energy_j ?? 0) };
    // Everything before the first report (interpreter, imports, data loading, CUDA set-up, compilation) is
    // paid again by every process a scheduler starts: the cost that stop-based ASHA avoids.
    if (!this.startup && this.launchedAt !== null) this.startup = { seconds: (performance.now() - this.launchedAt) / 1000, energyJ: own };
    const before = this.pause ? this.pause.before({ objectives: study.objectives, trials: views.all() }) : 0;
    const early = this.pause?.beforeStore({ objectives: study.objectives, trials: views.all() }, step, before) ?? null;
    if (early) return this.freeze(early, [step, reported]);
    try {
      this.reports.write(step, metrics);
      this.pause?.stored(step);
    } catch (e) {
      // Once per trial: a broken database fails every report, and a warning each made a storm of hundreds.
      if (this.unstoredReports++ === 0) {
        emit({ type: 'log', level: 'warn', message: `trial ${this.record.number}: report not stored (later ones are not warned about): ${(e as Error).message}` });
      }
      return;
    }
    this.remember(step, reported);
    emit({ type: 'report', study: study.name, number: this.record.number, step, metrics });
    // A finalist run is validation, not search: the scheduler neither learns from it nor stops it.
    if (this.finalist) return;
    views.report(this.record.number, step, metrics);
    if (this.engineStop || this.unjudged || metrics[study.objectives[0]!.metric] === undefined) return;
    const decision = scheduler.onReport({ objectives: study.objectives, trials: views.all() }, this.record.number, step);
    const note = scheduler.takeNote?.();
    if (note) emit({ type: 'log', level: 'info', message: note });
    if (decision.action === 'prune') {
      this.engineStop = { state: 'pruned', reason: decision.reason, requeue: false };
      void this.proc?.stop(decision.reason);
      return;
    }
    const wait = this.pause?.afterReport({ objectives: study.objectives, trials: views.all() }, step, before) ?? null;
    if (wait) this.freeze(wait);
  }

  /** Freezes the process at a rung (mode pause); `unstored`: the report that made it wait, held back. */
  private freeze(where: RungStanding, unstored?: [number, Record<string, number>]): void {
    // A frozen trial keeps its GPU memory: without room for another trial beside it, it is judged at once.
    const tight = this.metered ? noRoomToPause(this.deps.meter, this.key, this.deps.slot.gpus) : null;
    if (tight) return this.judgeAsStop(where, tight, unstored);
    this.deps.beforePause?.();
    if (!this.proc?.pause?.()) return;
    this.pause!.paused(where, performance.now(), unstored);
    this.trialEvent('paused', `waits at rung ${where.rung}: ${describeStanding(where)}`);
    this.deps.onPause?.(this);
  }

  /** As mode stop would judge its arrival at the rung: let through, or stopped there. */
  private judgeAsStop(where: RungStanding, why: string, unstored?: [number, Record<string, number>]): void {
    const { scheduler: s, study, views } = this.deps;
    const v = isPausing(s) ? s.stopVerdict({ objectives: study.objectives, trials: views.all() }, this.record.number, where.rung) : null;
    if (!v || v.keep) {
      this.trialEvent('not paused', `at rung ${where.rung}: ${why}; let through as mode stop would (rank ${v?.rank ?? 0} of ${v?.arrivals ?? 0} so far)`);
      this.pause!.letThrough(where.rung);
      if (unstored) this.onReport(...unstored);
      return;
    }
    const reason = `stopped at rung ${where.rung} instead of pausing (${why}): ranked ${v.rank} of the ${v.arrivals} configurations that reached it so far, as mode stop judges; only the top ${v.quota} go on`;
    this.engineStop = { state: 'pruned', reason, requeue: false };
    void this.proc?.stop(reason);
  }

  /** A stored report's values: the trial's final values, and how far it got (outcome.ts `stoppedOutcome`). */
  private remember(step: number, reported: Readonly<Record<string, number>>): void {
    Object.assign(this.last, reported);
    this.lastStep = Math.max(step, this.lastStep ?? step);
  }

  private trialEvent(kind: string, message: string): void {
    const { store, study, dbFull } = this.deps;
    dbFull.writeOrLater(() => store.addEvent(study.id, this.record.id, kind, message));
  }

  private async finish(
    state: Exclude<TrialState, 'queued' | 'running'>,
    reason: string | null,
    requeue: boolean,
    exit: ExecutorExit | null,
    measured: TrialMeasurement | null,
  ): Promise<TrialRecord> {
    const { store, study, views, emit, dbFull } = this.deps;
    const objectiveNames = new Set(study.objectives.map((o) => o.metric));
    const values: Record<string, number> = {};
    const metrics: Record<string, number> = {};
    const measuredMetrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(measured?.metrics ?? {})) if (typeof v === 'number') measuredMetrics[k] = v;
    const final = finalMetrics({
      reported: this.last,
      measured: measured ? measuredMetrics : null,
      durationS: exit ? exit.durationMs / 1000 : null,
      inherited: this.inherited,
    });
    const startup = startupMetrics(this.startup, final.metrics);
    // Time frozen at rungs (mode pause): the process held its memory, host and GPU, without computing.
    const pausedS = this.pause?.pausedSeconds(performance.now()) ?? null;
    if (pausedS !== null) startup.paused_s = pausedS;
    for (const [k, v] of Object.entries({ ...startup, ...final.metrics })) (objectiveNames.has(k) ? values : metrics)[k] = v;
    const t = this.record;
    // With the database's disk full the outcome waits in memory (the trial keeps its lease) until it fits.
    const done = await dbFull.retrying(() =>
      store.transaction(() => {
        this.reports.writeHeld();
        const provenance = measured
          ? {
              ...measured.provenance,
              notes: [...measured.provenance.notes, ...final.notes],
              window: measured.window,
              ...(this.startup ? { startup: STARTUP_PROVENANCE } : {}),
            }
          : null;
        const rec = store.finishTrial(t.id, { state, values, metrics, reason, provenance });
        // An interruption is not the trial's fault: its copy keeps the retry count (crash retries are limited elsewhere).
        if (requeue) {
          store.enqueueTrial(study.id, { params: t.params, budget: t.budget, lineage: { kind: 'retry', parentNumber: t.number }, retries: t.retries });
        }
        return rec;
      }),
    );
    this.reports.clear();
    if (!this.finalist) views.upsert(done);
    emit({ type: 'trial-state', study: study.name, number: t.number, state, reason });
    return done;
  }
}
