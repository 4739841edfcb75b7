// The CPU time a trial's process used after the meter's last look at it. The meter reads each trial's
// process tree every interval (500 ms); a process that exits between two reads takes the CPU it used since
// the last one with it, because /proc forgets a process once it is reaped. For a 10-minute trial that is
// noise, but the short trials of a multi-fidelity study are often shorter than an interval: a burner that
// used 0.31, 1.50 and 0.05 CPU-seconds was metered at 61% of them, and the built-in trainer's 0.3-second
// breast_cancer trials at about 60%, so their joules (and a comparison with a peer measured by rusage) came
// out low.
//
// Linux keeps what it forgets: when this process reaps a child, the child's whole CPU time (its own and that
// of the descendants it reaped) is added to this process's cutime + cstime. So the runner calls atExit()
// from the child's exit event, which Node fires right after reaping it, and the growth of those counters
// since the previous reading is that child's total. Less what the meter last counted for the trial's whole
// tree, that is the tail the ticks missed. (The tree, not the root alone: data-loader workers the root
// reaped before it exited are in both figures, and would otherwise be counted twice. Descendants that were
// not reaped by the root drop out of the reaped total, so the tail errs low, never high.)
//
// Children reaped together (libuv reaps every exited child before it fires their exit events) share one
// growth, split by the time since the meter last read each; children that are not trials (a GPU sampler
// restarted) can land in it too, so a tail is capped at what all cores could do in that time.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { CLOCK_TICKS_PER_S, parseProcStat } from './proc.js';

/** This process's reaped children's CPU time (cutime + cstime), in clock ticks; null where /proc is missing. */
export function readSelfChildTicks(file = '/proc/self/stat'): number | null {
  try {
    return parseProcStat(readFileSync(file, 'utf8'))?.childTicks ?? null;
  } catch {
    return null;
  }
}

interface Root {
  /** Its tree's total (each living member's utime + stime + cutime + cstime) at the meter's last read. */
  ticks: number;
  /** When that read was (ms, the ledger's clock). */
  at: number;
}

export class ReapedCpu {
  private baseline: number | null = null;
  private readonly roots = new Map<number, Root>();
  private batch: { pids: number[]; ticks: number } | null = null;
  private readonly tails = new Map<number, number>();

  constructor(
    private readonly read: () => number | null = readSelfChildTicks,
    private readonly now: () => number = () => performance.now(),
    private readonly cores = Math.max(1, os.availableParallelism()),
    private readonly defer: (fn: () => void) => void = (fn) => void setImmediate(fn),
  ) {}

  /** A trial's root process, to be metered until take(). */
  watch(pid: number): void {
    this.roots.set(pid, { ticks: 0, at: this.now() });
    if (this.baseline === null && this.batch === null) this.baseline = this.read();
  }

  /** What the meter read of a watched root's tree (every living member's total, reaped children included). */
  noteTree(pid: number, ticks: number): void {
    // Once reaped, the root's last read stands: a read after it sees only what it left behind.
    if (this.batch?.pids.includes(pid)) return;
    if (this.roots.has(pid)) this.roots.set(pid, { ticks, at: this.now() });
  }

  /** Children reaped before now are nobody's tail (called at each meter tick). */
  mark(): void {
    if (this.batch === null) this.baseline = this.read();
  }

  /** From a child's exit event, synchronously: it was reaped just now. */
  atExit(pid: number): void {
    const now = this.read();
    if (now === null) return;
    const growth = this.baseline === null ? 0 : Math.max(0, now - this.baseline);
    this.baseline = now;
    if (this.batch === null) {
      this.batch = { pids: [], ticks: 0 };
      this.defer(() => this.close());
    }
    this.batch.ticks += growth;
    if (this.roots.has(pid)) this.batch.pids.push(pid);
  }

  /** An engine helper process (nvidia-smi, a watchdog): its CPU time, once reaped, is no trial's tail. */
  follow(child: ChildProcess): void {
    child.once('exit', () => {
      if (child.pid !== undefined) this.atExit(child.pid);
    });
  }

  /** The ticks a watched root used after the meter's last read of it (0 if none known); forgets the root. */
  take(pid: number): number {
    if (this.batch?.pids.includes(pid)) this.close();
    const tail = this.tails.get(pid) ?? 0;
    this.tails.delete(pid);
    this.roots.delete(pid);
    return tail;
  }

  private close(): void {
    const batch = this.batch;
    this.batch = null;
    if (batch === null || batch.pids.length === 0) return;
    const t = this.now();
    const members = batch.pids.map((pid) => ({ pid, ...this.roots.get(pid)! }));
    const spare = Math.max(0, batch.ticks - members.reduce((s, m) => s + m.ticks, 0));
    const weights = members.map((m) => Math.max(1, t - m.at));
    const total = weights.reduce((a, b) => a + b, 0);
    members.forEach((m, i) => {
      const cap = ((t - m.at) / 1000 + 0.01) * CLOCK_TICKS_PER_S * this.cores;
      this.tails.set(m.pid, Math.min(cap, (spare * weights[i]!) / total));
      this.roots.delete(m.pid);
    });
  }
}

/** One per process: cutime is the whole process's. */
export const reapedCpu = new ReapedCpu();
