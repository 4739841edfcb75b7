// An Optuna SQLite storage seen through Nightshift's StoreReader: `ls`, `show`, exports, reports and
// comparisons work on a colleague's Optuna file unchanged, and the file is never written (the connection
// is read-only and query_only, and a reader has no write method). An Optuna study has a search space and
// objectives but no Nightshift spec (no trainer, sampler, budget), so its `spec` is null. Schema: Optuna's
// storages/_rdb/models.py (studies, study_directions, trials, trial_params, trial_values,
// trial_intermediate_values, trial_user_attributes, trial_system_attributes, version_info).
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { TrialProvenance } from '../../../shared/provenance.js';
import { emptyCounts, type Objective, type ParamValue, type Params, type StateCounts, type TrialState } from '../../../shared/types.js';
import { dataVersionOf, openReadOnly } from '../storage/sqlite/connection.js';
import type { ParamSpec } from '../study/types.js';
import type { FinalistRunInfo, GpuSample, ReportRecord, StoreEvent, StoreReader, StudyRecord, TrialRecord } from '../storage/types.js';
import { decodeParamValue, mergeSpecs, OptunaFormatError, parseDistribution } from './distributions.js';

/** Optuna's trial state names and what Nightshift calls them when viewing (import maps open ones to stopped). */
export const OPTUNA_STATES: Record<string, TrialState> = {
  COMPLETE: 'complete',
  PRUNED: 'pruned',
  FAIL: 'failed',
  RUNNING: 'running',
  WAITING: 'queued',
};

interface TrialRow {
  trial_id: number;
  number: number;
  study_id: number;
  state: string;
  datetime_start: string | null;
  datetime_complete: string | null;
}
interface ParamRow { trial_id: number; param_name: string; param_value: number; distribution_json: string }
interface ValueRow { trial_id: number; objective: number; value: number | null; value_type: string | null }
interface StepRow { trial_id: number; step: number; intermediate_value: number | null; intermediate_value_type: string | null }
interface AttrRow { trial_id: number; key: string; value_json: string }

