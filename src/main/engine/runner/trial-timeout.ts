// A trial's timeout whose clock stands still while the trial is paused (SIGSTOP at a rung): a frozen trial
// uses no time of its own, so it must not time out for waiting on the engine's decision.
export class TrialTimeout {
  private timer: NodeJS.Timeout | null = null;
  private leftMs: number | null;
  private since = 0;

  /** `ms` null: no timeout. Starts running at once. */
  constructor(
    ms: number | null,
    private readonly onTimeout: () => void,
  ) {
    this.leftMs = ms;
    this.run();
  }

  /** Stops the clock, keeping what is left (a pause). */
  hold(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.leftMs = this.leftMs === null ? null : this.leftMs - (performance.now() - this.since);
  }

  /** Lets the clock run again with what was left (a resume). */
  run(): void {
    if (this.leftMs === null || this.timer !== null) return;
    this.since = performance.now();
    this.timer = setTimeout(this.onTimeout, Math.max(0, this.leftMs));
  }

  /** The trial ended: the timeout never fires. */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.leftMs = null;
  }
}
