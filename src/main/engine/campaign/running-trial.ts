// One trial from launch to its final state. The campaign claims the trial; this class runs its process,
// records each report as it arrives, asks the scheduler whether to go on, and tells the store the outcome
// in one transaction (with a re-queued copy when the trial was interrupted rather than finished).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrialState } from '../../../shared/types.js';
import { classifyExit } from '../runner/outcome.js';
import { newTrialToken, TRIAL_TOKEN_ENV } from '../runner/marked.js';
import { launchTrial, type TrialExit, type TrialProcess } from '../runner/process.js';
import type { Scheduler } from '../schedulers/types.js';
import type { StudySpec } from '../study/types.js';
import type { FinalistRunInfo, Store, StudyRecord, TrialRecord } from '../storage/types.js';
import { studyDir, trialDir } from '../paths.js';
import { buildTrialCommand } from './command.js';
import { chainRoot, promotionParent } from '../lineage/index.js';
import { chainMetricsOf, finalMetrics } from './final-metrics.js';
import type { EventSink } from './events.js';
import type { TrialViews } from './views.js';
import type { Meter, TrialMeasurement } from '../metering/index.js';
import type { Slot } from './slots.js';

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
}

/** Why the engine itself ends a trial early. `requeue` trials run again (as a copy) on the next start. */
type EngineStop = { state: 'pruned' | 'stopped'; reason: string; requeue: boolean };

const MAX_LOG_BYTES = 10 * 1024 * 1024;

export class RunningTrial {
  readonly finished: Promise<TrialRecord>;
  /** Set once `finished` has settled, so the campaign can drop the trial without awaiting it. */
  settled = false;
  private proc: TrialProcess | null = null;
  private engineStop: EngineStop | null = null;
  /** The last value of each metric the trial itself reported. */
  private readonly last: Record<string, number> = {};
  /** Chain metrics of the trial this one was promoted from (null for a fresh configuration). */
  private readonly inherited: Record<string, number> | null;
  private metered = false;
  /** When the process was launched (ms), and its fixed cost: time and own energy until its first report. */
  private launchedAt: number | null = null;
  private startup: { seconds: number; energyJ: number | null } | null = null;
  /** Set for a run of the finalists stage: its own seed and fold, and never seen by the sampler or scheduler. */
  private readonly finalist: FinalistRunInfo | null;
  private unstoredReports = 0;

  constructor(
    private readonly deps: TrialRunDeps,
    readonly record: TrialRecord,
  ) {
    // A retry of a promoted trial continues from the same rung, so it inherits the same figures.
    const parent = promotionParent(record, (n) => deps.store.trialByNumber(record.studyId, n));
    this.inherited = parent ? chainMetricsOf(parent) : null;
    this.finalist = deps.store.finalistRun(record.id);
    this.finished = this.run().finally(() => {
      this.settled = true;
    });
  }

  get number(): number {
    return this.record.number;
  }

