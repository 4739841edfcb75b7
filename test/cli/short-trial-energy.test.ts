// A trial shorter than the meter's interval is charged all of its CPU time, through the real CLI and the
// local executor: each trial measures its own CPU time (process.cpuUsage, an independent figure) and reports
// it beside its score; the study's record of the trial must carry as much energy as that time is worth.
// Before the meter read a reaped process's tail, these trials were charged 40-80% of it.
import { accessSync, constants, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyExportJson } from '../../src/shared/types.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

// With RAPL the energy is a share of measured package power, not CPU time × the configured watts.
const raplReadable = (() => {
  try {
    accessSync('/sys/class/powercap/intel-rapl:0/energy_uj', constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(raplReadable)('short trials, metered through the CLI (CPU time estimate)', () => {
  it('charges each trial the CPU time it measured itself, at the configured package power', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ idle_seconds: 0, cpu_watts: 80 }));
    writeFileSync(
      path.join(dir, 'burn.mjs'),
      `const want = Number(process.argv[2]) * 1e6;
let x = 0;
for (;;) { x++; if (x % 1e5 === 0) { const u = process.cpuUsage(); if (u.user + u.system > want) break; } }
const u = process.cpuUsage();
console.log('@nightshift ' + JSON.stringify({ step: 1, score: x % 7, self_cpu_s: (u.user + u.system) / 1e6 }));
`,
    );
    const file = path.join(dir, 'burn.yaml');
    writeFileSync(
      file,
      `name: burn
trainer:
  command: [node, burn.mjs, "{s}"]
search_space:
  s: {type: categorical, choices: [0.15, 0.4, 0.8]}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: random}
budget: {trials: 3}
resources: {parallel: 2}
seed: 1
`,
    );
    const env = cliEnv(dir);
    const db = path.join(dir, 'burn.db');
    const r = await runCli(['run', file, '--db', db], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const exp = await runCli(['export', 'burn', '--db', db, '--format', 'json'], { env });
    const trials = (JSON.parse(exp.stdout) as StudyExportJson).trials;
    expect(trials).toHaveLength(3);
    const cores = os.availableParallelism();
    for (const t of trials) {
      const prov = t.provenance as { cpu: { source: string } };
      expect(prov.cpu.source).toBe('estimate');
      const worth = (t.metrics.self_cpu_s! / cores) * 80;
      // Node's own start-up and exit come on top of what cpuUsage saw; nothing may be missing.
      expect(t.metrics.cpu_energy_j! / worth, `trial ${t.number}: ${t.metrics.cpu_energy_j} J for ${t.metrics.self_cpu_s} CPU-s`).toBeGreaterThan(0.95);
      expect(t.metrics.cpu_energy_j! / worth).toBeLessThan(1.6);
    }
  });
});
