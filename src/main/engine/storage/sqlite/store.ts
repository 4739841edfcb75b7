// The Store on one better-sqlite3 connection. Every write runs in a BEGIN IMMEDIATE transaction: the
// write lock is taken before the first read, so read-then-write sequences (next trial number, oldest
// queued trial) cannot interleave with another connection or process, and waiting for the lock goes
// through busy_timeout. A deferred transaction would instead fail at once with SQLITE_BUSY when it tries
// to upgrade its read snapshot after another writer committed (WAL mode never retries that case).
import type Database from 'better-sqlite3';
import { FINISHED_STATES } from '../../../../shared/types.js';
import type { StudyState, TrialState } from '../../../../shared/types.js';
import type { StudySpec } from '../../study/types.js';
import { ImmutableTrialError, originText, StudyLeaseLostError } from '../types.js';
import type { FinalistRunInfo, FinishTrial, GpuSample, NewTrial, NightshiftStudyRecord, Store, StudyLeaseHolder, StudyLeaseResult, TrialRecord } from '../types.js';
import { SqliteReader } from './reader.js';
import { encodeMetric, encodeParam } from './rows.js';
import type { StudyRow, TrialRow } from './rows.js';

export interface SqliteStoreOptions {
  file: string;
  /** Source of timestamps; tests of lease expiry pass their own. */
  clock: () => Date;
}

export class SqliteStore extends SqliteReader implements Store {
  constructor(
    db: Database.Database,
    private readonly opts: SqliteStoreOptions,
  ) {
    super(db, opts.file);
  }

  private now(): string {
    return this.opts.clock().toISOString();
  }

  /** Wraps `fn` as an IMMEDIATE transaction (a savepoint when already inside one). */
  private write<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    // Created on first use: these wrappers are class fields, initialized before the constructor body runs.
    let tx: Database.Transaction<(...args: A) => R> | undefined;
    return (...args: A) => {
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

  createStudy = this.write((spec: StudySpec, specHash: string): { study: NightshiftStudyRecord; created: boolean } => {
    const existing = this.s.studyByName.get(spec.name);
    if (existing !== undefined) return { study: this.studyRecord(existing), created: false };
    const id = Number(this.s.insertStudy.run(spec.name, JSON.stringify(spec), specHash, 'idle', this.now()).lastInsertRowid);
    spec.objectives.forEach((o, i) => this.s.insertObjective.run(id, i, o.metric, o.direction));
    this.event(id, null, 'study.created', `study ${spec.name} created`);
    return { study: this.studyRecord(this.requireStudy(id)), created: true };
  });

  setStudyState = this.write((studyId: number, state: StudyState, stopReason: string | null, owner: string | null = null): void => {
    const row = this.requireStudy(studyId);
    this.s.setStudyState.run(state, stopReason, owner, owner === null ? null : this.now(), studyId);
    this.event(studyId, null, 'study.state', `study ${row.name} ${state}${stopReason === null ? '' : `: ${stopReason}`}`);
  });

  acquireStudyLease = this.write(
    (studyId: number, owner: string, holderIsLive: (holder: StudyLeaseHolder) => boolean): StudyLeaseResult => {
      const row = this.requireStudy(studyId);
      const holder = this.leaseHolder(row);
      if (holder && holder.owner !== owner && holderIsLive(holder)) return { acquired: false, holder };
      const now = this.now();
      this.s.setStudyState.run('running', null, owner, now, studyId);
      this.event(studyId, null, 'study.lease', `study ${row.name} taken by ${owner}${holder && holder.owner !== owner ? ` from ${holder.owner}` : ''}`);
      this.event(studyId, null, 'study.state', `study ${row.name} running`);
      return { acquired: true };
    },
  );

  releaseStudyLease = this.write((studyId: number, owner: string, state: StudyState, stopReason: string | null): boolean => {
    const row = this.requireStudy(studyId);
    if (this.s.releaseStudy.run(state, stopReason, studyId, owner).changes === 0) return false;
    this.event(studyId, null, 'study.state', `study ${row.name} ${state}${stopReason === null ? '' : `: ${stopReason}`}`);
    return true;
  });

  /** Who holds a running study (null when it is not running or has no owner). */
  private leaseHolder(row: StudyRow): StudyLeaseHolder | null {
    if (row.state !== 'running' || row.owner === null) return null;
    return { owner: row.owner, heartbeatAt: row.heartbeat_at, since: this.s.lastLeaseEvent.get(row.id)?.at ?? null };
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

  enqueueFinalistRun = this.write((studyId: number, trial: NewTrial, run: FinalistRunInfo): TrialRecord => {
    const rec = this.enqueueTrial(studyId, trial);
    this.finalists.add(rec.id, run);
    return rec;
  });

  samplerState(studyId: number, name: string): unknown | null {
    const row = this.s.samplerState.get(studyId, name);
    return row === undefined ? null : (JSON.parse(row.state) as unknown);
  }

  claimQueued = this.write((studyId: number, owner: string): TrialRecord | null => {
    // Checked in the claim's own transaction: an engine that lost the study cannot start one more trial.
    const holder = this.leaseHolder(this.requireStudy(studyId));
    if (holder && holder.owner !== owner) throw new StudyLeaseLostError(studyId, holder);
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

  heartbeat = this.write((owner: string): void => {
    const now = this.now();
    this.s.heartbeat.run(now, owner);
    this.s.heartbeatStudies.run(now, owner);
  });

  addReport = this.write((trialId: number, step: number, metrics: Record<string, number>): void => {
    if (!Number.isSafeInteger(step)) throw new RangeError(`report step must be an integer, got ${step}`);
    this.requireRunning(this.requireTrial(trialId), 'report');
    const at = this.now();
    for (const [metric, value] of Object.entries(metrics)) this.s.upsertReport.run(trialId, step, metric, encodeMetric(value), at);
  });

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

  addGpuSamples = this.write((studyId: number, samples: readonly GpuSample[]): void => {
    this.requireStudy(studyId);
    for (const x of samples) this.s.insertGpuSample.run(studyId, x.gpu, Math.round(x.atMs), x.powerW, x.memoryMb);
  });

  transaction<T>(fn: () => T): T {
    const tx = this.db.transaction(() => {
      const result = fn();
      // better-sqlite3 would commit before an async fn's awaits run; refuse instead of half-committing.
      if (typeof (result as { then?: unknown } | null)?.then === 'function') {
        throw new TypeError('Store.transaction(fn): fn must be synchronous');
      }
      return result;
    });
    return tx.immediate();
  }

  addEvent = this.write((studyId: number, trialId: number | null, kind: string, message: string): void => {
    this.requireStudy(studyId);
    if (trialId !== null && this.requireTrial(trialId).study_id !== studyId) {
      throw new Error(`trial id ${trialId} does not belong to study id ${studyId}`);
    }
    this.event(studyId, trialId, kind, message);
  });

}

