// Per-trial CPU energy and peak RSS, from each trial's whole process tree.
//
// With RAPL, each tick's package energy is split by the trials' share of the machine's busy CPU time
// (/proc/stat), the same attribution as Scaphandre and CodeCarbon's process mode. Without RAPL, energy is
// estimated as the tree's CPU time ÷ logical cores × the configured package power: a tree that keeps every
// core busy is charged the full package power, one core of N is charged 1/N of it.
import os from 'node:os';
import { probeRapl, RaplCounter, type ReadText } from './rapl.js';
import { CLOCK_TICKS_PER_S, ProcReader, TreeCpuCounter } from './proc.js';
import { reapedCpu } from './reaped-cpu.js';
import type { CpuProvenance } from './types.js';

/**
 * Default package power for the estimate: 65 W is the TDP class of most desktop CPUs (Intel Core non-K,
 * AMD Ryzen non-X). Workstation parts draw more, laptops less; the result is marked as an estimate.
 */
export const DEFAULT_CPU_WATTS = 65;
const TREE_REFRESH_MS = 2000;

export interface CpuTrial {
  pid: number;
  counter: TreeCpuCounter;
  seen: boolean;
  pids: Set<number>;
  /** When the tree's membership was last walked (engine ms). */
  treeAt: number | null;
  energy_j: number;
  above_idle_j: number;
  peak_rss_kb: number | null;
}

export function newCpuTrial(pid: number): CpuTrial {
  return { pid, counter: new TreeCpuCounter(), seen: false, pids: new Set([pid]), treeAt: null, energy_j: 0, above_idle_j: 0, peak_rss_kb: null };
}

export class CpuEnergy {
  source: 'rapl' | 'estimate' | 'none' = 'none';
  reason = '';
  baselineW: number | null = null;
  rapl: RaplCounter | null = null;
  private prevBusy: number | null = null;
  private prevT: number | null = null;
  /** RAPL: joules (and joules above idle) per busy CPU tick over the last tick, to price a trial's tail. */
  private rate: { j: number; aboveIdleJ: number } | null = null;
  readonly cores = Math.max(1, os.availableParallelism());

  constructor(
    readonly proc: ProcReader,
    readonly cpuWatts: number,
  ) {}

  async init(raplRoot: string | undefined, read?: ReadText): Promise<void> {
    const probe = await probeRapl(raplRoot, read);
    const procOk = this.proc.busyTicks() !== null;
    if (probe.ok && procOk) {
      this.rapl = new RaplCounter(probe.zones, read);
      this.source = 'rapl';
      this.reason = `RAPL ${probe.zones.map((z) => z.name).join(', ')}`;
    } else if (procOk) {
      this.source = 'estimate';
      this.reason = `${probe.ok ? 'RAPL readable but /proc/stat is not' : probe.reason}; using an estimate from CPU time × ${this.cpuWatts} W`;
    } else {
      this.source = 'none';
      this.reason = 'no /proc (not Linux): CPU time of trial processes cannot be read';
    }
  }

  provenance(): CpuProvenance {
    return {
      source: this.source,
      reason: this.reason,
      method:
        this.source === 'rapl'
          ? 'RAPL package energy × the trial process tree’s share of busy CPU time (/proc)'
          : this.source === 'estimate'
            ? `trial process tree CPU time ÷ ${this.cores} logical cores × ${this.cpuWatts} W`
            : 'none',
      baseline_w: this.baselineW,
      estimate: this.source === 'estimate',
    };
  }

  /** Reads every trial's tree and the package counter once, and adds this tick's energy to each trial. */
  async tick(t: number, trials: CpuTrial[]): Promise<void> {
    if (this.source === 'none') return;
    reapedCpu.mark();
    const rapl = this.rapl ? await this.rapl.tick(t) : null;
    const busy = this.proc.busyTicks();
    const deltas = trials.map((tr) => this.readTree(tr, t));
    const dtS = this.prevT === null ? 0 : (t - this.prevT) / 1000;
    const busyDelta = busy !== null && this.prevBusy !== null ? busy - this.prevBusy : null;
    this.prevBusy = busy;
    this.prevT = t;
    if (this.source === 'estimate') {
      trials.forEach((tr, i) => {
        const j = ((deltas[i] ?? 0) / CLOCK_TICKS_PER_S / this.cores) * this.cpuWatts;
        tr.energy_j += j;
        tr.above_idle_j += j;
      });
      return;
    }
    if (!rapl || busyDelta === null || busyDelta <= 0) return;
    const raw = deltas.map((d) => Math.min(1, d / busyDelta));
    const sum = raw.reduce((a, b) => a + b, 0);
    // Tree and /proc/stat reads are not atomic; never hand out more than the whole package.
    const scale = sum > 1 ? 1 / sum : 1;
    const aboveIdle = Math.max(0, rapl.joules - (this.baselineW ?? 0) * dtS);
    this.rate = { j: rapl.joules / busyDelta, aboveIdleJ: (this.baselineW === null ? rapl.joules : aboveIdle) / busyDelta };
    trials.forEach((tr, i) => {
      const share = (raw[i] ?? 0) * scale;
      tr.energy_j += share * rapl.joules;
      tr.above_idle_j += share * (this.baselineW === null ? rapl.joules : aboveIdle);
    });
  }

