// Version 1: the first released schema. STRICT tables so a wrong type is an error, not silent coercion.
// Timestamps are ISO-8601 UTC strings with milliseconds (they sort as text). Metric values are REAL and
// nullable: SQLite has no NaN (it stores NULL), and a diverged loss is a real report we must keep.
// Triggers freeze finished trials in the database itself, so no writer (another engine version, a bug,
// a hand-run SQL shell) can change a trial once it is complete, pruned, failed or stopped.
import type { Migration } from './types.js';

const FINISHED = `('complete', 'pruned', 'failed', 'stopped')`;
const frozen = (table: string, event: 'INSERT' | 'UPDATE', row: 'NEW' | 'OLD') => `
CREATE TRIGGER ${table}_frozen_${event.toLowerCase()} BEFORE ${event} ON ${table}
WHEN (SELECT state FROM trials WHERE id = ${row}.trial_id) IN ${FINISHED}
BEGIN SELECT RAISE(ABORT, 'immutable trial'); END;`;

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('app', 'nightshift');

CREATE TABLE studies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL CHECK (json_valid(spec)),
  spec_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'idle', 'finished')),
  stop_reason TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE study_objectives (
  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  metric TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  PRIMARY KEY (study_id, idx),
  UNIQUE (study_id, metric)
) STRICT;

CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  number INTEGER NOT NULL CHECK (number >= 0),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'complete', 'pruned', 'failed', 'stopped')),
  budget REAL,
  origin TEXT NOT NULL,
  retries INTEGER NOT NULL DEFAULT 0 CHECK (retries >= 0),
  reason TEXT,
  started_at TEXT,
  ended_at TEXT,
  owner TEXT,
  heartbeat_at TEXT,
  pgid INTEGER,
  UNIQUE (study_id, number)
) STRICT;

CREATE TABLE trial_params (
  trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('number', 'string', 'boolean')),
  value_num REAL,
  value_text TEXT,
  PRIMARY KEY (trial_id, name),
  CHECK ((kind = 'string') = (value_text IS NOT NULL)),
  CHECK ((kind = 'string') = (value_num IS NULL))
) STRICT;

CREATE TABLE trial_values (
  trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('objective', 'metric')),
  value REAL,
  PRIMARY KEY (trial_id, metric)
) STRICT;

CREATE TABLE reports (
  trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL,
  at TEXT NOT NULL,
  PRIMARY KEY (trial_id, step, metric)
) STRICT;

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  trial_id INTEGER REFERENCES trials (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
) STRICT;

CREATE TRIGGER trials_frozen_update BEFORE UPDATE ON trials
WHEN OLD.state IN ${FINISHED}
BEGIN SELECT RAISE(ABORT, 'immutable trial'); END;
${frozen('trial_params', 'INSERT', 'NEW')}
${frozen('trial_params', 'UPDATE', 'OLD')}
${frozen('trial_values', 'INSERT', 'NEW')}
${frozen('trial_values', 'UPDATE', 'OLD')}
${frozen('reports', 'INSERT', 'NEW')}
${frozen('reports', 'UPDATE', 'OLD')}
`);
  },
};
