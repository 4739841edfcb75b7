// Linux /proc readers for a trial's whole process tree (data loaders, workers and shells included: NNI's
// mistake was to measure only the main pid). A process that exits mid-walk is skipped.
//
// These reads are synchronous on purpose. procfs files are generated from kernel memory (no disk I/O), and a
// sync read of /proc/<pid>/stat costs ~25 µs of CPU here, against ~260 µs for fs/promises.readFile (open,
// fstat, read, close: four thread-pool round trips). At 500 ms with a few trials, async reads alone cost the
// engine ~1% of a core; sync ones ~0.1%, with no measurable event-loop delay.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * USER_HZ: the unit of utime/stime in /proc/<pid>/stat and of /proc/stat. The kernel fixes it at 100 in the
 * userspace ABI of every mainstream architecture (x86, arm64, ppc64, riscv), whatever CONFIG_HZ is.
 */
export const CLOCK_TICKS_PER_S = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks (cutime/cstime hold reaped children's time). */
  ticks: number;
  /** cutime + cstime alone: the CPU time of the children this process has reaped. */
  childTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14 → rest[11].
  const ppid = Number(rest[1]);
  const nums = [rest[11], rest[12], rest[13], rest[14]].map((v) => Number(v));
  const rssPages = Number(rest[21]); // field 24
  if (!Number.isFinite(pid) || !Number.isFinite(ppid) || nums.some((n) => !Number.isFinite(n))) return null;
  return { pid, ppid, ticks: nums.reduce((a, b) => a + b, 0), childTicks: nums[2]! + nums[3]!, rssPages: Number.isFinite(rssPages) ? rssPages : 0 };
}

function readText(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Page size without spawning `getconf`: this process's RSS in bytes over its RSS in pages, snapped to the
 * sizes Linux uses (4 KiB on x86; 4, 16 or 64 KiB on arm64).
 */
function detectPageSize(root: string): number {
  const statm = readText(path.join(root, 'self', 'statm'));
  const pages = Number(statm?.split(' ')[1]);
  if (!Number.isFinite(pages) || pages <= 0) return 4096;
  const ratio = process.memoryUsage().rss / pages;
  return [4096, 16384, 65536].reduce((best, s) => (Math.abs(Math.log2(ratio / s)) < Math.abs(Math.log2(ratio / best)) ? s : best), 4096);
}

export class ProcReader {
  readonly pageSize: number;

  constructor(private readonly root = '/proc') {
    this.pageSize = detectPageSize(root);
  }

  stat(pid: number): ProcStat | null {
    const text = readText(path.join(this.root, String(pid), 'stat'));
    return text === null ? null : parseProcStat(text);
  }

  /**
   * The pid and its living descendants. Uses /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN, cheap);
   * where the kernel lacks it, falls back to one scan of every /proc/<pid>/stat for parent links.
   * allThreads=false reads only each member's main-thread children file: one read per member instead of one
   * per thread, and it still sees what the main thread forks (Python's subprocess and DataLoader workers).
   */
  tree(rootPid: number, allThreads = true): number[] {
    if (readText(path.join(this.root, String(rootPid), 'task', String(rootPid), 'children')) === null) {
      return this.stat(rootPid) === null ? [] : this.treeViaScan(rootPid);
    }
    const out: number[] = [];
    const queue = [rootPid];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.shift() as number;
      if (seen.has(pid)) continue;
      seen.add(pid);
      let tids: string[] = [String(pid)];
      if (allThreads) {
        try {
          tids = readdirSync(path.join(this.root, String(pid), 'task'));
        } catch {
          continue; // exited
        }
      }
      let alive = false;
      for (const tid of tids) {
        const text = readText(path.join(this.root, String(pid), 'task', tid, 'children'));
        if (text === null) continue;
        alive = true;
        for (const c of text.split(' ')) if (c.trim() !== '') queue.push(Number(c));
      }
      if (alive) out.push(pid);
    }
    return out;
  }

  private treeViaScan(rootPid: number): number[] {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch {
      return [];
    }
    const children = new Map<number, number[]>();
    let rootAlive = false;
    for (const e of entries) {
      if (!/^\d+$/.test(e)) continue;
      const st = this.stat(Number(e));
      if (!st) continue;
      if (st.pid === rootPid) rootAlive = true;
      const list = children.get(st.ppid) ?? [];
      list.push(st.pid);
      children.set(st.ppid, list);
    }
    if (!rootAlive) return [];
    const out: number[] = [];
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.shift() as number;
      if (out.includes(pid)) continue;
      out.push(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    return out;
  }

  /** True when pid descends from (or is) one of the roots; walks parent links, at most 64 levels. */
  descendsFrom(pid: number, roots: ReadonlySet<number>): number | null {
    let cur = pid;
    for (let i = 0; i < 64 && cur > 1; i++) {
      if (roots.has(cur)) return cur;
      const st = this.stat(cur);
      if (!st) return null;
      cur = st.ppid;
    }
    return null;
  }

  /** Busy (non-idle, non-iowait) clock ticks summed over all CPUs, from the first line of /proc/stat. */
  busyTicks(): number | null {
    const text = readText(path.join(this.root, 'stat'));
    const line = text?.split('\n')[0];
    if (!line || !line.startsWith('cpu ')) return null;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    if (v.length < 5 || v.some((n) => !Number.isFinite(n))) return null;
    // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = v;
    return user + nice + system + irq + softirq + steal;
  }
}

/** Cumulative CPU ticks of a tree whose members come and go; never decreases. */
export class TreeCpuCounter {
  private lastTotal: number | null = null;
  private cumulative = 0;

  /**
   * Adds the growth of Σ(own + reaped children's) ticks over the living members. A member reaped by another
   * member moves its ticks into the parent's cutime (no loss); one that leaves the tree makes the sum drop,
   * which is ignored rather than subtracted, so time already counted stays counted.
   */
  update(total: number): number {
    const delta = this.lastTotal === null ? total : total - this.lastTotal;
    if (delta > 0) this.cumulative += delta;
    this.lastTotal = total;
    return delta > 0 ? delta : 0;
  }

  /** Counts only what the tree uses from now on (a reused process's earlier ticks were another trial's). */
  startFrom(total: number): void {
    this.lastTotal = total;
  }

  get ticks(): number {
    return this.cumulative;
  }
}
