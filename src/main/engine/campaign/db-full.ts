// The database's own disk filling up mid-run (SQLITE_FULL, ENOSPC). Ending the engine there lost the rest
// of the night until someone restarted it; instead the run waits for space, up to
// `resources.disk_full_wait`: no new trial starts (a claim is a write), running trials go on, their
// reports are kept in memory and their outcomes wait, trial leases held, until the database takes writes
// again. A probe every few seconds retries the writes that could wait; when they go through the run
// resumes, and the study's event log records how long it waited. Past the wait, the original error ends
// the run as before (one line, exit 1; the next run re-queues what was running).
import type { Store } from '../storage/types.js';
import { isDiskFullError } from '../storage/open.js';
import type { EventSink } from './events.js';

const PROBE_MS = 2000;
/** Writes that can wait (a trial's process group, its placement); more than this means something is wrong. */
const MAX_PENDING = 10_000;

export interface DbFullDeps {
  store: Store;
  studyId: number;
  owner: string;
  /** How long to wait for space before giving up (ms); 0 gives up at the first full write. */
  waitMs: number;
  emit: EventSink;
  now: () => number;
  /** Called when the database takes writes again (the campaign starts trials again). */
  onResume: () => void;
  probeMs?: number;
}

/** A write failed because the disk is full: SQLite's SQLITE_FULL, or the file system's ENOSPC. */
export function isFullError(e: unknown): e is Error {
  return isDiskFullError(e) || (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOSPC');
}

export class DatabaseFullWait {
  private full: { since: number; error: Error } | null = null;
  /** Set once the wait is over: every later write attempt ends the run with it. */
  private gaveUp: Error | null = null;
  private readonly pending: (() => void)[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: DbFullDeps) {}

  /** True while the database cannot be written: no trial may start. */
  get waiting(): boolean {
    return this.full !== null;
  }

  /** Throws the error that ended the wait, once it has. */
  check(): void {
    if (this.gaveUp) throw this.gaveUp;
  }

  /** True when `e` is the disk being full: the run starts (or goes on) waiting. Other errors: false. */
  hit(e: unknown): boolean {
    if (!isFullError(e)) return false;
    if (this.gaveUp) return true;
    if (this.full) return true;
    this.full = { since: this.d.now(), error: e };
    if (this.d.waitMs <= 0) {
      this.giveUp();
      return true;
    }
    this.d.emit({
      type: 'log',
      level: 'warn',
      message: `the disk holding the database is full (${e.message}); waiting up to ${formatWait(this.d.waitMs)} for space: no new trial starts, running trials go on and their results are written once there is room`,
    });
    this.timer = setInterval(() => this.probe(), this.d.probeMs ?? PROBE_MS);
    return true;
  }

  /** Runs `write` now if the database takes writes, else queues it to run, in order, when it does. */
  writeOrLater(write: () => void): void {
    if (!this.full) {
      try {
        write();
        return;
      } catch (e) {
        if (!this.hit(e)) throw e;
      }
    }
    if (this.pending.length < MAX_PENDING) this.pending.push(write);
  }

  /** Runs `write`, waiting for the database to take writes first when it does not; rejects once the wait is over. */
  async retrying<T>(write: () => T): Promise<T> {
    for (;;) {
      this.check();
      if (!this.full) {
        try {
          return write();
        } catch (e) {
          if (!this.hit(e)) throw e;
          continue;
        }
      }
      await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
  }

  /** Stops probing (the run is over). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private probe(): void {
    const full = this.full;
    if (!full) return;
    if (this.d.now() - full.since >= this.d.waitMs) {
      this.giveUp();
      return;
    }
    try {
      this.d.store.heartbeat(this.d.owner);
      while (this.pending.length > 0) {
        try {
          this.pending[0]!();
        } catch (e) {
          if (isFullError(e)) throw e;
          // Overtaken meanwhile (the trial ended and its row no longer takes this): nothing to keep.
        }
        this.pending.shift();
      }
    } catch (e) {
      if (isFullError(e)) return;
      throw e;
    }
    this.full = null;
    this.close();
    const waited = (this.d.now() - full.since) / 1000;
    const message = `the database could be written again after ${waited.toFixed(0)} s of waiting for disk space; trials start again`;
    this.d.emit({ type: 'log', level: 'warn', message });
    try {
      this.d.store.addEvent(this.d.studyId, null, 'disk.db_full', `the disk holding the database was full for ${waited.toFixed(0)} s (${full.error.message}); no trial started meanwhile`);
    } catch (e) {
      if (!this.hit(e)) throw e;
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    this.d.onResume();
  }

  private giveUp(): void {
    const full = this.full!;
    this.close();
    const error = full.error;
    if (this.d.waitMs > 0) error.message = `${error.message}; waited ${formatWait(this.d.now() - full.since)} (resources.disk_full_wait) for space`;
    this.gaveUp = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
    this.d.onResume();
  }
}

/** 4h, 90 min, 30 s: a wait as a person reads it. */
export function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 120) return `${Math.round(s / 60)} min`;
  return `${s} s`;
}
