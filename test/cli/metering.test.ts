// Metering end to end: the real CLI runs a campaign on a machine whose two GPUs are simulated by a fake
// nvidia-smi on PATH (constant 200 W and 100 W). Each trial is placed on one GPU and its measured GPU
// energy must match power × its window; an energy budget must stop the campaign.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyExportJson, StudyShowJson } from '../../src/shared/types.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const fake = makeFakeGpu(loadScenario('const-2gpu'));
afterAll(() => fake.cleanup());
const WATTS: Record<string, number> = { '0': 200, '1': 100 };

function study(dir: string, name: string, budget: string, resources = '{gpus: all, trials_per_gpu: 1}'): string {
  const script = path.join(dir, 'work.mjs');
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(path.join(dir, 'devices.txt'))}, process.env.NIGHTSHIFT_TRIAL_NUMBER + ' ' + process.env.CUDA_VISIBLE_DEVICES + '\\n');
for (let step = 1; step <= 3; step++) {
  await new Promise((r) => setTimeout(r, 600));
  console.log('@nightshift ' + JSON.stringify({ step, score: step * Number(process.argv[2]) }));
}
`,
  );
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
trainer:
  command: [node, work.mjs, "{x}"]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
  - {metric: energy_j, direction: minimize}
budget: ${budget}
resources: ${resources}
`,
  );
  return file;
}

describe('metering through the CLI with a simulated GPU', () => {
  const dir = tempDir();
  const env = cliEnv(dir, { PATH: `${fake.dir}:${process.env.PATH}` });
  appendFileSync(path.join(dir, 'devices.txt'), '');

  it('places trials on GPUs and measures each one’s energy within 2% of power × time', async () => {
    const db = path.join(dir, 'm.db');
    const r = await runCli(['run', study(dir, 'metered', '{trials: 4}'), '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const show = JSON.parse(r.stdout) as StudyShowJson;
    expect(show.counts.complete).toBe(4);
    expect(show.best.length).toBeGreaterThan(0);

    const devices = new Map(
      readFileSync(path.join(dir, 'devices.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const exp = await runCli(['export', 'metered', '--db', db, '--format', 'json'], { env });
    const data = JSON.parse(exp.stdout) as StudyExportJson;
    const used = new Set<string>();
    for (const t of data.trials) {
      const gpu = devices.get(String(t.number))!;
      expect(['0', '1']).toContain(gpu);
      used.add(gpu);
      const prov = t.provenance as { gpu: { source: string }; window: { start_ms: number; end_ms: number }; cpu: { source: string } };
      expect(prov.gpu.source).toBe('nvidia-smi');
      const expected = (WATTS[gpu]! * (prov.window.end_ms - prov.window.start_ms)) / 1000;
      expect(Math.abs(t.metrics.gpu_energy_j! - expected) / expected).toBeLessThan(0.02);
      // energy_j is an objective here, so it is a value; it covers GPU and CPU.
      expect(t.values.energy_j).toBeGreaterThanOrEqual(t.metrics.gpu_energy_j!);
      expect(t.metrics.peak_rss_mb).toBeGreaterThan(0);
      expect(t.metrics.co2_g).toBeGreaterThan(0);
    }
    expect([...used].sort()).toEqual(['0', '1']);
  });

  it('skips a GPU that another program is computing on, unless told to share it', async () => {
    const busyFake = makeFakeGpu({
      ...loadScenario('const-2gpu'),
      // A foreign job (not one of Nightshift's trials) holds GPU 1.
      compute_apps: [{ bus_id: '00000000:65:00.0', pid: 424242, used_mb: 5000 }],
    });
    try {
      const d = tempDir();
      const e = cliEnv(d, { PATH: `${busyFake.dir}:${process.env.PATH}` });
      const r = await runCli(['run', study(d, 'busy', '{trials: 3}'), '--db', path.join(d, 'b.db'), '--json'], { env: e });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/GPU 1 skipped: another process \(pid 424242\)/);
      const seen = readFileSync(path.join(d, 'devices.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')[1]);
      expect(new Set(seen)).toEqual(new Set(['0']));

      const shared = await runCli(
        ['run', study(d, 'shared', '{trials: 4}', '{gpus: all, trials_per_gpu: 1, allow_busy_gpus: true}'), '--db', path.join(d, 's.db'), '--json'],
        { env: e },
      );
      expect(shared.code, shared.stderr).toBe(0);
      const all = readFileSync(path.join(d, 'devices.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ')[1]);
      expect(new Set(all)).toEqual(new Set(['0', '1']));
    } finally {
      busyFake.cleanup();
    }
  });

  it('stops launching trials once the energy budget is spent, and says so', async () => {
    const db = path.join(dir, 'e.db');
    // Each trial draws about 1.8 s × 100-200 W ≈ 180-360 J: 500 J is spent after two or three trials.
    const r = await runCli(['run', study(dir, 'capped', '{trials: 20, energy: 500J}'), '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const show = JSON.parse(r.stdout) as StudyShowJson;
    expect(show.stop_reason).toMatch(/energy/);
    expect(show.counts.complete).toBeGreaterThanOrEqual(2);
    expect(show.counts.complete).toBeLessThan(8);
  });
});
