// Version 3. Metering arrived: each trial's measurement keeps its provenance (source, sampling interval,
// idle baseline, attribution method, estimate and low-confidence flags). It is a nested record that is
// read and shown whole and never queried by field, so it is one JSON document per trial rather than a
// dozen sparse columns. Like the trial's other rows, it is frozen once the trial is finished.
// gpu_samples keeps the downsampled per-GPU power and memory series that plots draw.
import type { Migration } from './types.js';

export const m003Measurements: Migration = {
  version: 3,
  name: 'measurements',
  up(db) {
    db.exec(`
CREATE TABLE trial_provenance (
  trial_id INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
  provenance TEXT NOT NULL CHECK (json_valid(provenance))
) STRICT;
CREATE TRIGGER trial_provenance_frozen_insert BEFORE INSERT ON trial_provenance
WHEN (SELECT state FROM trials WHERE id = NEW.trial_id) IN ('complete', 'pruned', 'failed', 'stopped')
BEGIN SELECT RAISE(ABORT, 'immutable trial'); END;

CREATE TABLE gpu_samples (
  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  gpu INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  power_w REAL,
  memory_mb REAL,
  PRIMARY KEY (study_id, gpu, at_ms)
) STRICT;
`);
  },
};