/** Optuna writes naive local times ('2024-05-01 13:02:11.123456', datetime.now()); Nightshift keeps ISO UTC. */
export function optunaTime(s: string | null): string | null {
  if (s === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? ''}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function storedFloat(value: number | null, type: string | null): number {
  if (type === 'INF_POS') return Infinity;
  if (type === 'INF_NEG') return -Infinity;
  if (type === 'NAN') return NaN;
  return value ?? NaN;
}

export class OptunaReader implements StoreReader {
  private readonly db: Database.Database;
  private readonly tables: Set<string>;
  private readonly spaces = new Map<number, Record<string, ParamSpec>>();
  private readonly stepColumn: boolean;

  constructor(readonly file: string) {
    this.db = openReadOnly(file);
    try {
      this.tables = new Set(
        (this.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
      );
      for (const t of ['studies', 'study_directions', 'trials', 'trial_params', 'trial_values']) {
        if (!this.tables.has(t)) {
          throw new OptunaFormatError(`${file}: an Optuna database without a "${t}" table (written by Optuna older than 2.4?), which Nightshift cannot read`);
        }
      }
      const cols = this.tables.has('trial_intermediate_values')
        ? (this.db.prepare(`SELECT name FROM pragma_table_info('trial_intermediate_values')`).all() as { name: string }[]).map((r) => r.name)
        : [];
      this.stepColumn = cols.includes('intermediate_value_type');
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** The Optuna library version that last wrote the file, when recorded. */
  libraryVersion(): string | null {
    if (!this.tables.has('version_info')) return null;
    const row = this.db.prepare('SELECT library_version FROM version_info LIMIT 1').get() as { library_version?: unknown } | undefined;
    return typeof row?.library_version === 'string' ? row.library_version : null;
  }

  private studyRows(): { study_id: number; study_name: string }[] {
    return this.db.prepare('SELECT study_id, study_name FROM studies ORDER BY study_id').all() as { study_id: number; study_name: string }[];
  }

  private objectives(studyId: number): Objective[] {
    const dirs = this.db
      .prepare('SELECT objective, direction FROM study_directions WHERE study_id = ? ORDER BY objective')
      .all(studyId) as { objective: number; direction: string }[];
    const names = this.metricNames(studyId, dirs.length);
    return dirs.map((d, i) => ({ metric: names[i]!, direction: d.direction === 'MAXIMIZE' ? 'maximize' : 'minimize' }));
  }

  /** Optuna >= 3.2 may store names (study.set_metric_names); otherwise Optuna's own column names. */
  private metricNames(studyId: number, n: number): string[] {
    const fallback = n === 1 ? ['value'] : Array.from({ length: n }, (_, i) => `values_${i}`);
    if (!this.tables.has('study_system_attributes')) return fallback;
    const row = this.db
      .prepare(`SELECT value_json FROM study_system_attributes WHERE study_id = ? AND key = 'study:metric_names'`)
      .get(studyId) as { value_json: string } | undefined;
    if (!row) return fallback;
    try {
      const names = JSON.parse(row.value_json) as unknown;
      if (Array.isArray(names) && names.length === n && names.every((x) => typeof x === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(x))) {
        return names as string[];
      }
    } catch {
      // unreadable names: fall back to Optuna's defaults
    }
    return fallback;
  }

  /** The study's search space: one space merged over every trial's distributions. */
  searchSpace(studyId: number): Record<string, ParamSpec> {
    const cached = this.spaces.get(studyId);
    if (cached) return cached;
    const rows = this.db
      .prepare(
        `SELECT DISTINCT p.param_name, p.distribution_json FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id
         WHERE t.study_id = ? ORDER BY p.param_id`,
      )
      .all(studyId) as { param_name: string; distribution_json: string }[];
    const space: Record<string, ParamSpec> = {};
    for (const r of rows) {
      const d = parseDistribution(r.distribution_json, r.param_name);
      const prev = space[r.param_name];
      space[r.param_name] = prev ? mergeSpecs(prev, d, r.param_name) : d;
    }
    this.spaces.set(studyId, space);
    return space;
  }

  private studyRecord(row: { study_id: number; study_name: string }): StudyRecord {
    const times = this.db
      .prepare(`SELECT MIN(datetime_start) AS first, SUM(state = 'RUNNING') AS running FROM trials WHERE study_id = ?`)
      .get(row.study_id) as { first: string | null; running: number | null };
    return {
      id: row.study_id,
      name: row.study_name,
      spec: null,
      searchSpace: this.searchSpace(row.study_id),
      objectives: this.objectives(row.study_id),
      // Optuna has no study state; a RUNNING trial means some process is (or was, if it crashed) optimizing.
      state: (times.running ?? 0) > 0 ? 'running' : 'finished',
      stopReason: null,
      createdAt: optunaTime(times.first) ?? statSync(this.file).mtime.toISOString(),
      // Optuna keeps no lease: its `running` cannot be checked, so it is shown as Optuna left it.
      owner: null,
      heartbeatAt: null,
    };
  }

  listStudies(): StudyRecord[] {
    return this.studyRows().map((r) => this.studyRecord(r));
  }

  getStudy(name: string): StudyRecord | null {
    const row = this.db.prepare('SELECT study_id, study_name FROM studies WHERE study_name = ?').get(name) as
      | { study_id: number; study_name: string }
      | undefined;
    return row ? this.studyRecord(row) : null;
  }

  counts(studyId: number): StateCounts {
    const out = emptyCounts();
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state').all(studyId) as { state: string; n: number }[];
    for (const r of rows) {
      const s = OPTUNA_STATES[r.state];
      if (s) out[s] += r.n;
    }
    return out;
  }

  trials(studyId: number): TrialRecord[] {
    const objectives = this.objectives(studyId);
    const rows = this.db
      .prepare('SELECT trial_id, number, study_id, state, datetime_start, datetime_complete FROM trials WHERE study_id = ? ORDER BY number, trial_id')
      .all(studyId) as TrialRow[];
    const ofStudy = (sql: string) => this.db.prepare(sql.replace('$T', `JOIN trials t ON t.trial_id = x.trial_id WHERE t.study_id = ?`)).all(studyId);
    const params = group(ofStudy('SELECT x.trial_id, x.param_name, x.param_value, x.distribution_json FROM trial_params x $T ORDER BY x.param_id') as ParamRow[]);
    const values = group(ofStudy('SELECT x.trial_id, x.objective, x.value, x.value_type FROM trial_values x $T ORDER BY x.objective') as ValueRow[]);
    const userAttrs = this.tables.has('trial_user_attributes')
      ? group(ofStudy('SELECT x.trial_id, x.key, x.value_json FROM trial_user_attributes x $T') as AttrRow[])
      : new Map<number, AttrRow[]>();
    const sysAttrs = this.tables.has('trial_system_attributes')
      ? group(ofStudy(`SELECT x.trial_id, x.key, x.value_json FROM trial_system_attributes x $T AND x.key IN ('fixed_params', 'fail_reason')`) as AttrRow[])
      : new Map<number, AttrRow[]>();
    return rows.map((r) => this.trialRecord(r, objectives, params.get(r.trial_id) ?? [], values.get(r.trial_id) ?? [], userAttrs.get(r.trial_id) ?? [], sysAttrs.get(r.trial_id) ?? []));
  }

  private trialRecord(r: TrialRow, objectives: readonly Objective[], params: ParamRow[], values: ValueRow[], user: AttrRow[], sys: AttrRow[]): TrialRecord {
    const config: Params = {};
    for (const p of params) {
      // Decode with the trial's own distribution: its choices define what the stored index means.
      config[p.param_name] = decodeParamValue(parseDistribution(p.distribution_json, p.param_name), p.param_value, p.param_name);
    }
    if (params.length === 0) {
      // A WAITING trial (study.enqueue_trial) keeps its configuration in the `fixed_params` system attribute.
      const fixed = parseJson(sys.find((a) => a.key === 'fixed_params')?.value_json);
      if (fixed && typeof fixed === 'object' && !Array.isArray(fixed)) {
        for (const [k, v] of Object.entries(fixed as Record<string, unknown>)) {
          if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') config[k] = v as ParamValue;
        }
      }
    }
    const objectiveValues: Record<string, number> = {};
    for (const v of values) {
      const o = objectives[v.objective];
      if (o) objectiveValues[o.metric] = storedFloat(v.value, v.value_type);
    }
    const metrics: Record<string, number> = {};
    for (const a of user) {
      const x = parseJson(a.value_json);
      if (typeof x === 'number' && Number.isFinite(x) && !(a.key in objectiveValues)) metrics[a.key] = x;
    }
    const startedAt = optunaTime(r.datetime_start);
    const endedAt = optunaTime(r.datetime_complete);
    if (startedAt && endedAt && !('duration_s' in metrics) && !('duration_s' in objectiveValues)) {
      metrics.duration_s = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
    }
    const state = OPTUNA_STATES[r.state] ?? 'failed';
    const failReason = parseJson(sys.find((a) => a.key === 'fail_reason')?.value_json);
    return {
      id: r.trial_id,
      studyId: r.study_id,
      number: r.number,
      state,
      params: config,
      budget: null,
      values: objectiveValues,
      metrics,
      reason: state === 'failed' ? (typeof failReason === 'string' ? failReason : OPTUNA_STATES[r.state] ? 'failed in Optuna' : `unknown Optuna state ${r.state}`) : null,
      lineage: { kind: 'imported', parentId: null, parentNumber: null, detail: 'optuna' },
      retries: 0,
      startedAt,
      endedAt,
      owner: null,
      heartbeatAt: null,
      pgid: null,
      jobId: null,
      node: null,
      gpus: null,
    };
  }

  getTrial(trialId: number): TrialRecord | null {
    const row = this.db.prepare('SELECT study_id FROM trials WHERE trial_id = ?').get(trialId) as { study_id: number } | undefined;
    return row ? (this.trials(row.study_id).find((t) => t.id === trialId) ?? null) : null;
  }

  trialByNumber(studyId: number, number: number): TrialRecord | null {
    return this.trials(studyId).find((t) => t.number === number) ?? null;
  }

  runningTrials(studyId: number): TrialRecord[] {
    return this.trials(studyId).filter((t) => t.state === 'running');
  }

  /** Intermediate values, reported under the (single) objective's metric name, as Optuna only allows one. */
  metricSeries(studyId: number, metric: string): Map<number, { step: number; value: number }[]> {
    const out = new Map<number, { step: number; value: number }[]>();
    for (const t of this.trials(studyId)) {
      const points = this.reports(t.id).flatMap((r) => (r.metrics[metric] === undefined ? [] : [{ step: r.step, value: r.metrics[metric]! }]));
      if (points.length) out.set(t.id, points);
    }
    return out;
  }

  reports(trialId: number): ReportRecord[] {
    if (!this.tables.has('trial_intermediate_values')) return [];
    const trial = this.db.prepare('SELECT study_id, datetime_start, datetime_complete FROM trials WHERE trial_id = ?').get(trialId) as
      | { study_id: number; datetime_start: string | null; datetime_complete: string | null }
      | undefined;
    if (!trial) return [];
    const metric = this.objectives(trial.study_id)[0]?.metric ?? 'value';
    const rows = this.db
      .prepare(
        `SELECT trial_id, step, intermediate_value, ${this.stepColumn ? 'intermediate_value_type' : 'NULL AS intermediate_value_type'}
         FROM trial_intermediate_values WHERE trial_id = ? ORDER BY step`,
      )
      .all(trialId) as StepRow[];
    // Optuna keeps no time per intermediate value.
    const at = optunaTime(trial.datetime_complete) ?? optunaTime(trial.datetime_start) ?? '';
    return rows.map((r) => ({ step: r.step, metrics: { [metric]: storedFloat(r.intermediate_value, r.intermediate_value_type) }, at }));
  }

  /** Optuna records no energy measurements. */
  provenance(): TrialProvenance | null {
    return null;
  }

  provenanceOfStudy(): Map<number, TrialProvenance> {
    return new Map();
  }

  /** Optuna has no finalists stage. */
  finalistRuns(): Map<number, FinalistRunInfo> {
    return new Map();
  }

  finalistRun(): null {
    return null;
  }

  gpuSamples(): GpuSample[] {
    return [];
  }

  events(): StoreEvent[] {
    return [];
  }

  lastEvent(): StoreEvent | null {
    return null;
  }

  private version: (() => string) | null = null;

  /** An Optuna script may still be writing the file: its commits show here as they do for a Nightshift database. */
  dataVersion(): string {
    return (this.version ??= dataVersionOf(this.db))();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function group<T extends { trial_id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.trial_id);
    if (list) list.push(r);
    else out.set(r.trial_id, [r]);
  }
  return out;
}

function parseJson(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}
