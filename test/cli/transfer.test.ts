// Transfer from a past study through the bundled CLI: two real studies in one SQLite file, real python3
// trials. The second study's GP starts from the first one's results (its prior travels to the worker
// thread), says so in `show` and the HTML report, and a study whose space does not overlap is refused
// when it asks for the prior, or runs without one when it does not.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyExportJson, StudyShowJson } from '../../src/shared/types.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const TRAIN = `import json, sys, os
p = json.loads(os.environ["NIGHTSHIFT_PARAMS"])
offset = float(sys.argv[1])
print("@nightshift " + json.dumps({"step": 1, "y": (p["x"] - 0.3) ** 2 + (p["z"] - 0.6) ** 2 + offset}), flush=True)
`;

function study(home: string, name: string, body: string): string {
  const file = path.join(home, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

const SPACE = `search_space:
  x: {type: float, low: 0, high: 1}
  z: {type: float, low: 0, high: 1}
objectives:
  - {metric: y, direction: minimize}
`;

describe('nightshift run with warm_start: {prior}', () => {
  it('gives the GP the earlier study as its prior, in the worker as inline, and shows where it came from', async () => {
    const home = tempDir();
    writeFileSync(path.join(home, 'train.py'), TRAIN);
    const db = path.join(home, 'two.db');
    const source = study(home, 'source', `trainer: {command: [/usr/bin/python3, train.py, "0"]}\n${SPACE}sampler: {type: sobol}\nbudget: {trials: 16}\nseed: 1\n`);
    const env = cliEnv(home);
    const first = await runCli(['run', source, '--db', db], { env, cwd: home });
    expect(first.code, first.stderr).toBe(0);
    // The related task: the same landscape, shifted up by 0.5. Two replayed configurations, then the GP.
    const target = study(
      home,
      'target',
      `trainer: {command: [/usr/bin/python3, train.py, "0.5"]}\n${SPACE}sampler: {type: gp, candidates: 256}\nwarm_start: {study: source, top: 2}\nbudget: {trials: 5}\nseed: 2\n`,
    );
    const exported: StudyExportJson[] = [];
    for (const inline of ['0', '1']) {
      const copy = path.join(home, `inline-${inline}.db`);
      writeFileSync(copy, readFileSync(db));
      const r = await runCli(['run', target, '--db', copy], { env: cliEnv(home, { NIGHTSHIFT_GP_INLINE: inline }), cwd: home });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/GP worker|main thread/);
      const exp = await runCli(['export', 'target', '--db', copy, '--format', 'json'], { env });
      exported.push(JSON.parse(exp.stdout) as StudyExportJson);
    }
    const [worker, inline] = exported as [StudyExportJson, StudyExportJson];
    expect(worker.trials.map((t) => t.params)).toEqual(inline.trials.map((t) => t.params));
    // Without a prior, trials 2-4 would still be the quasi-random initial design (n_startup = 5); with it
    // the GP asks from trial 2 on, and lands next to the optimum the earlier study mapped out.
    const distance = (p: Record<string, unknown>) => Math.hypot((p.x as number) - 0.3, (p.z as number) - 0.6);
    const modelled = worker.trials.slice(2);
    expect(modelled).toHaveLength(3);
    expect(Math.min(...modelled.map((t) => distance(t.params)))).toBeLessThan(0.05);

    const copy = path.join(home, 'inline-0.db');
    const show = await runCli(['show', 'target', '--db', copy], { env });
    expect(show.stdout).toContain('transfer: GP prior from study "source": 16 finished trials (#0-#15)');
    const json = JSON.parse((await runCli(['show', 'target', '--db', copy, '--json'], { env })).stdout) as StudyShowJson;
    expect(json.transfer_prior).toBe('GP prior from study "source": 16 finished trials (#0-#15)');
    const out = path.join(home, 'report.html');
    const html = await runCli(['export', 'target', '--db', copy, '--format', 'html', '--out', out], { env });
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('GP prior from study &quot;source&quot;: 16 finished trials (#0-#15)');
    // The earlier study itself had no prior.
    expect((await runCli(['show', 'source', '--db', copy], { env })).stdout).not.toContain('transfer:');

    // prior: false keeps the replay and leaves the GP on its own initial design.
    const off = study(
      home,
      'target-off',
      `trainer: {command: [/usr/bin/python3, train.py, "0.5"]}\n${SPACE}sampler: {type: gp, candidates: 256}\nwarm_start: {study: source, top: 2, prior: false}\nbudget: {trials: 3}\nseed: 2\n`,
    );
    expect((await runCli(['run', off, '--db', copy], { env, cwd: home })).code).toBe(0);
    expect((await runCli(['show', 'target-off', '--db', copy], { env })).stdout).not.toContain('transfer:');
  });

  it('refuses a prior asked for over a search space that does not overlap, and runs without one by default', async () => {
    const home = tempDir();
    writeFileSync(path.join(home, 'train.py'), TRAIN.replace('(p["z"] - 0.6) ** 2', '(p.get("z", 0.6) - 0.6) ** 2 + p.get("w", 0)'));
    const db = path.join(home, 'two.db');
    const env = cliEnv(home);
    const source = study(home, 'source', `trainer: {command: [/usr/bin/python3, train.py, "0"]}\n${SPACE}sampler: {type: sobol}\nbudget: {trials: 4}\nseed: 1\n`);
    expect((await runCli(['run', source, '--db', db], { env, cwd: home })).code).toBe(0);
    const wider = (name: string, prior: string) =>
      study(
        home,
        name,
        `trainer: {command: [/usr/bin/python3, train.py, "0"]}
