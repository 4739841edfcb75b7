// What `run` prints while a campaign goes: a single rewritten status line on a terminal, one line per
// finished trial otherwise (logs, CI), nothing on stdout with --json (stdout is for the final object).
import type { EngineEvent } from '../engine/campaign/events.js';
import type { Objective } from '../../shared/types.js';
import { num } from './format.js';

export class Progress {
  private done = 0;
  private running = 0;
  private best: { number: number; value: number } | null = null;
  /** Last reported objective value of each running trial; it becomes a result only when the trial completes. */
  private readonly latest = new Map<number, number>();
  private lastLine = '';
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream | NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly objectives: readonly Objective[],
    private readonly budgetTrials: number | null,
  ) {}

  on(e: EngineEvent): void {
    if (e.type === 'log') {
      this.line(`${e.level}: ${e.message}`);
      return;
    }
    if (e.type === 'study') return;
    if (e.type === 'trial-state') {
      if (e.state === 'running') this.running++;
      else {
        this.running = Math.max(0, this.running - 1);
        if (e.state !== 'stopped') this.done++;
        if (e.state === 'complete') this.consider(e.number);
        this.latest.delete(e.number);
        if (!this.tty || e.state !== 'complete') this.line(`trial ${e.number} ${e.state}${e.reason ? `: ${e.reason}` : ''}`);
      }
    }
    if (e.type === 'report' && this.objectives.length === 1) {
      const v = e.metrics[this.objectives[0]!.metric];
      if (v !== undefined) this.latest.set(e.number, v);
    }
    this.status();
  }

  private consider(number: number): void {
    const v = this.latest.get(number);
    const o = this.objectives[0]!;
    if (v === undefined || this.objectives.length !== 1) return;
    if (this.best === null || (o.direction === 'maximize' ? v > this.best.value : v < this.best.value)) this.best = { number, value: v };
  }

  private line(text: string): void {
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n${this.lastLine}`);
    else this.out.write(`${text}\n`);
  }

  private status(): void {
    if (!this.tty) return;
    const secs = Math.round((Date.now() - this.started) / 1000);
    const best = this.best ? ` · best ${this.objectives[0]!.metric} ${num(this.best.value)} (#${this.best.number})` : '';
    this.lastLine = `${this.done}${this.budgetTrials ? `/${this.budgetTrials}` : ''} trials · ${this.running} running${best} · ${Math.floor(secs / 60)}m${String(secs % 60).padStart(2, '0')}s`;
    this.out.write(`\r\x1b[2K${this.lastLine}`);
  }

  end(): void {
    if (this.tty) this.out.write('\n');
  }
}
