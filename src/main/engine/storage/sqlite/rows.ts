// Rows as SQLite returns them, and their mapping to the Store's records. Values are checked on the way
// in (types the schema cannot express) and decoded on the way out (NULL metric = NaN, typed params).
import type { Objective, ParamValue, Params, StudyState, TrialState } from '../../../../shared/types.js';
import { TRIAL_STATES } from '../../../../shared/types.js';
import { isLineageKind } from '../lineage.js';
import type { NightshiftStudyRecord, TrialLineage, TrialRecord } from '../types.js';
import { decodeStudySpec } from './decode.js';

export interface StudyRow {
  id: number;
  name: string;
  spec: string;
  spec_hash: string;
  state: string;
  stop_reason: string | null;
  created_at: string;
  owner: string | null;
  heartbeat_at: string | null;
}
export interface ObjectiveRow {
  study_id: number;
  metric: string;
  direction: string;
}
export interface TrialRow {
  id: number;
  study_id: number;
  number: number;
  state: string;
  budget: number | null;
  origin: string;
  lineage_kind: string;
  parent_trial_id: number | null;
  lineage_detail: string | null;
  /** The parent's number, joined in by the trial queries (statements.ts TRIAL_SELECT). */
  parent_number: number | null;
  retries: number;
  reason: string | null;
  started_at: string | null;
  ended_at: string | null;
  owner: string | null;
  heartbeat_at: string | null;
  pgid: number | null;
  job_id: string | null;
  node: string | null;
  gpus: string | null;
}
export interface ParamRow {
  trial_id: number;
  name: string;
  kind: string;
  value_num: number | null;
  value_text: string | null;
}
export interface ValueRow {
  trial_id: number;
  metric: string;
  kind: string;
  value: number | null;
}
export interface ReportRow {
  step: number;
  metric: string;
  value: number | null;
  at: string;
}
export interface EventRow {
  at: string;
  trial_id: number | null;
  kind: string;
  message: string;
}

export type ParamKind = 'number' | 'string' | 'boolean';

/** Splits a param value into the typed columns of trial_params. */
export function encodeParam(name: string, value: ParamValue): { kind: ParamKind; num: number | null; text: string | null } {
  switch (typeof value) {
    case 'number':
      // SQLite stores NaN as NULL, which would come back as a different value.
      if (Number.isNaN(value)) throw new RangeError(`param ${name} is NaN; a trial's parameters must be numbers, strings or booleans`);
      return { kind: 'number', num: value, text: null };
    case 'boolean':
      return { kind: 'boolean', num: value ? 1 : 0, text: null };
    case 'string':
      return { kind: 'string', num: null, text: value };
    default:
      throw new TypeError(`param ${name} has type ${typeof value}; expected a number, string or boolean`);
  }
}

export function decodeParam(row: ParamRow): ParamValue {
  if (row.kind === 'string') return row.value_text ?? '';
  if (row.kind === 'boolean') return row.value_num === 1;
  return row.value_num ?? Number.NaN;
}

/** NULL stands for NaN: SQLite cannot store NaN in a REAL column. */
export function encodeMetric(value: number): number | null {
  if (typeof value !== 'number') throw new TypeError(`metric value ${String(value)} is not a number`);
  return Number.isNaN(value) ? null : value;
}

export function decodeMetric(value: number | null): number {
  return value ?? Number.NaN;
}

function asTrialState(s: string): TrialState {
  if ((TRIAL_STATES as readonly string[]).includes(s)) return s as TrialState;
  throw new Error(`database holds an unknown trial state '${s}'`);
}

export function toStudyRecord(row: StudyRow, objectives: readonly ObjectiveRow[]): NightshiftStudyRecord {
  const spec = decodeStudySpec(row.spec);
  return {
    id: row.id,
    name: row.name,
    spec,
    searchSpace: spec.search_space,
    specHash: row.spec_hash,
    objectives: objectives.map((o): Objective => ({ metric: o.metric, direction: o.direction === 'maximize' ? 'maximize' : 'minimize' })),
    state: row.state as StudyState,
    stopReason: row.stop_reason,
    createdAt: row.created_at,
    owner: row.owner ?? null,
    heartbeatAt: row.heartbeat_at ?? null,
  };
}

export function toTrialRecord(row: TrialRow, params: readonly ParamRow[], values: readonly ValueRow[]): TrialRecord {
  const p: Params = {};
  for (const r of params) p[r.name] = decodeParam(r);
  const objectives: Record<string, number> = {};
  const metrics: Record<string, number> = {};
  for (const v of values) (v.kind === 'objective' ? objectives : metrics)[v.metric] = decodeMetric(v.value);
  return {
    id: row.id,
    studyId: row.study_id,
    number: row.number,
    state: asTrialState(row.state),
    params: p,
    budget: row.budget,
    values: objectives,
    metrics,
    reason: row.reason,
    lineage: toLineage(row),
    retries: row.retries,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
    pgid: row.pgid,
    jobId: row.job_id ?? null,
    node: row.node ?? null,
    gpus: row.gpus ?? null,
  };
}

function toLineage(row: TrialRow): TrialLineage {
  // The schema's CHECK admits only known kinds; a newer writer's kind reads as imported, its text kept.
  const known = isLineageKind(row.lineage_kind);
  return {
    kind: known ? (row.lineage_kind as TrialLineage['kind']) : 'imported',
    parentId: row.parent_trial_id,
    parentNumber: row.parent_number,
    detail: known ? row.lineage_detail : row.origin,
  };
}

/** Groups rows that carry a trial id, for building many trials from one query each. */
export function groupByTrial<R extends { trial_id: number; rid?: number }>(rows: Iterable<R>): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const r of rows) {
    const list = out.get(r.trial_id);
    if (list === undefined) out.set(r.trial_id, [r]);
    else list.push(r);
  }
  // Rows that carry their rowid come in index order: each trial's go back to the order they were written.
  for (const list of out.values()) if (list.length > 1 && list[0]!.rid !== undefined) list.sort((a, b) => a.rid! - b.rid!);
  return out;
}
