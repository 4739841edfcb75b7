// The read half of the SQLite store: every query `ls`, `show`, exports, reports, comparisons and
// `serve --readonly` make. Opened on its own (storage/open.ts `openStoreReader`) it has no write method at
// all, and its connection is read-only and query_only; SqliteStore extends it with the writes.
import type Database from 'better-sqlite3';
import type { TrialProvenance } from '../../../../shared/provenance.js';
import { emptyCounts, TRIAL_STATES } from '../../../../shared/types.js';
import type { StateCounts, TrialState } from '../../../../shared/types.js';
import { ALL_NUMBERS } from '../types.js';
import type { FinalistRunInfo, GpuSample, NightshiftStudyRecord, ReportRecord, StoreEvent, StoreReader, TrialNumbers, TrialRecord } from '../types.js';
import { dataVersionOf } from './connection.js';
import { decodeProvenance } from './decode.js';
import { FinalistRunTable } from './finalist-runs.js';
import { decodeMetric, groupByTrial, toStudyRecord, toTrialRecord } from './rows.js';
import type { StudyRow, TrialRow } from './rows.js';
import { prepareStatements, type Statements } from './statements.js';

export class SqliteReader implements StoreReader {
  protected readonly s: Statements;
  protected readonly finalists: FinalistRunTable;

  constructor(
    /** The connection, for callers that need raw SQL (integrity checks, exports). */
    readonly db: Database.Database,
    /** The database file, for messages. */
    readonly file: string,
  ) {
    this.s = prepareStatements(db);
    this.finalists = new FinalistRunTable(db);
    this.version = dataVersionOf(db);
  }

  private readonly version: () => string;

  dataVersion(): string {
    return this.version();
  }

  protected studyRecord(row: StudyRow): NightshiftStudyRecord {
    return toStudyRecord(row, this.s.objectives.all(row.id));
  }

  protected trialRecord(row: TrialRow): TrialRecord {
    return toTrialRecord(row, this.s.paramsOfTrial.all(row.id), this.s.valuesOfTrial.all(row.id));
  }

  getStudy(name: string): NightshiftStudyRecord | null {
    const row = this.s.studyByName.get(name);
    return row === undefined ? null : this.studyRecord(row);
  }

  listStudies(): NightshiftStudyRecord[] {
    const objectives = groupBy(this.s.allObjectives.all(), (o) => o.study_id);
    return this.s.allStudies.all().map((row) => toStudyRecord(row, objectives.get(row.id) ?? []));
  }

  counts(studyId: number): StateCounts {
    const out = emptyCounts();
    for (const { state, n } of this.s.counts.all(studyId)) {
      if ((TRIAL_STATES as readonly string[]).includes(state)) out[state as TrialState] = n;
    }
    return out;
  }

  runningTrials(studyId: number): TrialRecord[] {
    return this.s.runningOfStudy.all(studyId).map((row) => this.trialRecord(row));
  }

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

  metricSeries(studyId: number, metric: string, numbers: TrialNumbers = ALL_NUMBERS): Map<number, { step: number; value: number; seq?: number }[]> {
    const out = new Map<number, { step: number; value: number; seq?: number }[]>();
    for (const r of this.s.metricOfStudy.iterate(studyId, metric, numbers.from, numbers.to)) {
      const list = out.get(r.trial_id) ?? [];
      list.push({ step: r.step, value: decodeMetric(r.value), seq: r.seq });
      out.set(r.trial_id, list);
    }
    return out;
  }

  provenance(trialId: number): TrialProvenance | null {
    const row = this.s.provenanceOfTrial.get(trialId);
    return row ? decodeProvenance(row.provenance) : null;
  }

  provenanceOfStudy(studyId: number): Map<number, TrialProvenance> {
    return new Map(this.s.provenanceOfStudy.all(studyId).map((r) => [r.trial_id, decodeProvenance(r.provenance)]));
  }

  gpuSamples(studyId: number): GpuSample[] {
    return this.s.gpuSamplesOfStudy.all(studyId).map((r) => ({ gpu: r.gpu, atMs: r.at_ms, powerW: r.power_w, memoryMb: r.memory_mb }));
  }

  getTrial(trialId: number): TrialRecord | null {
    const row = this.s.trialById.get(trialId);
    return row === undefined ? null : this.trialRecord(row);
  }

  trialByNumber(studyId: number, number: number): TrialRecord | null {
    const row = this.s.trialByNumber.get(studyId, number);
    return row === undefined ? null : this.trialRecord(row);
  }

  trialNumberEnd(studyId: number): number {
    return this.s.nextNumber.get(studyId)?.n ?? 0;
  }

  trials(studyId: number, numbers: TrialNumbers = ALL_NUMBERS): TrialRecord[] {
    // Three queries for the whole study instead of two per trial: `show` and exports read thousands. Rows are
    // stepped through, not gathered by `all()`: for 50,000 rows that left ~4.5 MiB of malloc'd memory in
    // the process (better-sqlite3's handles for the whole array at once) that an engine never got back.
    const { from, to } = numbers;
    const params = groupByTrial(this.s.paramsOfStudy.iterate(studyId, from, to));
    const values = groupByTrial(this.s.valuesOfStudy.iterate(studyId, from, to));
    const out: TrialRecord[] = [];
    for (const row of this.s.trialsOfStudy.iterate(studyId, from, to)) out.push(toTrialRecord(row, params.get(row.id) ?? [], values.get(row.id) ?? []));
    return out;
  }

  finalistRuns(studyId: number): Map<number, FinalistRunInfo> {
    return this.finalists.ofStudyById(studyId);
  }

  finalistRun(trialId: number): FinalistRunInfo | null {
    return this.finalists.get(trialId);
  }

  events(studyId: number, limit?: number): StoreEvent[] {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`events: limit must be a whole number, got ${limit}`);
    const rows = limit === undefined ? this.s.allEvents.all(studyId) : this.s.lastEvents.all(studyId, limit);
    return rows.map((r) => ({ at: r.at, trialId: r.trial_id, kind: r.kind, message: r.message }));
  }

  lastEvent(studyId: number, kind: string): StoreEvent | null {
    const r = this.s.lastEventOfKind.get(studyId, kind);
    return r ? { at: r.at, trialId: r.trial_id, kind: r.kind, message: r.message } : null;
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
