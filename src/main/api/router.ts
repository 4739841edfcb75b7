// The one engine-side implementation of the API contract (src/shared/api.ts). Transports (Electron IPC,
// HTTP + WebSocket) hand it a method name and an untrusted request and relay what it answers; it never
// throws and never answers with a stack trace, so a bad request cannot take the engine down.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { ApiError, ApiEvent, ApiMethod, ApiRequest, ApiResponse, ApiResult, DatabaseInfo, GpuTrace } from '../../shared/api.js';
import { API_METHODS } from '../../shared/api.js';
import type { TrialProvenance } from '../../shared/provenance.js';
import { FINISHED_STATES } from '../../shared/types.js';
import type { EngineEvent } from '../engine/campaign/events.js';
import { EngineBusyError } from '../engine/campaign/recovery.js';
import { STRATEGIES } from '../engine/campaign/strategy.js';
import { studyDir, trialDir, UnsafeTrialPathError } from '../engine/paths.js';
import { studyExportJson, trialJsonWith } from '../engine/report/json.js';
import { StudySpecError } from '../engine/study/errors.js';
import { SearchSpace } from '../engine/study/space.js';
import { formatOf, loadStudyFile, parseStudyText } from '../engine/study/spec.js';
import type { GpuSample, NightshiftStudyRecord, Store, StoreReader, StudyRecord } from '../engine/storage/types.js';
import { originText } from '../engine/lineage/index.js';
import { compareStudies, sensitivityObjective, sensitivityView, sourceStudies, studyDownload, studyImportance, studySource } from './analysis.js';
import { openSensitivityStudy, SensitivityError } from '../engine/importance/sensitivity.js';
import { CampaignHost } from './campaigns.js';
import { ApiFailure } from './failure.js';
import { readCommand, tailLines } from './files.js';
import { morningSummary } from './morning.js';
import { openDatabase, type OpenedDatabase } from './open-db.js';
import { budgetSummary, downsample, studyListItem, studySummary, trialsPage } from './queries.js';
import { gpuTraces } from './series.js';
import { REQUEST_SCHEMAS } from './schemas.js';
import { ReadCache } from './read-cache.js';
import { studyTimeline } from './timeline.js';

export interface RouterOptions {
  /** Database file; opened (and created when writable) at construction. */
  db: string;
  /** Folder holding `studies/<study>/trials/<n>/`; default: the database's folder. */
  artifacts?: string;
  /** Read-only for good (`serve --readonly`): every database opened later is read-only too. */
  readonly?: boolean;
}

type Handlers = { [M in ApiMethod]: (req: ApiRequest<M>) => ApiResponse<M> | Promise<ApiResponse<M>> };

export class ApiRouter {
  private store: StoreReader;
  /** The same database when it is open for writing; null when it is open read-only. */
  private writer: Store | null;
  private info: DatabaseInfo;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly campaigns = new CampaignHost((e) => this.forward(e));
  private closed = false;
  /** Whole-study reads shared while the database is unchanged (read-cache.ts); cleared on every write and engine event. */
  private readonly cache = new ReadCache();
  /** Whoever holds the token may call db.open; a server started read-only must not be reopened writable. */
  private readonly alwaysReadonly: boolean;

  constructor(opts: RouterOptions) {
    const file = path.resolve(opts.db);
    this.alwaysReadonly = opts.readonly ?? false;
    const opened = openDatabase(file, this.alwaysReadonly);
    ({ store: this.store, writer: this.writer } = opened);
    this.info = { file, readonly: opened.readonly, artifacts: path.resolve(opts.artifacts ?? path.dirname(file)), kind: opened.kind };
  }

