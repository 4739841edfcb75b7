// The Store on one better-sqlite3 connection. Every write runs in a BEGIN IMMEDIATE transaction: the
// write lock is taken before the first read, so read-then-write sequences (next trial number, oldest
// queued trial) cannot interleave with another connection or process, and waiting for the lock goes
// through busy_timeout. A deferred transaction would instead fail at once with SQLITE_BUSY when it tries
// to upgrade its read snapshot after another writer committed (WAL mode never retries that case).
import type Database from 'better-sqlite3';
import { emptyCounts, FINISHED_STATES, TRIAL_STATES } from '../../../../shared/types.js';
import type { StateCounts, StudyState, TrialState } from '../../../../shared/types.js';
import type { StudySpec } from '../../study/types.js';
import { ImmutableTrialError, originText } from '../types.js';
import type { FinishTrial, GpuSample, NewTrial, ReportRecord, Store, StudyRecord, TrialRecord } from '../types.js';
import { encodeMetric, encodeParam, decodeMetric, groupByTrial, toStudyRecord, toTrialRecord } from './rows.js';
import type { StudyRow, TrialRow } from './rows.js';
import { prepareStatements, type Statements } from './statements.js';

export interface SqliteStoreOptions {
  file: string;
  readonly: boolean;
  /** Source of timestamps; tests of lease expiry pass their own. */
  clock: () => Date;
}

type StoreEvent = { at: string; trialId: number | null; kind: string; message: string };

export class SqliteStore implements Store {
  private readonly s: Statements;

  constructor(
    /** The connection, for callers that need raw SQL (integrity checks, exports). */
    readonly db: Database.Database,
    private readonly opts: SqliteStoreOptions,
  ) {
    this.s = prepareStatements(db);
  }

  private now(): string {
    return this.opts.clock().toISOString();
  }

