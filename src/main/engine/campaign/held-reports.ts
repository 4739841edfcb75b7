// One trial's reports on their way to the store. While the database's disk is full a report is held in
// memory (bounded) and counts as received: the scheduler judges it at once, and it is written before the
// trial's next report, or with the trial's outcome.
import type { Store } from '../storage/types.js';
import type { DatabaseFullWait } from './db-full.js';

/** Reports kept in memory per trial while the database's disk is full (a step reported again takes no more). */
const MAX_UNSTORED_REPORTS = 10_000;

export class HeldReports {
  private readonly held = new Map<number, Record<string, number>>();

  constructor(
    private readonly store: Store,
    private readonly dbFull: DatabaseFullWait,
    private readonly trialId: number,
  ) {}

  /** Writes a report, after any held back; holds it instead while the disk is full. */
  write(step: number, metrics: Record<string, number>): void {
    if (!this.dbFull.waiting) {
      try {
        this.writeHeld();
        this.clear();
        this.store.addReport(this.trialId, step, metrics);
        return;
      } catch (e) {
        if (!this.dbFull.hit(e)) throw e;
      }
    }
    const same = this.held.get(step);
    if (same) Object.assign(same, metrics);
    else if (this.held.size < MAX_UNSTORED_REPORTS) this.held.set(step, { ...metrics });
  }

  /** Writes the held reports (inside the caller's transaction: they are kept until `clear`, in case it rolls back). */
  writeHeld(): void {
    for (const [step, metrics] of this.held) this.store.addReport(this.trialId, step, metrics);
  }

  clear(): void {
    this.held.clear();
  }
}
