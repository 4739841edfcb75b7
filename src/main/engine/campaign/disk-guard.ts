// The free-space guard over a run: below `resources.min_free_disk` where trial folders are kept, no new
// trial starts and running trials finish. The run then waits for space, up to `resources.disk_full_wait`,
// checking before each trial would start and at each tick: a night whose disk fills for a while (a copy,
// another job's checkpoints) goes on once space is freed, in the same process. The study says why it waits
// (its stop reason while running, `show` prints it) and its event log records both ends of the wait.
import type { NightshiftStudyRecord, Store } from '../storage/types.js';
import { formatWait, type DatabaseFullWait } from './db-full.js';
import { lowDiskReason } from './disk.js';
import type { EventSink } from './events.js';

export interface GuardDeps {
  store: Store;
  study: NightshiftStudyRecord;
  owner: string;
  artifacts: string;
  minFreeBytes: number;
  waitMs: number;
  dbFull: DatabaseFullWait;
  emit: EventSink;
  now: () => number;
}

export class FreeSpaceGuard {
  /** Why no new trial starts, while free space is low. */
  reason: string | null = null;
  private since = 0;

  constructor(private readonly d: GuardDeps) {}

  /** `ok`: a trial may start; `wait`: not now, space may come back; `over`: the wait is spent (or none is allowed). */
  check(): 'ok' | 'wait' | 'over' {
    const { store, study, owner, dbFull, emit } = this.d;
    const low = lowDiskReason(this.d.artifacts, study.name, this.d.minFreeBytes);
    const now = this.d.now();
    if (low && !this.reason) {
      this.since = now;
      dbFull.writeOrLater(() => store.addEvent(study.id, null, 'disk.low', low));
      const waits = this.d.waitMs > 0;
      emit({ type: 'log', level: 'warn', message: waits ? `${low}; waiting up to ${formatWait(this.d.waitMs)} for space` : low });
      if (waits) dbFull.writeOrLater(() => store.setStudyState(study.id, 'running', `waiting for disk space: ${low}`, owner));
    } else if (!low && this.reason) {
      const waited = `${((now - this.since) / 1000).toFixed(0)} s`;
      emit({ type: 'log', level: 'warn', message: `free disk is back above resources.min_free_disk after ${waited}; trials start again` });
      dbFull.writeOrLater(() => {
        store.addEvent(study.id, null, 'disk.ok', `free disk back above resources.min_free_disk after ${waited} of waiting`);
        store.setStudyState(study.id, 'running', null, owner);
      });
    }
    this.reason = low;
    if (!low) return 'ok';
    return now - this.since >= this.d.waitMs ? 'over' : 'wait';
  }
}
