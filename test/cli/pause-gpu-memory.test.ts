// Mode pause on a GPU: a frozen trial keeps its GPU memory, so it is frozen only where the GPU has room for
// another trial beside it. With a simulated GPU (fake nvidia-smi on PATH) that is nearly full, trials reaching
// a rung are judged at once as mode stop would judge them; with room, they are frozen as usual.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFakeGpu, type FakeGpuScenario } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';
import { loggedPids, writeEpochsStudy } from '../helpers/epochs-study.js';
import { pidAlive } from '../helpers/procs.js';

const gpu = (memUsedMb: number): FakeGpuScenario => ({
  gpus: [{ index: 0, name: 'NVIDIA RTX A4000', bus_id: '00000000:17:00.0', memory_total_mb: 16000, power_limit_w: 140, power: { kind: 'const', w: 90 }, mem_used_mb: memUsedMb }],
});

const fakes: { cleanup(): void }[] = [];
afterAll(() => fakes.forEach((f) => f.cleanup()));

async function runOn(scenario: FakeGpuScenario) {
  const fake = makeFakeGpu(scenario);
  fakes.push(fake);
  const dir = tempDir();
  const pidLog = path.join(dir, 'pids.txt');
  const file = writeEpochsStudy(dir, {
    name: 'gpu-pause',
    scheduler: '{type: asha, mode: pause}',
    budget: 8,
    seed: 5,
    epochMs: 200,
    pidLog,
    resources: '{gpus: all, trials_per_gpu: 2}',
  });
  const db = path.join(dir, 'g.db');
  const r = await runCli(['run', file, '--db', db, '--json'], { env: cliEnv(dir, { PATH: `${fake.dir}:${process.env.PATH}` }) });
  expect(r.code, r.stderr).toBe(0);
  const conn = new Database(db, { readonly: true });
  const events = (kind: string) => conn.prepare('SELECT message FROM events WHERE kind = ?').all(kind) as { message: string }[];
  const out = {
    paused: events('paused'),
    notPaused: events('not paused'),
    trials: conn.prepare('SELECT number, state, reason FROM trials').all() as { number: number; state: string; reason: string | null }[],
  };
  conn.close();
  expect(loggedPids(pidLog).filter(pidAlive)).toEqual([]);
  return out;
}

describe('mode pause and GPU memory', () => {
  it('judges a trial as mode stop would, rather than freezing it, when its GPU has no room for another', async () => {
    // 15,900 of 16,000 MB used by two trials side by side: 100 MB free, each holds about 7,950 MB.
    const { paused, notPaused, trials } = await runOn(gpu(15_900));
    expect(paused).toEqual([]);
    const stopped = trials.filter((t) => t.state === 'pruned');
    expect(stopped.length + notPaused.length).toBeGreaterThan(0);
    for (const t of stopped) {
      expect(t.reason).toMatch(/^stopped at rung \d instead of pausing \(GPU 0 has 100 MB free, less than the \d+ MB this trial holds\): ranked \d+ of the \d+ configurations that reached it so far, as mode stop judges; only the top \d+ go on$/);
    }
    for (const e of notPaused) expect(e.message).toMatch(/^at rung \d: GPU 0 has 100 MB free, less than the \d+ MB this trial holds; let through as mode stop would/);
  }, 120_000);

  it('freezes trials as usual when the GPU has room', async () => {
    const { paused, notPaused } = await runOn(gpu(2_000));
    expect(paused.length).toBeGreaterThan(0);
    expect(notPaused).toEqual([]);
  }, 120_000);
});
