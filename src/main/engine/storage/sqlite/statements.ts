// Every statement the store runs, prepared once per connection (preparing is the costly part of a query).
import type Database from 'better-sqlite3';
import type { EventRow, ObjectiveRow, ParamRow, ReportRow, StudyRow, TrialRow, ValueRow } from './rows.js';

/** Trial rows with their parent's number (a trial's lineage names its parent by id). */
const TRIAL_SELECT = 'SELECT t.*, p.number AS parent_number FROM trials t LEFT JOIN trials p ON p.id = t.parent_trial_id';

export function prepareStatements(db: Database.Database) {
  const q = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    studyByName: q<[string], StudyRow>('SELECT * FROM studies WHERE name = ?'),
    studyById: q<[number], StudyRow>('SELECT * FROM studies WHERE id = ?'),
    allStudies: q<[], StudyRow>('SELECT * FROM studies ORDER BY id'),
    objectives: q<[number], ObjectiveRow>('SELECT study_id, metric, direction FROM study_objectives WHERE study_id = ? ORDER BY idx'),
    allObjectives: q<[], ObjectiveRow>('SELECT study_id, metric, direction FROM study_objectives ORDER BY study_id, idx'),
    insertStudy: q<[string, string, string, string, string]>(
      `INSERT INTO studies (name, spec, spec_hash, state, created_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    insertObjective: q<[number, number, string, string]>(
      'INSERT INTO study_objectives (study_id, idx, metric, direction) VALUES (?, ?, ?, ?)',
    ),
    setStudyState: q<[string, string | null, string | null, string | null, number]>(
      'UPDATE studies SET state = ?, stop_reason = ?, owner = ?, heartbeat_at = ? WHERE id = ?',
    ),
    heartbeatStudies: q<[string, string]>(`UPDATE studies SET heartbeat_at = ? WHERE owner = ? AND state = 'running'`),
    releaseStudy: q<[string, string | null, number, string]>(
      'UPDATE studies SET state = ?, stop_reason = ?, owner = NULL, heartbeat_at = NULL WHERE id = ? AND owner = ?',
    ),
    lastLeaseEvent: q<[number], { at: string }>(
      `SELECT at FROM events WHERE study_id = ? AND kind = 'study.lease' ORDER BY id DESC LIMIT 1`,
    ),

    counts: q<[number], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state'),
    nextNumber: q<[number], { n: number }>('SELECT COALESCE(MAX(number) + 1, 0) AS n FROM trials WHERE study_id = ?'),
    insertTrial: q<[number, number, number | null, string, string, number | null, string | null, number]>(
      `INSERT INTO trials (study_id, number, state, budget, origin, lineage_kind, parent_trial_id, lineage_detail, retries)
       VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
    ),
    insertParam: q<[number, string, string, number | null, string | null]>(
      'INSERT INTO trial_params (trial_id, name, kind, value_num, value_text) VALUES (?, ?, ?, ?, ?)',
    ),
    trialById: q<[number], TrialRow>(`${TRIAL_SELECT} WHERE t.id = ?`),
    trialByNumber: q<[number, number], TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = ? AND t.number = ?`),
    // Whole-study reads take a range of trial numbers [from, to): the whole study, or one page of a long one.
    trialsOfStudy: q<[number, number, number], TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = ? AND t.number >= ? AND t.number < ? ORDER BY t.number`),
    runningOfStudy: q<[number], TrialRow>(`${TRIAL_SELECT} WHERE t.study_id = ? AND t.state = 'running' ORDER BY t.number`),
    paramsOfTrial: q<[number], ParamRow>('SELECT * FROM trial_params WHERE trial_id = ? ORDER BY rowid'),
    valuesOfTrial: q<[number], ValueRow>('SELECT * FROM trial_values WHERE trial_id = ? ORDER BY rowid'),
    // In index order, not `ORDER BY rowid`: that sorted every row of the study (10 per trial) in a temporary
    // b-tree, whose malloc'd memory stays in the process after the query (5,000 trials: +6.6 MiB of RSS per
    // load). Callers put each trial's rows back in insertion order by `rid` (rows.ts, groupByTrial).
    paramsOfStudy: q<[number, number, number], ParamRow & { rid: number }>(
      'SELECT p.rowid AS rid, p.* FROM trial_params p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = ? AND t.number >= ? AND t.number < ?',
    ),
    valuesOfStudy: q<[number, number, number], ValueRow & { rid: number }>(
      'SELECT v.rowid AS rid, v.* FROM trial_values v JOIN trials t ON t.id = v.trial_id WHERE t.study_id = ? AND t.number >= ? AND t.number < ?',
    ),

    oldestQueued: q<[number], { id: number }>(
      `SELECT id FROM trials WHERE study_id = ? AND state = 'queued' ORDER BY number LIMIT 1`,
    ),
    markRunning: q<[string, string, string, number]>(
      `UPDATE trials SET state = 'running', owner = ?, heartbeat_at = ?, started_at = ?, pgid = NULL WHERE id = ?`,
    ),
    setPgid: q<[number, number]>('UPDATE trials SET pgid = ? WHERE id = ?'),
    setJobId: q<[string, number]>('UPDATE trials SET job_id = ? WHERE id = ?'),
    setPlacement: q<[string, string | null, number]>('UPDATE trials SET node = ?, gpus = ? WHERE id = ?'),
    adoptTrial: q<[string, string, number]>(`UPDATE trials SET owner = ?, heartbeat_at = ? WHERE id = ? AND state = 'running'`),
    heartbeat: q<[string, string]>(`UPDATE trials SET heartbeat_at = ? WHERE owner = ? AND state = 'running'`),
    finishTrial: q<[string, string | null, string, number]>('UPDATE trials SET state = ?, reason = ?, ended_at = ? WHERE id = ?'),
    insertValue: q<[number, string, string, number | null]>(
      'INSERT INTO trial_values (trial_id, metric, kind, value) VALUES (?, ?, ?, ?)',
    ),

    insertProvenance: q<[number, string]>('INSERT INTO trial_provenance (trial_id, provenance) VALUES (?, ?)'),
    provenanceOfTrial: q<[number], { provenance: string }>('SELECT provenance FROM trial_provenance WHERE trial_id = ?'),
    provenanceOfStudy: q<[number], { trial_id: number; provenance: string }>(
      'SELECT p.trial_id, p.provenance FROM trial_provenance p JOIN trials t ON t.id = p.trial_id WHERE t.study_id = ?',
    ),
    insertGpuSample: q<[number, number, number, number | null, number | null]>(
      'INSERT OR REPLACE INTO gpu_samples (study_id, gpu, at_ms, power_w, memory_mb) VALUES (?, ?, ?, ?, ?)',
    ),
    gpuSamplesOfStudy: q<[number], { gpu: number; at_ms: number; power_w: number | null; memory_mb: number | null }>(
      'SELECT gpu, at_ms, power_w, memory_mb FROM gpu_samples WHERE study_id = ? ORDER BY gpu, at_ms',
    ),

    upsertReport: q<[number, number, string, number | null, string]>(
      `INSERT INTO reports (trial_id, step, metric, value, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (trial_id, step, metric) DO UPDATE SET value = excluded.value, at = excluded.at`,
    ),
    metricOfStudy: q<[number, string, number, number], { trial_id: number; step: number; value: number | null; seq: number }>(
      `SELECT r.trial_id, r.step, r.value, r.rowid AS seq FROM reports r JOIN trials t ON t.id = r.trial_id
       WHERE t.study_id = ? AND r.metric = ? AND t.number >= ? AND t.number < ? ORDER BY t.number, r.step`,
    ),
    reportsOfTrial: q<[number], ReportRow>('SELECT step, metric, value, at FROM reports WHERE trial_id = ? ORDER BY step, rowid'),

    insertEvent: q<[number, number | null, string, string, string]>(
      'INSERT INTO events (study_id, trial_id, at, kind, message) VALUES (?, ?, ?, ?, ?)',
    ),
    allEvents: q<[number], EventRow>('SELECT at, trial_id, kind, message FROM events WHERE study_id = ? ORDER BY id'),
    lastEvents: q<[number, number], EventRow>(
      `SELECT at, trial_id, kind, message FROM
         (SELECT id, at, trial_id, kind, message FROM events WHERE study_id = ? ORDER BY id DESC LIMIT ?)
       ORDER BY id`,
    ),

    lastEventOfKind: q<[number, string], EventRow>('SELECT at, trial_id, kind, message FROM events WHERE study_id = ? AND kind = ? ORDER BY id DESC LIMIT 1'),

    upsertSamplerState: q<[number, string, string, string]>(
      `INSERT INTO sampler_state (study_id, name, state, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (study_id, name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    ),
    samplerState: q<[number, string], { state: string }>('SELECT state FROM sampler_state WHERE study_id = ? AND name = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
