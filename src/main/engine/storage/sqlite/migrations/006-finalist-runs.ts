// Version 6. Runs of the finalists stage: which configuration (the search trial standing for it), which
// seed and which fold each finalist run is. A row is written in the same transaction as the queued trial;
// a retry of an interrupted finalist run gets a copy of its row from a trigger, so a finalist run stays one
// whichever code path re-queues it, and the sampler never mistakes it for a search result.
import type { Migration } from './types.js';

export const m006FinalistRuns: Migration = {
  version: 6,
  name: 'finalist-runs',
  up(db) {
    db.exec(`
CREATE TABLE finalist_runs (
  trial_id INTEGER PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
  parent_number INTEGER NOT NULL,
  seed_index INTEGER NOT NULL CHECK (seed_index >= 0),
  seed INTEGER NOT NULL,
  fold INTEGER CHECK (fold >= 0),
  folds INTEGER CHECK (folds >= 2),
  CHECK ((fold IS NULL) = (folds IS NULL))
) STRICT;
CREATE TRIGGER finalist_runs_follow_retry AFTER INSERT ON trials
WHEN NEW.lineage_kind = 'retry' AND NEW.parent_trial_id IS NOT NULL
BEGIN
  INSERT INTO finalist_runs (trial_id, parent_number, seed_index, seed, fold, folds)
  SELECT NEW.id, parent_number, seed_index, seed, fold, folds FROM finalist_runs WHERE trial_id = NEW.parent_trial_id;
END;
`);
  },
};