  /**
   * Brings one trial's CPU energy up to now, between ticks: a report's energy, and with it a trial's
   * start-up energy (launch to first report), would otherwise be the last tick's, up to an interval old,
   * which for a start-up of a few tenths of a second is often nothing. With RAPL the package is read
   * at ticks only, so the new ticks are priced at the last tick's rate (not before there is one).
   */
  refresh(tr: CpuTrial, t: number): void {
    if (this.source === 'none' || (this.source === 'rapl' && this.rate === null)) return;
    this.charge(tr, this.readTree(tr, t));
  }

  /** CPU ticks charged outside a tick (a refresh, or the tail after a process's last read), priced like a tick's. */
  charge(tr: CpuTrial, ticks: number): void {
    if (!(ticks > 0) || this.source === 'none') return;
    if (this.source === 'estimate') {
      const j = (ticks / CLOCK_TICKS_PER_S / this.cores) * this.cpuWatts;
      tr.energy_j += j;
      tr.above_idle_j += j;
    } else if (this.rate) {
      tr.energy_j += ticks * this.rate.j;
      tr.above_idle_j += ticks * this.rate.aboveIdleJ;
    } else return;
    tr.seen = true;
  }

  /** First reading of the idle window (package power before any trial runs). */
  async beginBaseline(t: number): Promise<void> {
    await this.rapl?.tick(t);
  }

  async endBaseline(t0: number, t1: number): Promise<void> {
    if (!this.rapl || t1 <= t0) return;
    const d = await this.rapl.tick(t1);
    if (d && !d.ambiguous) this.baselineW = d.joules / ((t1 - t0) / 1000);
  }

  /**
   * Every tick walks the main threads' children; every TREE_REFRESH_MS, every thread's (a full walk reads one
   * file per thread, and trainers run dozens of threads). A child born and reaped between two walks is not
   * lost: its time lands in its parent's cutime.
   */
  private readTree(tr: CpuTrial, t: number): number {
    const ticks = this.treeTotal(tr, t);
    return ticks === null ? 0 : tr.counter.update(ticks);
  }

  /**
   * Starts a trial's count from what its process tree has already used: a reused trainer process ran
   * earlier trials, whose CPU time is theirs.
   */
  prime(tr: CpuTrial, t: number): void {
    if (this.source === 'none') return;
    const ticks = this.treeTotal(tr, t);
    if (ticks !== null) tr.counter.startFrom(ticks);
  }

  /** The tree's total ticks (each living member's own + reaped children's), null when none could be read. */
  private treeTotal(tr: CpuTrial, t: number): number | null {
    const full = tr.treeAt === null || t - tr.treeAt >= TREE_REFRESH_MS;
    const pids = this.proc.tree(tr.pid, full);
    if (full) tr.treeAt = t;
    // Between full walks, keep members only a full walk can find (children of other threads); dead ones just
    // fail their stat read below and are dropped at the next full walk.
    if (pids.length > 0) tr.pids = full ? new Set(pids) : new Set([...pids, ...tr.pids]);
    let ticks = 0;
    let rssPages = 0;
    let any = false;
    let rootRead = false;
    for (const p of tr.pids) {
      const st = this.proc.stat(p);
      if (!st) continue;
      any = true;
      rootRead ||= p === tr.pid;
      ticks += st.ticks;
      rssPages += st.rssPages;
    }
    if (!any) return null;
    tr.seen = true;
    // Only a read that found the root alive is what its reaping is measured against.
    if (rootRead) reapedCpu.noteTree(tr.pid, ticks);
    tr.peak_rss_kb = Math.max(tr.peak_rss_kb ?? 0, (rssPages * this.proc.pageSize) / 1024);
    return ticks;
  }
}
