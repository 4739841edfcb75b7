// One running trial's side of `scheduler.mode: pause` (schedulers/pausing.ts): after each stored report,
// whether it must wait at a rung; while it waits, the reports its process printed before the freeze took
// hold (held here, stored only if it resumes, so a stored report past a rung always means it passed); the
// rungs it was let through in this engine; and how long it waited in all (`paused_s`).
import type { Meter } from '../metering/index.js';
import type { Pausing, RungStanding } from '../schedulers/pausing.js';
import type { SchedulerContext } from '../schedulers/types.js';

export class TrialPause {
  /** Where it waits, or null while it runs. */
  waiting: RungStanding | null = null;
  private readonly passed = new Set<number>();
  private held: [number, Record<string, number>][] = [];
  private since = 0;
  private totalMs = 0;
  private ever = false;
  /** The configuration's highest stored step: read from the study once, then kept up by `stored`. */
  private highest: number | null = null;

  constructor(
    private readonly scheduler: Pausing,
    private readonly number: number,
  ) {}

  /**
   * The configuration's highest stored step before a report is stored (what `afterReport` compares with).
   * Only this trial stores reports of its configuration while it runs (its retries come after it), so the
   * study is read at its first report and not at every one.
   */
  before(ctx: SchedulerContext): number {
    this.highest ??= this.scheduler.highestOf(ctx, this.number);
    return this.highest;
  }

  /** A report of this trial was stored (or held for a full disk: it counts as received). */
  stored(step: number): void {
    this.highest = Math.max(this.highest ?? -Infinity, step);
  }

  /** A report that arrived while the trial waits: kept back, true. False while it runs. */
  hold(step: number, metrics: Record<string, number>): boolean {
    if (!this.waiting) return false;
    this.held.push([step, metrics]);
    return true;
  }

  /**
   * Before a report past the rung the configuration's stored reports end at, and that it has not passed (a
   * retry after an engine restart whose checkpoint lies beyond the rung): the rung to wait at first, with
   * this report held, so that nothing is stored past a rung the trial has not passed.
   */
  beforeStore(ctx: SchedulerContext, step: number, before: number): RungStanding | null {
    if (step <= before || this.passed.has(before) || !this.scheduler.rungSteps.includes(before)) return null;
    return this.scheduler.rungToWait(ctx, this.number, before, before, this.passed);
  }

  /** After a report was stored: the rung to wait at, or null to go on (its rungs up to `step` are passed). */
  afterReport(ctx: SchedulerContext, step: number, before: number): RungStanding | null {
    const wait = this.scheduler.rungToWait(ctx, this.number, step, before, this.passed);
    if (wait) return wait;
    for (const r of this.scheduler.rungSteps) if (r >= before && r <= step) this.passed.add(r);
    return null;
  }

  /** Let through at `rung` without waiting (it could not be paused there). */
  letThrough(rung: number): void {
    this.passed.add(rung);
  }

  /** Records that the process was frozen at `where`, and the report that made it wait if it was not stored. */
  paused(where: RungStanding, now: number, unstored?: [number, Record<string, number>]): void {
    this.waiting = where;
    this.since = now;
    this.ever = true;
    if (unstored) this.held.push(unstored);
  }

  /** The process goes on: its rung counts as passed; returns the reports held meanwhile, to be stored now. */
  resumed(now: number): [number, Record<string, number>][] {
    if (this.waiting) {
      this.passed.add(this.waiting.rung);
      this.totalMs += now - this.since;
    }
    this.waiting = null;
    const held = this.held;
    this.held = [];
    return held;
  }

  /** Stopped while it waited: what it printed past the rung is dropped with it. */
  dropHeld(): void {
    this.held = [];
  }

  /** Seconds spent paused, the current wait included; null when it never waited. */
  pausedSeconds(now: number): number | null {
    if (!this.ever) return null;
    return (this.totalMs + (this.waiting ? now - this.since : 0)) / 1000;
  }
}

/**
 * Why a trial on `gpus` should not be frozen: a GPU whose free memory is less than what the trial holds
 * there, so another trial started beside it would likely run out of memory. Null when there is room, or
 * when the meter cannot tell (no GPU, no memory readings).
 */
export function noRoomToPause(meter: Meter | null, key: string, gpus: readonly number[]): string | null {
  for (const g of meter ? gpus : []) {
    const room = meter!.gpuRoom(key, g);
    if (room && room.freeMb < room.heldMb) return `GPU ${g} has ${Math.round(room.freeMb)} MB free, less than the ${Math.round(room.heldMb)} MB this trial holds`;
  }
  return null;
}