  /** Ends the trial now. Interrupted trials are re-queued; budget stops and user stops are final. */
  async stop(reason: string, requeue: boolean): Promise<void> {
    if (!this.engineStop) this.engineStop = { state: 'stopped', reason, requeue };
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

    let exit: TrialExit;
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
      });
      writeFileSync(path.join(dir, 'command.json'), JSON.stringify({ argv: cmd.argv, cwd: cmd.cwd }, null, 2));
      this.launchedAt = performance.now();
      this.proc = launchTrial({
        argv: cmd.argv,
        cwd: cmd.cwd,
        env: cmd.env,
        logDir: dir,
        maxLogBytes: MAX_LOG_BYTES,
        timeoutMs: spec.trainer.timeout_s === null ? null : spec.trainer.timeout_s * 1000,
        killGraceMs: spec.kill_grace_s * 1000,
        onReport: (step, metrics) => this.onReport(step, metrics),
        markers: [`${TRIAL_TOKEN_ENV}=${trialToken}`],
      });
      if (this.proc.pid > 0) {
        store.setPgid(t.id, this.proc.pid);
        this.deps.meter?.beginTrial(this.key, this.proc.pid, this.deps.slot.gpus);
        this.metered = this.deps.meter !== null;
      }
      // A stop requested while we were launching must still reach the process.
      if (this.engineStop) void this.proc.stop(this.engineStop.reason);
      exit = await this.proc.done;
      recordBackend(store, study.id, t.id, checkpointDir);
    } catch (e) {
      return this.finish('failed', `could not start the trial: ${(e as Error).message}`, false, null, await this.measure());
    }
    const measured = await this.measure();
    if (this.engineStop) return this.finish(this.engineStop.state, this.engineStop.reason, this.engineStop.requeue, exit, measured);
    const outcome = classifyExit(exit, {
      objectives: study.objectives.map((o) => o.metric),
      reported: new Set(Object.keys(this.last)),
      timeoutMs: spec.trainer.timeout_s === null ? null : spec.trainer.timeout_s * 1000,
    });
    return this.finish(outcome.state, outcome.reason, false, exit, measured);
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
    const { store, study, views, scheduler, emit, meter } = this.deps;
    // Each report carries the energy spent up to that step, so curves can be drawn against energy.
    let metrics = reported;
    const own = meter && this.metered ? meter.sample(this.key).energy_j : null;
    if (own !== null && reported.energy_j === undefined) metrics = { ...reported, energy_j: own + (this.inherited?.energy_j ?? 0) };
    // Everything before the first report (interpreter, imports, data loading, CUDA set-up, compilation) is
    // paid again by every process a scheduler starts: the cost that stop-based ASHA avoids.
    if (!this.startup && this.launchedAt !== null) this.startup = { seconds: (performance.now() - this.launchedAt) / 1000, energyJ: own };
    try {
      store.addReport(this.record.id, step, metrics);
    } catch (e) {
      // Once per trial: a full disk fails every report, and a warning each made a storm of hundreds.
      if (this.unstoredReports++ === 0) {
        emit({ type: 'log', level: 'warn', message: `trial ${this.record.number}: report not stored (later ones are not warned about): ${(e as Error).message}` });
      }
      return;
    }
    Object.assign(this.last, reported);
    emit({ type: 'report', study: study.name, number: this.record.number, step, metrics });
    // A finalist run is validation, not search: the scheduler neither learns from it nor stops it.
    if (this.finalist) return;
    views.report(this.record.number, step, metrics);
    if (this.engineStop || metrics[study.objectives[0]!.metric] === undefined) return;
    const decision = scheduler.onReport({ objectives: study.objectives, trials: views.all() }, this.record.number, step);
    if (decision.action === 'prune') {
      this.engineStop = { state: 'pruned', reason: decision.reason, requeue: false };
      void this.proc?.stop(decision.reason);
    }
  }

  private finish(
    state: Exclude<TrialState, 'queued' | 'running'>,
    reason: string | null,
    requeue: boolean,
    exit: TrialExit | null,
    measured: TrialMeasurement | null,
  ): TrialRecord {
    const { store, study, views, emit } = this.deps;
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
    for (const [k, v] of Object.entries({ ...startup, ...final.metrics })) (objectiveNames.has(k) ? values : metrics)[k] = v;
    const t = this.record;
    const done = store.transaction(() => {
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
    });
    if (!this.finalist) views.upsert(done);
    emit({ type: 'trial-state', study: study.name, number: t.number, state, reason });
    return done;
  }
}

/** The built-in trainer writes backend.json (which TF.js backend ran, and why others were not used). */
function recordBackend(store: Store, studyId: number, trialId: number, checkpointDir: string): void {
  const file = path.join(checkpointDir, 'backend.json');
  if (!existsSync(file)) return;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { summary?: unknown };
    store.addEvent(studyId, trialId, 'backend', typeof info.summary === 'string' ? info.summary : JSON.stringify(info));
  } catch {
    // A half-written file from a killed trial is not worth failing the trial over.
  }
}

const STARTUP_PROVENANCE = {
  definition: 'startup_s: from the launch of the trial process to its first report (so it includes the first step of training); startup_energy_j: the energy measured for the trial over that time (its own, not inherited from a promotion parent)',
};

/** `startup_s` and `startup_energy_j` of a trial that reported at least once; the trial's own figures win. */
function startupMetrics(startup: { seconds: number; energyJ: number | null } | null, final: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  if (!startup) return out;
  if (final.startup_s === undefined) out.startup_s = startup.seconds;
  if (startup.energyJ !== null && final.startup_energy_j === undefined) out.startup_energy_j = startup.energyJ;
  return out;
}
