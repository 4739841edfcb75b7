// Version 5. A trial's lineage becomes columns: what kind of trial it is, the trial of the same study it
// was made from (a retry's interrupted attempt, a promotion's lower rung) and a detail (sampler name,
// source study, sensitivity parameter). Until now it was packed into `origin` ('promote:3') and parsed
// back by regex wherever a chain was walked. The old strings are parsed once, here; `origin` stays, kept
// as the display text, so old exports and the sqlite3 shell still read naturally.
// The parser below is frozen with this migration: it reads what versions 1-4 wrote, nothing newer.
import type Database from 'better-sqlite3';
import type { Migration } from './types.js';

const KINDS = `('baseline', 'sampler', 'retry', 'promote', 'warm-start', 'sensitivity', 'enqueued', 'imported', 'finalist')`;

interface Parsed {
  kind: string;
  parent: number | null;
  detail: string | null;
}

/** An origin string as versions 1-4 wrote it. Anything else was imported (Optuna's 'optuna') or hand-made. */
export function parseOldOrigin(origin: string): Parsed {
  if (origin === 'baseline' || origin === 'enqueued') return { kind: origin, parent: null, detail: null };
  const m = /^(retry|promote):(\d+)$/.exec(origin);
  if (m) return { kind: m[1]!, parent: Number(m[2]), detail: null };
  const d = /^(sampler|warm-start|sensitivity):(.+)$/s.exec(origin);
  if (d) return { kind: d[1]!, parent: null, detail: d[2]! };
  return { kind: 'imported', parent: null, detail: origin };
}

// Finished trials are frozen by a trigger (migration 001); lineage is filled in once, for every trial,
// so the trigger is lifted for this transaction only and recreated exactly as it was.
const FROZEN_TRIGGER = `CREATE TRIGGER trials_frozen_update BEFORE UPDATE ON trials
WHEN OLD.state IN ('complete', 'pruned', 'failed', 'stopped')
BEGIN SELECT RAISE(ABORT, 'immutable trial'); END`;

function fillFromOrigin(db: Database.Database): void {
  const rows = db.prepare('SELECT id, study_id, number, origin FROM trials ORDER BY study_id, number').all() as {
    id: number;
    study_id: number;
    number: number;
    origin: string;
  }[];
  const idOf = new Map<string, number>();
  for (const r of rows) idOf.set(`${r.study_id}:${r.number}`, r.id);
  const set = db.prepare('UPDATE trials SET lineage_kind = ?, parent_trial_id = ?, lineage_detail = ? WHERE id = ?');
  for (const r of rows) {
    const p = parseOldOrigin(r.origin);
    // A parent is always an earlier trial of the same study; a number that names no such trial (a
    // hand-edited database) keeps its text as the detail instead of pointing anywhere.
    const parentId = p.parent !== null && p.parent < r.number ? idOf.get(`${r.study_id}:${p.parent}`) : undefined;
    const detail = p.parent !== null && parentId === undefined ? String(p.parent) : p.detail;
    set.run(p.kind, parentId ?? null, detail, r.id);
  }
}

export const m005Lineage: Migration = {
  version: 5,
  name: 'lineage',
  up(db) {
    db.exec(`
ALTER TABLE trials ADD COLUMN lineage_kind TEXT NOT NULL DEFAULT 'imported' CHECK (lineage_kind IN ${KINDS});
ALTER TABLE trials ADD COLUMN parent_trial_id INTEGER REFERENCES trials (id);
ALTER TABLE trials ADD COLUMN lineage_detail TEXT;
CREATE INDEX trials_by_parent ON trials (parent_trial_id) WHERE parent_trial_id IS NOT NULL;
DROP TRIGGER trials_frozen_update;
`);
    fillFromOrigin(db);
    db.exec(FROZEN_TRIGGER);
  },
};