search_space:
  x: {type: float, low: 0, high: 1}
  w: {type: float, low: 0, high: 1}
objectives:
  - {metric: y, direction: minimize}
sampler: {type: gp}
warm_start: {study: source${prior}}
budget: {trials: 2}
`,
      );
    const refused = await runCli(['run', wider('asks', ', prior: true'), '--db', db], { env, cwd: home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('warm_start.prior: study "source" cannot be this study\'s prior: parameter w is not in its search space; set prior: false');
    expect((await runCli(['show', 'asks', '--db', db], { env })).code).not.toBe(0);
    const quiet = await runCli(['run', wider('default', ''), '--db', db], { env, cwd: home });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect((await runCli(['show', 'default', '--db', db], { env })).stdout).not.toContain('transfer:');
  });

  it('refuses an earlier database it cannot read, and a warm start from the study itself, as study-file errors', async () => {
    const home = tempDir();
    writeFileSync(path.join(home, 'train.py'), TRAIN);
    const db = path.join(home, 'own.db');
    const env = cliEnv(home);
    const source = study(home, 'source', `trainer: {command: [/usr/bin/python3, train.py, "0"]}\n${SPACE}sampler: {type: sobol}\nbudget: {trials: 3}\nseed: 1\n`);
    expect((await runCli(['run', source, '--db', db], { env, cwd: home })).code).toBe(0);
    writeFileSync(path.join(home, 'notes.db'), 'not a database\n');
    mkdirSync(path.join(home, 'folder.db'));
    symlinkSync(db, path.join(home, 'alias.db'));
    const warm = (name: string, from: string, dbLine: string) =>
      study(home, name, `trainer: {command: [/usr/bin/python3, train.py, "0"]}\n${SPACE}sampler: {type: gp}\nwarm_start: {study: ${from}${dbLine}, prior: true}\nbudget: {trials: 2}\n`);
    const cases: [string, string, string, RegExp][] = [
      ['missing', 'source', ', db: gone.db', /warm_start\.db: \S*gone\.db: does not exist \(the earlier study's database\)/],
      ['text', 'source', ', db: notes.db', /warm_start\.db: \S*notes\.db: is not an SQLite database/],
      ['folder', 'source', ', db: folder.db', /warm_start\.db: \S*folder\.db: is a folder, not a database file/],
      // Its own trials would be replayed as an earlier study's best and fitted again as the prior.
      ['itself', 'itself', '', /warm_start\.study: names this study itself/],
      ['source', 'source', ', db: alias.db', /warm_start\.study: names this study itself/],
    ];
    for (const [name, from, dbLine, message] of cases) {
      const r = await runCli(['run', warm(name, from, dbLine), '--db', db], { env, cwd: home });
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    // Nothing was created or added: the refused studies do not exist, the source kept its 3 trials.
    const listed = await runCli(['ls', '--db', db], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => l.split(/\s+/)[0])).toEqual(['source']);
    const shown = JSON.parse((await runCli(['export', 'source', '--db', db, '--format', 'json'], { env })).stdout) as StudyExportJson;
    expect(shown.trials).toHaveLength(3);
  });
});
