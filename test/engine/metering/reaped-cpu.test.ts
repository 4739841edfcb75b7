// A trial process shorter than the meter's interval, or one that exits between two reads, still gets all of
// its CPU time: the tail since the last read comes from this process's reaped-children counters.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Meter, reapedCpu } from '../../../src/main/engine/metering/index.js';
import { ReapedCpu, readSelfChildTicks } from '../../../src/main/engine/metering/reaped-cpu.js';
import { runNvidiaSmi } from '../../../src/main/engine/metering/nvidia-smi.js';
import { launchTrial } from '../../../src/main/engine/runner/process.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A ledger on a hand-moved clock and counter, closing its batches when told. */
function ledger(cores = 4) {
  const s = { children: 0, t: 0, deferred: [] as Array<() => void> };
  const l = new ReapedCpu(() => s.children, () => s.t, cores, (fn) => s.deferred.push(fn));
  const settle = (): void => {
    while (s.deferred.length) s.deferred.shift()!();
  };
  return { l, s, settle };
}

describe('the reaped-CPU ledger', () => {
  it('gives an exiting root what it used after the meter last read its tree', () => {
    const { l, s, settle } = ledger();
    l.watch(10);
    s.t = 100;
    l.noteTree(10, 30); // the meter's last read: 30 ticks
    s.children = 5; // something else was reaped before the next tick
    l.mark();
    s.t = 400;
    s.children = 5 + 42; // the root is reaped with 42 ticks in all
    l.atExit(10);
    settle();
    expect(l.take(10)).toBe(12);
    expect(l.take(10)).toBe(0); // forgotten once taken
  });

  it('keeps the last read from before the reaping: a read after it sees only what the root left behind', () => {
    const { l, s, settle } = ledger();
    l.watch(10);
    s.t = 100;
    l.noteTree(10, 30);
    s.t = 300;
    s.children = 42;
    l.atExit(10);
    l.noteTree(10, 2); // an orphan of the trial, read by a tick that ran before the batch closed
    settle();
    expect(l.take(10)).toBe(12);
  });

  it('splits one reaping of two roots by the time since each was read, and never exceeds the cores', () => {
    const { l, s, settle } = ledger(2);
    l.watch(1);
    l.watch(2);
    s.t = 0;
    l.noteTree(1, 10);
    s.t = 200;
    l.noteTree(2, 10);
    s.t = 400;
    s.children = 10 + 10 + 60; // both reaped in one pass: 60 ticks after their last reads
    l.atExit(1);
    l.atExit(2);
    settle();
    const [a, b] = [l.take(1), l.take(2)];
    expect(a + b).toBeCloseTo(60, 6);
    expect(a / b).toBeCloseTo(2, 6); // 400 ms against 200 ms since their reads
    // 0.41 s × 100 ticks/s × 2 cores at most, whatever else the counter says was reaped.
    const big = ledger(2);
    big.l.watch(3);
    big.s.t = 400;
    big.s.children = 10_000;
    big.l.atExit(3);
    expect(big.l.take(3)).toBeCloseTo(0.41 * 100 * 2, 6);
  });

  it('ignores children it was not asked to watch, but moves past their time', () => {
    const { l, s, settle } = ledger();
    l.watch(7);
    s.children = 50;
    l.atExit(99); // a helper process, not a trial
    settle();
    s.children = 58;
    s.t = 500;
    l.atExit(7);
    expect(l.take(7)).toBe(8);
    expect(l.take(99)).toBe(0);
  });

  it('reads cutime + cstime from /proc/self/stat', () => {
    expect(readSelfChildTicks()).toEqual(expect.any(Number));
    expect(readSelfChildTicks('/nonexistent')).toBeNull();
  });
});

// Burns CPU for the given seconds of its own CPU time, then prints it (µs): an independent figure.
const BURN = (s: number): string =>
  `const t=process.cpuUsage();let x=0;for(;;){x++;if(x%1e5===0){const u=process.cpuUsage(t);if(u.user+u.system>${s * 1e6})break}}const u=process.cpuUsage();console.log('cpu_us',u.user+u.system)`;

