// Where a trial's fixed cost goes, from process start to its first report. Every short trial of a
// multi-fidelity study pays it again (ASHA stops most trials after one epoch), so the trainer logs one line
// per process that says which stage to blame, e.g.
//   startup: modules 310 ms, backend 95 ms, data 40 ms, model 6 ms, first epoch 380 ms (total 831 ms)
// Times are wall-clock since the process started (performance.timeOrigin), so "modules" includes Node's own
// start-up and the loading of TF.js.

export class StartupClock {
  private readonly stages: [string, number][] = [];
  private done = false;
  private readonly since: number;

  /** `since`: where the clock starts (ms of performance.now()); a reused process's later trials start late. */
  constructor(private last = 0) {
    this.since = last;
  }

  /** Ends the stage called `name` now (no-op once the summary was taken). */
  mark(name: string): void {
    if (this.done) return;
    const now = performance.now();
    this.stages.push([name, now - this.last]);
    this.last = now;
  }

  /** The summary line, once: later calls (later epochs) return null. */
  finish(): string | null {
    if (this.done) return null;
    this.done = true;
    const parts = this.stages.map(([name, ms]) => `${name} ${Math.round(ms)} ms`);
    return `startup: ${parts.join(', ')} (total ${Math.round(this.last - this.since)} ms)`;
  }
}
