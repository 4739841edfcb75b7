// CPU energy and peak RSS of a trial's whole process tree, with real processes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../src/main/engine/metering/index.js';
import { parseProcStat, ProcReader, TreeCpuCounter } from '../../../src/main/engine/metering/proc.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

// Two busy node children under one shell; each prints its own CPU time (µs) when done, an independent figure.
// The shell outlives them by 0.5 s so the meter sees their time move into its cutime when it reaps them.
const BUSY = `const a=new Array(3e6).fill(1);const e=Date.now()+1200;let x=0;while(Date.now()<e){x+=a[x%a.length]}const u=process.cpuUsage();console.log('cpu_us',u.user+u.system)`;
function busyTree() {
  const c = spawn('bash', ['-c', `node -e "${BUSY}" & node -e "${BUSY}" & wait; sleep 0.5`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number>((resolve) => c.on('exit', () => resolve([...out.matchAll(/cpu_us (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0) / 1e6)));
  cleanups.push(() => c.kill('SIGKILL'));
  return { pid: c.pid as number, done };
}

describe('process tree', () => {
  it('finds grandchildren and parses stat lines with awkward names', async () => {
    const c = spawn('bash', ['-c', 'sleep 5 & (sleep 5 & wait) & wait'], { stdio: 'ignore' });
    cleanups.push(() => c.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 300));
    const pids = await new ProcReader().tree(c.pid as number);
    expect(pids[0]).toBe(c.pid);
    expect(pids.length).toBe(4); // bash, sleep, subshell, its sleep
    expect(parseProcStat('42 (a) b) (c) S 7 42 42 0 -1 4194560 1 0 0 0 10 5 3 2 20 0 1 0 1 1 1')).toEqual({ pid: 42, ppid: 7, ticks: 20, childTicks: 5, rssPages: 1 });
    const k = new TreeCpuCounter();
    k.update(100);
    k.update(80); // a member left the tree: time already counted stays counted
    k.update(95);
    expect(k.ticks).toBe(115);
  });
});

describe('CPU energy', () => {
  it('estimates from the whole tree’s CPU time when RAPL is unavailable, and sums the tree’s RSS', async () => {
    const m = await Meter.start({ nvidiaSmi: '/nonexistent/nvidia-smi', raplRoot: '/nonexistent', intervalMs: 100, idleSeconds: 0, cpuWatts: 80 });
    cleanups.push(() => m.stop());
    const tree = busyTree();
    m.beginTrial('busy', tree.pid, []);
    const cpuSeconds = await tree.done;
    const r = await m.endTrial('busy');
    const cores = os.availableParallelism();
    const expected = (cpuSeconds / cores) * 80;
    expect(r.provenance.cpu).toMatchObject({ source: 'estimate', estimate: true });
    expect(r.provenance.cpu.reason).toMatch(/nonexistent.*estimate from CPU time × 80 W/);
    expect(Math.abs((r.metrics.cpu_energy_j as number) - expected) / expected).toBeLessThan(0.1);
    expect(r.metrics.energy_j).toBe(r.metrics.cpu_energy_j);
    expect(r.metrics.gpu_energy_j).toBeUndefined(); // the trial has no GPU: nothing to report, not 0
    // Each node child holds a 24 MB array; the tree sum (~2 × 70 MB) must exceed any single member.
    expect(r.metrics.peak_rss_mb as number).toBeGreaterThan(100);
  });

  it('splits RAPL package energy by the tree’s share of busy CPU time', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ns-rapl-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const zone = path.join(root, 'intel-rapl:0');
    mkdirSync(zone);
    writeFileSync(path.join(zone, 'name'), 'package-0\n');
    writeFileSync(path.join(zone, 'max_energy_range_uj'), '262143328850\n');
    const t0 = Date.now();
    // The "package" draws a steady 40 W.
    // Written then renamed: sysfs reads are atomic, and a half-written file would look like a counter wrap.
    const write = () => {
      writeFileSync(path.join(zone, 'energy_uj.tmp'), `${Math.round((Date.now() - t0) * 40 * 1000)}\n`);
      renameSync(path.join(zone, 'energy_uj.tmp'), path.join(zone, 'energy_uj'));
    };
    write();
    const timer = setInterval(write, 20);
    cleanups.push(() => clearInterval(timer));
    const m = await Meter.start({ nvidiaSmi: '/nonexistent/nvidia-smi', raplRoot: root, intervalMs: 100, idleSeconds: 0.3 });
    cleanups.push(() => m.stop());
    const tree = busyTree();
    m.beginTrial('busy', tree.pid, []);
    await tree.done;
    const r = await m.endTrial('busy');
    expect(r.provenance.cpu).toMatchObject({ source: 'rapl', estimate: false });
    expect(r.provenance.cpu.baseline_w as number).toBeGreaterThan(30);
    expect(r.provenance.cpu.baseline_w as number).toBeLessThan(50);
    const e = r.metrics.cpu_energy_j as number;
    expect(e).toBeGreaterThan(0);
    // A share of the package: never more than the package itself over the window.
    expect(e).toBeLessThanOrEqual(40 * r.metrics.duration_s * 1.05 + 2);
    // The package runs at its idle power, so nothing is above idle.
    expect(r.metrics.energy_above_idle_j as number).toBeLessThan(e * 0.5);
  });
});
