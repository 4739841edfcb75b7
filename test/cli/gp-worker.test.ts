// A GP study through the bundled CLI: its model-based asks run in the worker bundled beside the CLI, and
// suggest exactly what the same study suggests with the GP inline (NIGHTSHIFT_GP_INLINE=1).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyExportJson } from '../../src/shared/types.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

describe('nightshift run with the GP sampler', () => {
  it('runs the GP in its worker thread and matches the inline GP trial for trial', async () => {
    const home = tempDir();
    writeFileSync(
      path.join(home, 'train.py'),
      `import json, math, os
p = json.loads(os.environ["NIGHTSHIFT_PARAMS"])
y = (p["x"] - 0.3) ** 2 + (p["z"] - 0.6) ** 2 + 0.3 * math.sin(5 * p["x"]) + (0.2 if p["kind"] == "b" else 0.0)
print("@nightshift " + json.dumps({"step": 1, "y": y}), flush=True)
`,
    );
    const study = path.join(home, 'gp.yaml');
    writeFileSync(
      study,
      `name: gp-worker
trainer: {command: [/usr/bin/python3, train.py]}
search_space:
  x: {type: float, low: 0, high: 1}
  z: {type: float, low: 0, high: 1}
  kind: {type: categorical, choices: [a, b]}
objectives:
  - {metric: y, direction: minimize}
sampler: {type: gp, candidates: 128, n_startup: 4}
budget: {trials: 9}
seed: 11
`,
    );
    const results: StudyExportJson[] = [];
    for (const inline of ['0', '1']) {
      const env = cliEnv(home, { NIGHTSHIFT_GP_INLINE: inline });
      const db = path.join(home, `inline-${inline}.db`);
      const r = await runCli(['run', study, '--db', db, '--json'], { env, cwd: home });
      expect(r.code, r.stderr).toBe(0);
      // The worker was found: no fallback to the main thread was announced.
      expect(r.stdout + r.stderr).not.toMatch(/GP worker|main thread/);
      const exp = await runCli(['export', 'gp-worker', '--db', db, '--format', 'json'], { env });
      results.push(JSON.parse(exp.stdout) as StudyExportJson);
    }
    const [worker, inline] = results as [StudyExportJson, StudyExportJson];
    expect(worker.trials).toHaveLength(9);
    expect(worker.trials.map((t) => [t.state, t.reason])).toEqual(worker.trials.map(() => ["complete", null]));
    expect(worker.trials.map((t) => t.params)).toEqual(inline.trials.map((t) => t.params));
  });
});