/** A meter that reads every 2 s (each process here ends long before its next read) and a folder for logs. */
async function slowMeter(intervalMs = 2000) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-reaped-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const m = await Meter.start({ nvidiaSmi: '/nonexistent/nvidia-smi', raplRoot: '/nonexistent', intervalMs, idleSeconds: 0, cpuWatts: 80 });
  cleanups.push(() => m.stop());
  /** `node -e script` launched as the executors launch a trial, and metered under `key`. */
  const launch = (key: string, script: string, on: { report?: (metrics: Record<string, number>) => void; log?: (line: string) => void } = {}) => {
    const p = launchTrial({
      argv: [process.execPath, '-e', script],
      cwd: dir,
      env: {},
      logDir: path.join(dir, key),
      timeoutMs: 20_000,
      killGraceMs: 500,
      onReport: (_step, metrics) => on.report?.(metrics),
      onLog: (_stream, line) => on.log?.(line),
      onReaped: (pid) => reapedCpu.atExit(pid), // as the executors do
    });
    m.beginTrial(key, p.pid, []);
    return p;
  };
  return { m, launch };
}

describe('a metered trial process that exits between two meter reads', () => {
  it('is charged all of its CPU time, alone and when two end together', async () => {
    const { m, launch } = await slowMeter();
    const run = async (key: string, seconds: number) => {
      let out = '';
      const p = launch(key, BURN(seconds), { log: (line) => (out += line + '\n') });
      await p.done;
      const r = await m.endTrial(key);
      const cpuS = Number(/cpu_us (\d+)/.exec(out)?.[1]) / 1e6;
      return { metered: r.metrics.cpu_energy_j as number, expected: (cpuS / os.availableParallelism()) * 80 };
    };
    const results = [await run('a', 0.3), await run('b', 0.6), ...(await Promise.all([run('c', 0.4), run('d', 0.4)]))];
    for (const r of results) expect(r.expected).toBeGreaterThan(0);
    // Node's start-up and exit (outside cpuUsage's reach) add a little; the ticks the meter missed were ~all.
    const metered = results.reduce((s, r) => s + r.metered, 0);
    const expected = results.reduce((s, r) => s + r.expected, 0);
    expect(metered / expected).toBeGreaterThan(0.95);
    expect(metered / expected).toBeLessThan(1.4);
    for (const r of results.slice(0, 2)) expect(r.metered / r.expected).toBeGreaterThan(0.95);
  });
});

describe('a report between two meter reads', () => {
  it('carries the energy of the CPU time used up to it, not the last read’s', async () => {
    const { m, launch } = await slowMeter();
    // Burns 0.5 CPU-s (its "start-up"), reports with the CPU time it measured, then idles before exiting.
    const script = BURN(0.5).replace("console.log('cpu_us',u.user+u.system)", "console.log('@nightshift '+JSON.stringify({step:1,cpu_us:u.user+u.system}));setTimeout(()=>{},300)");
    let atReport: { metered: number | null; cpuUs: number } | null = null;
    const p = launch('r', script, { report: (metrics) => (atReport = { metered: m.sample('r').cpu_energy_j, cpuUs: metrics.cpu_us! }) });
    await p.done;
    await m.endTrial('r');
    expect(atReport).not.toBeNull();
    const { metered, cpuUs } = atReport!;
    const worth = (cpuUs / 1e6 / os.availableParallelism()) * 80;
    expect(metered! / worth).toBeGreaterThan(0.95);
    expect(metered! / worth).toBeLessThan(1.4);
  });
});

describe('the engine’s own helper processes', () => {
  it('are not charged to a trial that exits after them (an nvidia-smi query reaped mid-trial)', async () => {
    // No tick between the query and the trial's exit: only the query's own reaping can tell them apart.
    const { launch } = await slowMeter(10_000);
    let out = '';
    // The trial idles while the "nvidia-smi" query burns 0.6 CPU-s and is reaped, then burns 0.2 CPU-s itself.
    const p = launch('t', `setTimeout(()=>{${BURN(0.2)}},1500)`, { log: (line) => (out += line + '\n') });
    const helper = await runNvidiaSmi(process.execPath, ['-e', BURN(0.6)], 20_000);
    expect(helper.ok).toBe(true);
    await p.done;
    const own = Number(/cpu_us (\d+)/.exec(out)?.[1]) / 1e4; // in clock ticks (1/100 s)
    const tail = reapedCpu.take(p.pid);
    // The trial's own CPU time and Node's start-up, not the helper's 60 ticks on top.
    expect(tail).toBeGreaterThan(own * 0.9);
    expect(tail).toBeLessThan(own + 25);
  });
});
