// Version 4. A study records which engine is running it and when that engine last heartbeat, like a
// running trial does. Without it, a study whose engine was killed stayed `running` in `ls` and in the
// dashboard until the next run, although nothing ran.
import type { Migration } from './types.js';

export const m004StudyLease: Migration = {
  version: 4,
  name: 'study-lease',
  up(db) {
    db.exec(`
ALTER TABLE studies ADD COLUMN owner TEXT;
ALTER TABLE studies ADD COLUMN heartbeat_at TEXT;
`);
  },
};
