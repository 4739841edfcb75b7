// Version 7. A trial's lease names its Slurm job (when the Slurm executor runs it), so a restarted engine
// follows the job instead of re-running the trial; and every trial records where it ran: the node and the
// GPUs it was given (as the executor saw them), for the trial page, the timeline and exports.
import type { Migration } from './types.js';

export const m007TrialJobs: Migration = {
  version: 7,
  name: 'trial-jobs',
  up(db) {
    db.exec(`
ALTER TABLE trials ADD COLUMN job_id TEXT;
ALTER TABLE trials ADD COLUMN node TEXT;
ALTER TABLE trials ADD COLUMN gpus TEXT;
`);
  },
};
