// A reused trainer process runs trial after trial: each trial is charged the CPU time the process uses
// during that trial only, not what it used for the trials before.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../src/main/engine/metering/index.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A process that burns CPU for the given ms whenever a line arrives on stdin, and says "done" after each. */
function burner() {
  const script = `
    const rl = require('readline').createInterface({ input: process.stdin });
    rl.on('line', (ms) => { const end = Date.now() + Number(ms); let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); console.log('done'); });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const burn = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      child.stdout.once('data', () => resolve());
      child.stdin.write(`${ms}\n`);
    });
  return { pid: child.pid as number, burn };
}

describe('metering a reused process', () => {
  it('charges each trial only the CPU time used during it', async () => {
    const m = await Meter.start({ nvidiaSmi: '/nonexistent/nvidia-smi', raplRoot: '/nonexistent', intervalMs: 100, idleSeconds: 0, cpuWatts: 80 });
    cleanups.push(() => m.stop());
    const p = burner();
    const perCpuSecond = 80 / os.availableParallelism();
    m.beginTrial('first', p.pid, []);
    await p.burn(1500);
    const first = (await m.endTrial('first')).metrics.cpu_energy_j as number;
    // The process's start-up and first burn are the first trial's.
    expect(first).toBeGreaterThan(1.3 * perCpuSecond);

    m.beginTrial('second', p.pid, [], true);
    await p.burn(300);
    const second = (await m.endTrial('second')).metrics.cpu_energy_j as number;
    expect(second).toBeGreaterThan(0.2 * perCpuSecond);
    expect(second).toBeLessThan(0.6 * perCpuSecond);

    // Without `reused`, the meter counts from the process's start: the whole history again.
    m.beginTrial('third', p.pid, []);
    await p.burn(300);
    const third = (await m.endTrial('third')).metrics.cpu_energy_j as number;
    expect(third).toBeGreaterThan(first + second);
  });
});
