// Version 2. Version 1 kept no sampler state: a sampler had to rebuild itself from the trial history on
// every resume, which loses what is not in that history (a Sobol sequence's position, a GP's fitted
// hyperparameters, a grid's cursor). Samplers now persist typed state, written in the same transaction
// as the trial it produced. The indexes serve the engine's frequent queries, which otherwise scan every
// trial or event of a study: claiming the oldest queued trial and counting states (trials_by_state),
// renewing an engine's leases on each heartbeat (trials_running_owner, partial: only running rows), and
// reading the tail of the event log (events_by_study).
import type { Migration } from './types.js';

export const m002SamplerState: Migration = {
  version: 2,
  name: 'sampler-state',
  up(db) {
    db.exec(`
CREATE TABLE sampler_state (
  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (json_valid(state)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (study_id, name)
) STRICT;

CREATE INDEX trials_by_state ON trials (study_id, state, number);
CREATE INDEX trials_running_owner ON trials (owner) WHERE state = 'running';
CREATE INDEX events_by_study ON events (study_id, id);
`);
  },
};