  /** Wraps `fn` as an IMMEDIATE transaction (a savepoint when already inside one). */
  private write<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    // Created on first use: these wrappers are class fields, initialized before the constructor body runs.
    let tx: Database.Transaction<(...args: A) => R> | undefined;
    return (...args: A) => {
      if (this.opts.readonly) throw new Error(`${this.opts.file} is open read-only; it cannot be changed`);
      tx ??= this.db.transaction(fn);
      return tx.immediate(...args);
    };
  }

  private event(studyId: number, trialId: number | null, kind: string, message: string): void {
    this.s.insertEvent.run(studyId, trialId, this.now(), kind, message);
  }

  private requireStudy(studyId: number): StudyRow {
    const row = this.s.studyById.get(studyId);
    if (row === undefined) throw new Error(`no study with id ${studyId}`);
    return row;
  }

  private requireTrial(trialId: number): TrialRow {
    const row = this.s.trialById.get(trialId);
    if (row === undefined) throw new Error(`no trial with id ${trialId}`);
    return row;
  }

  private requireRunning(row: TrialRow, action: string): void {
    const state = row.state as TrialState;
    if (FINISHED_STATES.includes(state)) throw new ImmutableTrialError(row.id, state);
    if (state !== 'running') throw new Error(`trial ${row.number} (id ${row.id}) is ${state}; only a running trial can ${action}`);
  }

  private studyRecord(row: StudyRow): StudyRecord {
    return toStudyRecord(row, this.s.objectives.all(row.id));
  }

  private trialRecord(row: TrialRow): TrialRecord {
    return toTrialRecord(row, this.s.paramsOfTrial.all(row.id), this.s.valuesOfTrial.all(row.id));
  }

  createStudy = this.write((spec: StudySpec, specHash: string): { study: StudyRecord; created: boolean } => {
    const existing = this.s.studyByName.get(spec.name);
    if (existing !== undefined) return { study: this.studyRecord(existing), created: false };
    const id = Number(this.s.insertStudy.run(spec.name, JSON.stringify(spec), specHash, 'idle', this.now()).lastInsertRowid);
    spec.objectives.forEach((o, i) => this.s.insertObjective.run(id, i, o.metric, o.direction));
    this.event(id, null, 'study.created', `study ${spec.name} created`);
    return { study: this.studyRecord(this.requireStudy(id)), created: true };
  });

  getStudy(name: string): StudyRecord | null {
    const row = this.s.studyByName.get(name);
    return row === undefined ? null : this.studyRecord(row);
  }

  listStudies(): StudyRecord[] {
    const objectives = groupBy(this.s.allObjectives.all(), (o) => o.study_id);
    return this.s.allStudies.all().map((row) => toStudyRecord(row, objectives.get(row.id) ?? []));
  }

  setStudyState = this.write((studyId: number, state: StudyState, stopReason: string | null, owner: string | null = null): void => {
    const row = this.requireStudy(studyId);
    this.s.setStudyState.run(state, stopReason, owner, owner === null ? null : this.now(), studyId);
    this.event(studyId, null, 'study.state', `study ${row.name} ${state}${stopReason === null ? '' : `: ${stopReason}`}`);
  });

  counts(studyId: number): StateCounts {
    const out = emptyCounts();
    for (const { state, n } of this.s.counts.all(studyId)) {
      if ((TRIAL_STATES as readonly string[]).includes(state)) out[state as TrialState] = n;
    }
    return out;
  }

  enqueueTrial = this.write(
    (studyId: number, trial: NewTrial, samplerState?: { name: string; state: unknown }): TrialRecord => {
      this.requireStudy(studyId);
      const { n } = this.s.nextNumber.get(studyId) ?? { n: 0 };
      const lineage = { kind: trial.lineage.kind, parentNumber: trial.lineage.parentNumber ?? null, detail: trial.lineage.detail ?? null };
      const origin = originText(lineage);
      const parent = lineage.parentNumber === null ? null : this.s.trialByNumber.get(studyId, lineage.parentNumber);
      if (parent === undefined) throw new Error(`trial ${n} (${origin}): its parent must be an earlier trial of the same study`);
      const id = Number(
        this.s.insertTrial.run(studyId, n, trial.budget, origin, lineage.kind, parent?.id ?? null, lineage.detail, trial.retries ?? 0).lastInsertRowid,
      );
      for (const [name, value] of Object.entries(trial.params)) {
        const p = encodeParam(name, value);
        this.s.insertParam.run(id, name, p.kind, p.num, p.text);
      }
      if (samplerState !== undefined) {
        const json = JSON.stringify(samplerState.state) as string | undefined;
        if (json === undefined) throw new TypeError(`sampler ${samplerState.name}: its state is not JSON-serializable`);
        this.s.upsertSamplerState.run(studyId, samplerState.name, json, this.now());
      }
      this.event(studyId, id, 'trial.queued', `trial ${n} queued (${origin})`);
      return this.trialRecord(this.requireTrial(id));
    },
  );

  samplerState(studyId: number, name: string): unknown | null {
    const row = this.s.samplerState.get(studyId, name);
    return row === undefined ? null : (JSON.parse(row.state) as unknown);
  }

  claimQueued = this.write((studyId: number, owner: string): TrialRecord | null => {
    const next = this.s.oldestQueued.get(studyId);
    if (next === undefined) return null;
    const at = this.now();
    this.s.markRunning.run(owner, at, at, next.id);
    const row = this.requireTrial(next.id);
    this.event(studyId, row.id, 'trial.running', `trial ${row.number} started by ${owner}`);
    return this.trialRecord(row);
  });

  setPgid = this.write((trialId: number, pgid: number): void => {
    this.requireRunning(this.requireTrial(trialId), 'record a process group');
    this.s.setPgid.run(pgid, trialId);
  });

  setJobId = this.write((trialId: number, jobId: string): void => {
    this.requireRunning(this.requireTrial(trialId), 'record a Slurm job');
    this.s.setJobId.run(jobId, trialId);
  });

  setPlacement = this.write((trialId: number, node: string, gpus: string | null): void => {
    this.requireRunning(this.requireTrial(trialId), 'record where it runs');
    this.s.setPlacement.run(node, gpus, trialId);
  });

  adoptTrial = this.write((trialId: number, owner: string): void => {
    const row = this.requireTrial(trialId);
    this.requireRunning(row, 'be adopted');
    this.s.adoptTrial.run(owner, this.now(), trialId);
    this.event(row.study_id, trialId, 'trial.adopted', `trial ${row.number} followed again by ${owner}${row.job_id ? ` (slurm job ${row.job_id})` : ''}`);
  });

  heartbeat = this.write((owner: string): void => {
    const now = this.now();
    this.s.heartbeat.run(now, owner);
    this.s.heartbeatStudies.run(now, owner);
  });

  runningTrials(studyId: number): TrialRecord[] {
    return this.s.runningOfStudy.all(studyId).map((row) => this.trialRecord(row));
  }

  addReport = this.write((trialId: number, step: number, metrics: Record<string, number>): void => {
    if (!Number.isSafeInteger(step)) throw new RangeError(`report step must be an integer, got ${step}`);
    this.requireRunning(this.requireTrial(trialId), 'report');
    const at = this.now();
    for (const [metric, value] of Object.entries(metrics)) this.s.upsertReport.run(trialId, step, metric, encodeMetric(value), at);
  });

  reports(trialId: number): ReportRecord[] {
    const out: ReportRecord[] = [];
    for (const r of this.s.reportsOfTrial.all(trialId)) {
      let last = out[out.length - 1];
      if (last === undefined || last.step !== r.step) {
        last = { step: r.step, metrics: {}, at: r.at };
        out.push(last);
      }
      last.metrics[r.metric] = decodeMetric(r.value);
      if (r.at > last.at) last.at = r.at;
    }
    return out;
  }

  finishTrial = this.write((trialId: number, finish: FinishTrial): TrialRecord => {
    const row = this.requireTrial(trialId);
    const from = row.state as TrialState;
    if (FINISHED_STATES.includes(from)) throw new ImmutableTrialError(trialId, from);
    if (!FINISHED_STATES.includes(finish.state)) throw new Error(`finishTrial: '${finish.state}' is not a final state`);
    // Values first: the immutability trigger freezes the trial's rows once its state is final.
    for (const [metric, value] of Object.entries(finish.values)) {
      this.s.insertValue.run(trialId, metric, 'objective', encodeMetric(value));
    }
    for (const [metric, value] of Object.entries(finish.metrics)) {
      if (metric in finish.values) throw new Error(`trial ${row.number}: ${metric} is given both as an objective value and as a metric`);
      this.s.insertValue.run(trialId, metric, 'metric', encodeMetric(value));
    }
    if (finish.provenance) this.s.insertProvenance.run(trialId, JSON.stringify(finish.provenance));
    this.s.finishTrial.run(finish.state, finish.reason, this.now(), trialId);
    const reason = finish.reason === null ? '' : `: ${finish.reason}`;
    this.event(row.study_id, trialId, `trial.${finish.state}`, `trial ${row.number} ${finish.state}${reason}`);
    return this.trialRecord(this.requireTrial(trialId));
  });

  metricSeries(studyId: number, metric: string): Map<number, { step: number; value: number }[]> {
    const out = new Map<number, { step: number; value: number }[]>();
    for (const r of this.s.metricOfStudy.all(studyId, metric)) {
      const list = out.get(r.trial_id) ?? [];
      list.push({ step: r.step, value: decodeMetric(r.value) });
      out.set(r.trial_id, list);
    }
    return out;
  }

  provenance(trialId: number): Record<string, unknown> | null {
    const row = this.s.provenanceOfTrial.get(trialId);
    return row ? (JSON.parse(row.provenance) as Record<string, unknown>) : null;
  }

  provenanceOfStudy(studyId: number): Map<number, Record<string, unknown>> {
    return new Map(this.s.provenanceOfStudy.all(studyId).map((r) => [r.trial_id, JSON.parse(r.provenance) as Record<string, unknown>]));
  }

  addGpuSamples = this.write((studyId: number, samples: readonly GpuSample[]): void => {
    this.requireStudy(studyId);
    for (const x of samples) this.s.insertGpuSample.run(studyId, x.gpu, Math.round(x.atMs), x.powerW, x.memoryMb);
  });

  gpuSamples(studyId: number): GpuSample[] {
    return this.s.gpuSamplesOfStudy.all(studyId).map((r) => ({ gpu: r.gpu, atMs: r.at_ms, powerW: r.power_w, memoryMb: r.memory_mb }));
  }

  transaction<T>(fn: () => T): T {
    const tx = this.db.transaction(() => {
      const result = fn();
      // better-sqlite3 would commit before an async fn's awaits run; refuse instead of half-committing.
      if (typeof (result as { then?: unknown } | null)?.then === 'function') {
        throw new TypeError('Store.transaction(fn): fn must be synchronous');
      }
      return result;
    });
    return this.opts.readonly ? tx.deferred() : tx.immediate();
  }

  getTrial(trialId: number): TrialRecord | null {
    const row = this.s.trialById.get(trialId);
    return row === undefined ? null : this.trialRecord(row);
  }

  trialByNumber(studyId: number, number: number): TrialRecord | null {
    const row = this.s.trialByNumber.get(studyId, number);
    return row === undefined ? null : this.trialRecord(row);
  }

  trials(studyId: number): TrialRecord[] {
    // Three queries for the whole study instead of two per trial: `show` and exports read thousands.
    const params = groupByTrial(this.s.paramsOfStudy.all(studyId));
    const values = groupByTrial(this.s.valuesOfStudy.all(studyId));
    return this.s.trialsOfStudy.all(studyId).map((row) => toTrialRecord(row, params.get(row.id) ?? [], values.get(row.id) ?? []));
  }

  addEvent = this.write((studyId: number, trialId: number | null, kind: string, message: string): void => {
    this.requireStudy(studyId);
    if (trialId !== null && this.requireTrial(trialId).study_id !== studyId) {
      throw new Error(`trial id ${trialId} does not belong to study id ${studyId}`);
    }
    this.event(studyId, trialId, kind, message);
  });

  events(studyId: number, limit?: number): StoreEvent[] {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`events: limit must be a whole number, got ${limit}`);
    const rows = limit === undefined ? this.s.allEvents.all(studyId) : this.s.lastEvents.all(studyId, limit);
    return rows.map((r) => ({ at: r.at, trialId: r.trial_id, kind: r.kind, message: r.message }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