  /** Studies whose campaign runs in this process. */
  activeCampaigns(): string[] {
    return this.campaigns.names();
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(method: unknown, request: unknown): Promise<ApiResult<ApiMethod>> {
    if (typeof method !== 'string' || !(API_METHODS as readonly string[]).includes(method)) {
      return fail({ code: 'unknown_method', message: `unknown method ${JSON.stringify(method)}; methods: ${API_METHODS.join(', ')}` });
    }
    const m = method as ApiMethod;
    if (!READ_METHODS.has(m)) this.cache.clear();
    if (this.closed) return fail({ code: 'conflict', message: 'the engine is shutting down' });
    const parsed = REQUEST_SCHEMAS[m].safeParse(request ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return fail({ code: 'invalid_request', message: `${m}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, issues });
    }
    try {
      const handler = this.handlers[m] as (req: unknown) => unknown;
      return { ok: true, result: (await handler(parsed.data)) as ApiResponse<ApiMethod> };
    } catch (e) {
      return fail(toApiError(e));
    }
  }

  /** Interrupts every campaign running here (their trials run again next time) and closes the database. */
  async close(reason = 'the app is closing'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.campaigns.haltAll(reason);
    this.store.close();
  }

  private forward(e: EngineEvent): void {
    this.cache.clear();
    const { type, ...payload } = e;
    this.publish({ event: type, payload } as ApiEvent);
    if (e.type === 'trial-state' && FINISHED_STATES.includes(e.state)) this.afterTrial(e.study, e.number);
  }

  /** A finished trial's measurement and the study's budget use, pushed so budget bars move without a reload. */
  private afterTrial(name: string, number: number): void {
    try {
      const s = this.store.getStudy(name);
      const t = s && this.store.trialByNumber(s.id, number);
      if (!s || !t) return;
      const provenance = this.store.provenance(t.id);
      if (provenance) this.publish({ event: 'measurement', payload: { study: name, number, metrics: t.metrics, provenance } });
      const since = this.campaigns.since(name);
      this.publish({ event: 'budget', payload: { study: name, budget: budgetSummary(this.store.trials(s.id), s, since === null ? null : { since }, Date.now()) } });
    } catch (err) {
      // The database may be closing under a campaign that is winding down; events are best effort.
      this.publish({ event: 'log', payload: { level: 'warn', message: `budget update skipped: ${(err as Error).message}` } });
    }
  }

  /** The stored series, or the live meter's while a campaign for the study runs here. */
  private async gpuSamples(study: StudyRecord): Promise<{ live: boolean; samples: GpuSample[] }> {
    if (this.campaigns.isActive(study.name)) {
      const live = await this.campaigns.liveGpuSamples();
      if (live) return { live: true, samples: live };
    }
    return { live: false, samples: this.store.gpuSamples(study.id) };
  }

  private publish(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken client connection must not stop the campaign that emitted the event.
      }
    }
  }

  /** The trial's GPUs (those it was attributed energy on) within its measured window. */
  private async powerTrace(s: StudyRecord, provenance: TrialProvenance | null): Promise<GpuTrace[]> {
    const window = provenance?.window;
    const byGpu = provenance?.gpu?.energy_by_gpu_j;
    if (!window || !byGpu) return [];
    const gpus = new Set(Object.keys(byGpu).map(Number).filter(Number.isInteger));
    if (gpus.size === 0) return [];
    const range = { gpus, from: window.start_ms, to: window.end_ms };
    const stored = gpuTraces(this.store.gpuSamples(s.id), range);
    // The series is saved when a campaign run ends: a trial of the run still going is in the live meter only.
    if (stored.length > 0 || !this.campaigns.isActive(s.name)) return stored;
    return gpuTraces((await this.campaigns.liveGpuSamples()) ?? [], range);
  }

  private study(name: string): StudyRecord {
    return this.found(this.store.getStudy(name), name);
  }

  /** A study of the database open for writing (whose studies always have their spec). */
  private studyToWrite(store: Store, name: string): NightshiftStudyRecord {
    return this.found(store.getStudy(name), name);
  }

  private found<S extends StudyRecord>(s: S | null, name: string): S {
    if (!s) {
      const names = this.store.listStudies().map((x) => x.name);
      throw new ApiFailure('not_found', `no study named "${name}" in ${this.info.file}${names.length ? ` (studies: ${names.join(', ')})` : ' (it has no studies yet)'}`);
    }
    return s;
  }

  /** The database for a change, or a `readonly` failure saying what could not be done. */
  private writable(what: string): Store {
    if (!this.writer) throw new ApiFailure('readonly', `${this.info.file} is open read-only; cannot ${what}. Open it writable to change it.`);
    return this.writer;
  }

  private readonly handlers: Handlers = {
    'db.info': () => this.info,
    'db.open': (req) => {
      if (this.campaigns.size > 0) {
        throw new ApiFailure('conflict', `campaigns are running here (${this.campaigns.names().join(', ')}); pause or stop them before opening another database`);
      }
      const file = path.resolve(req.file);
      if (this.alwaysReadonly && req.readonly === false) {
        throw new ApiFailure('readonly', `this server is read-only (started with --readonly); cannot open ${file} writable. Restart it without --readonly to change data.`);
      }
      const readonly = this.alwaysReadonly || (req.readonly ?? false);
      let next: OpenedDatabase;
      try {
        next = openDatabase(file, readonly);
      } catch (e) {
        throw new ApiFailure('invalid_request', (e as Error).message);
      }
      this.store.close();
      ({ store: this.store, writer: this.writer } = next);
      this.info = { file, readonly: next.readonly, artifacts: path.dirname(file), kind: next.kind };
      this.publish({ event: 'db', payload: this.info });
      return this.info;
    },
    'studies.list': () => {
      const reader = this.cache.reader(this.store);
      return this.store.listStudies().map((s) => studyListItem(reader, s, this.campaigns.isActive(s.name)));
    },
    'study.summary': async (req) => {
      const s = this.study(req.study);
      const gpu = await this.gpuSamples(s);
      const since = this.campaigns.since(s.name);
      return studySummary(this.cache.reader(this.store), s, since === null ? null : { since }, Date.now(), { live: gpu.live, gpus: gpuTraces(gpu.samples) }, this.cache.memo(this.store, String(s.id)));
    },
    'study.trials': (req) => trialsPage(this.cache.reader(this.store), this.study(req.study), req),
    'study.morning': (req) => {
      const s = this.study(req.study);
      return morningSummary(this.cache.reader(this.store), s, req.since ?? 'run', Date.now(), this.cache.memo(this.store, String(s.id)));
    },
    'study.timeline': (req) => {
      const s = this.study(req.study);
      return studyTimeline(this.cache.reader(this.store), s, Date.now(), this.cache.memo(this.store, String(s.id)));
    },
    'study.export': (req) => studyExportJson(this.store, this.study(req.study)),
    'study.validate': (req) => {
      const file = req.file ?? `study.${req.format ?? 'yaml'}`;
      try {
        const spec = parseStudyText(req.text, { file, format: req.format ?? formatOf(file), strategies: STRATEGIES });
        return { ok: true, issues: [], name: spec.name };
      } catch (e) {
        if (e instanceof StudySpecError) return { ok: false, issues: e.issues, name: null };
        throw e;
      }
    },
    'study.create': async (req) => {
      this.writable('create and start a study');
      const file = path.resolve(this.info.artifacts, req.file);
      if (!/\.(ya?ml|json)$/i.test(file)) throw new ApiFailure('invalid_request', `study.create: file: "${req.file}" must end in .yaml, .yml or .json`, [{ path: 'file', message: 'must end in .yaml, .yml or .json' }]);
      // The very text to be written is validated, fully (sampler and scheduler options included), the way a
      // later `nightshift run` reads it: a study that cannot start is refused before any file exists.
      const format = formatOf(file);
      const text = format === 'json' ? `${JSON.stringify(req.study, null, 2)}\n` : toYaml(req.study);
      const spec = parseStudyText(text, { file, format, strategies: STRATEGIES });
      try {
        writeFileSync(file, text, { flag: 'wx' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new ApiFailure('conflict', `${file} already exists; choose another file name (it is never overwritten)`, [{ path: 'file', message: 'already exists' }]);
        throw new ApiFailure('invalid_request', `cannot write ${file}: ${(e as Error).message}`, [{ path: 'file', message: (e as Error).message }]);
      }
      if (req.start) await this.campaigns.start(this.writable('start a study'), loadStudyFile(file, STRATEGIES), this.info.artifacts);
      return { file, name: spec.name, started: req.start ?? false };
    },
    'trial.detail': async (req) => {
      const s = this.study(req.study);
      const t = this.store.trialByNumber(s.id, req.number);
      if (!t) throw new ApiFailure('not_found', `study "${s.name}" has no trial ${req.number}`);
      const dir = trialDirOrNull(this.info.artifacts, s.name, t.number);
      const reports = this.store.reports(t.id);
      const provenance = this.store.provenance(t.id);
      return {
        study: s.name,
        power: await this.powerTrace(s, provenance),
        trial: { ...trialJsonWith(t, provenance), origin: originText(t.lineage), budget: t.budget, retries: t.retries, jobId: t.jobId, node: t.node, gpus: t.gpus },
        reports: downsample(reports),
        report_count: reports.length,
        command: dir === null ? null : readCommand(dir),
        logs: dir === null ? { stdout: '', stderr: '' } : { stdout: tailLines(path.join(dir, 'stdout.log')), stderr: tailLines(path.join(dir, 'stderr.log')) },
        events: this.store
          .events(s.id)
          .filter((e) => e.trialId === t.id)
          .map((e) => ({ at: e.at, kind: e.kind, message: e.message })),
      };
    },
    'trial.stop': async (req) => {
      this.writable('stop a trial');
      this.study(req.study);
      return { stopped: await this.campaigns.stopTrial(req.study, req.number, req.reason ?? 'stopped by the user') };
    },
    'trial.enqueue': (req) => {
      const store = this.writable('enqueue a trial');
      const s = this.studyToWrite(store, req.study);
      const problem = new SearchSpace(s.spec.search_space).check(req.params);
      if (problem) throw new ApiFailure('invalid_request', `trial.enqueue: params: ${problem}`, [{ path: 'params', message: problem }]);
      const t = store.enqueueTrial(s.id, { params: req.params, budget: s.spec.fidelity?.max ?? null, lineage: { kind: 'enqueued' } });
      this.publish({ event: 'trial-state', payload: { study: s.name, number: t.number, state: 'queued', reason: null } });
      return { number: t.number };
    },
    'campaign.start': async (req) => {
      const store = this.writable('run a campaign');
      const spec = 'file' in req ? loadStudyFile(path.resolve(req.file), STRATEGIES) : this.studyToWrite(store, req.study).spec;
      // A study read back from a crafted database may carry a name that is a path: refuse it before any trial
      // folder is made (study files are checked when parsed; a stored spec is not parsed again).
      studyDir(this.info.artifacts, spec.name);
      await this.campaigns.start(store, spec, this.info.artifacts);
      return { study: spec.name, state: this.study(spec.name).state };
    },
    'campaign.pause': async (req) => {
      this.writable('pause a campaign');
      this.study(req.study);
      const r = await this.campaigns.halt(req.study, 'paused by the user');
      return { study: req.study, state: r.state };
    },
    'compare.sources': (req) => sourceStudies({ store: this.store, file: this.info.file }, req.file),
    'studies.compare': (req) => compareStudies({ store: this.store, file: this.info.file }, req.studies),
    'study.importance': (req) => studyImportance(this.store, this.study(req.study), req.objective),
    'study.sensitivity': (req) => sensitivityView(this.store, this.study(req.study), req.objective),
    'sensitivity.start': async (req) => {
      const store = this.writable('start a sensitivity follow-up');
      const source = this.studyToWrite(store, req.study);
      const objective = sensitivityObjective(source.objectives, req.objective);
      let follow;
      try {
        follow = openSensitivityStudy(store, source, { points: req.points ?? 5, objective });
      } catch (e) {
        if (e instanceof SensitivityError) throw new ApiFailure('conflict', e.message);
        throw e;
      }
      studyDir(this.info.artifacts, follow.study.name);
      // A follow-up whose plan is done is only shown; one with trials left runs here, as the CLI runs it.
      if (follow.study.state !== 'finished' && !this.campaigns.isActive(follow.study.name)) await this.campaigns.start(store, follow.study.spec, this.info.artifacts);
      return { study: follow.study.name, created: follow.created, planned: follow.planned };
    },
    'study.download': (req) => studyDownload(this.store, this.study(req.study), req.format, process.env.npm_package_version),
    'study.source': (req) => studySource(this.study(req.study)),
    'campaign.stop': async (req) => {
      this.writable('stop a campaign');
      const s = this.study(req.study);
      const reason = req.reason ?? 'stopped by the user';
      const r = await this.campaigns.halt(s.name, reason);
      // A campaign that ended on its own meanwhile keeps its own reason.
      if (r.state === 'idle') {
        this.writable('stop a campaign').setStudyState(s.id, 'finished', reason);
        this.publish({ event: 'study', payload: { study: s.name, state: 'finished', reason } });
        return { study: s.name, state: 'finished' as const };
      }
      return { study: s.name, state: r.state };
    },
  };
}

/** A crafted database's study name (`../..`) or trial number must not point the log reader elsewhere: no logs then. */
function trialDirOrNull(artifacts: string, study: string, number: number): string | null {
  try {
    return trialDir(artifacts, study, number);
  } catch (e) {
    if (e instanceof UnsafeTrialPathError) return null;
    throw e;
  }
}

/** Methods that only read: they leave the read cache as it is (any other method clears it first). */
const READ_METHODS: ReadonlySet<ApiMethod> = new Set(['db.info', 'studies.list', 'study.summary', 'study.trials', 'study.morning', 'study.timeline', 'study.export', 'study.validate', 'trial.detail']);

function fail(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiFailure) return e.issues ? { code: e.code, message: e.message, issues: e.issues } : { code: e.code, message: e.message };
  if (e instanceof StudySpecError) return { code: 'invalid_study', message: e.message, issues: e.issues };
  if (e instanceof EngineBusyError) return { code: 'conflict', message: e.message };
  if (e instanceof UnsafeTrialPathError) return { code: 'invalid_request', message: e.message };
  return { code: 'internal', message: `internal error: ${(e as Error).message ?? String(e)}` };
}

