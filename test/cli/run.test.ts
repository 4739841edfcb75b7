// The CLI as a user meets it: run the bundled example, look at it, export it, resume it, interrupt it.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyExportJson, StudyListEntry, StudyShowJson } from '../../src/shared/types.js';
import { cliEnv, collect, ROOT, runCli, startCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/procs.js';

describe('nightshift run / show / ls / export', () => {
  const home = tempDir();
  const env = cliEnv(home);
  const db = path.join(home, 'x.db');
  const example = path.join(ROOT, 'resources/examples/quickstart.yaml');

  it('runs the quickstart example to its budget and shows the best trial', async () => {
    const r = await runCli(['run', example, '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as StudyShowJson;
    expect(result.name).toBe('quickstart');
    expect(result.counts.complete).toBe(20);
    expect(result.state).toBe('finished');
    expect(result.stop_reason).toMatch(/20 trials/);

    const show = await runCli(['show', 'quickstart', '--db', db, '--json'], { env });
    expect(show.code).toBe(0);
    const s = JSON.parse(show.stdout) as StudyShowJson;
    expect(s.objectives).toEqual([{ metric: 'loss', direction: 'minimize' }]);
    expect(s.best).toHaveLength(1);
    const best = s.best[0]!;
    expect(Object.keys(best).sort()).toEqual(['ended_at', 'metrics', 'number', 'params', 'provenance', 'reason', 'started_at', 'state', 'values']);
    expect(best.state).toBe('complete');
    // Whole, although the summary reads the other trials with their cost metrics only.
    const own = await runCli(['export', 'quickstart', '--db', db, '--format', 'json'], { env });
    const whole = (JSON.parse(own.stdout) as StudyExportJson).trials.find((t) => t.number === best.number)!;
    expect(Object.keys(best.metrics).length).toBeGreaterThan(5);
    expect(best.metrics).toEqual(whole.metrics);

    // The best is the minimum over all complete trials, recomputed here from the export.
    const exp = await runCli(['export', 'quickstart', '--db', db, '--format', 'json'], { env });
    const data = JSON.parse(exp.stdout) as StudyExportJson;
    expect(data.trials).toHaveLength(20);
    const min = Math.min(...data.trials.map((t) => t.values.loss!));
    expect(best.values.loss).toBe(min);
    // The baseline ran first, with exactly its configuration.
    expect(data.trials[0]!.params).toEqual({ x: 0, y: 1, kind: 'smooth' });
    // Each trial's reports reached the database: the final loss is the 5th step's value.
    const t0 = data.trials[0]!;
    expect(t0.values.loss).toBeCloseTo((0 - 1.5) ** 2 + 0 + 2 / 5, 10);
  });

  it('lists the study and exports CSV to a file', async () => {
    const ls = await runCli(['ls', '--db', db, '--json'], { env });
    const list = JSON.parse(ls.stdout) as StudyListEntry[];
    expect(list.map((s) => s.name)).toEqual(['quickstart']);
    expect(list[0]!.counts.complete).toBe(20);

    const out = path.join(home, 'trials.csv');
    const r = await runCli(['export', 'quickstart', '--db', db, '--format', 'csv', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toContain('param.x');
    expect(lines[0]).toContain('value.loss');
  });

  it('resumes without repeating finished trials, and refuses a changed search space', async () => {
    const again = await runCli(['run', example, '--db', db, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as StudyShowJson).counts.complete).toBe(20);

    const dir = tempDir();
    cpSync(path.join(ROOT, 'resources/examples'), dir, { recursive: true });
    const changed = path.join(dir, 'quickstart.yaml');
    writeFileSync(changed, readFileSync(changed, 'utf8').replace('high: 5}', 'high: 6}'));
    const r = await runCli(['run', changed, '--db', db], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/quickstart/);
    expect(r.stderr).toMatch(/search_space\.x\.high/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('uses NIGHTSHIFT_HOME when no --db is given, and NIGHTSHIFT_DB over it', async () => {
    const h = tempDir();
    const r = await runCli(['ls', '--json'], { env: cliEnv(h) });
    expect(JSON.parse(r.stdout)).toEqual([]);
    const viaEnv = await runCli(['ls', '--json'], { env: { ...cliEnv(h), NIGHTSHIFT_DB: db } });
    expect((JSON.parse(viaEnv.stdout) as StudyListEntry[]).map((s) => s.name)).toEqual(['quickstart']);
  });

  it('stops gracefully on Ctrl-C and finishes the same study on the next run', async () => {
    const dir = tempDir();
    const studyFile = path.join(dir, 'slow.yaml');
    writeFileSync(
      studyFile,
      `name: slow
trainer:
  command: [node, slow.mjs, "{x}"]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
budget: {trials: 3}
`,
    );
    writeFileSync(
      path.join(dir, 'slow.mjs'),
      "setTimeout(() => console.log('@nightshift ' + JSON.stringify({ step: 1, loss: Number(process.argv[2]) })), 1500);\n",
    );
    const sdb = path.join(dir, 's.db');
    const child = startCli(['run', studyFile, '--db', sdb, '--json'], { env });
    const done = collect(child);
    // Interrupt while the first trial is running.
    await waitFor(() => existsSync(path.join(dir, 'studies/slow/trials/0/command.json')), 20_000, 'the first trial to start');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    const show = JSON.parse(r.stdout) as StudyShowJson;
    expect(show.state).toBe('idle');
    expect(show.counts.running).toBe(0);
    expect(show.counts.stopped).toBe(1);
    expect(show.counts.queued).toBe(1);

    const resumed = await runCli(['run', studyFile, '--db', sdb, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const end = JSON.parse(resumed.stdout) as StudyShowJson;
    expect(end.counts).toMatchObject({ complete: 3, stopped: 1, queued: 0, running: 0 });
  });
});

describe('a study’s state in ls', () => {
  it('is running while its engine lives, and not after the engine is killed', async () => {
    const home = tempDir();
    const env = cliEnv(home);
    writeFileSync(path.join(home, 'slow.mjs'), "setTimeout(() => console.log('@nightshift ' + JSON.stringify({ step: 1, loss: 1 })), 3000);\n");
    const studyFile = path.join(home, 'slow.yaml');
    writeFileSync(
      studyFile,
      `name: lease
trainer:
  command: [node, slow.mjs]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
budget: {trials: 2}
`,
    );
    const db = path.join(home, 'l.db');
    const child = startCli(['run', studyFile, '--db', db], { env });
    const done = collect(child);
    await waitFor(() => existsSync(path.join(home, 'studies/lease/trials/0/command.json')), 20_000, 'the first trial to start');
    const live = JSON.parse((await runCli(['ls', '--db', db, '--json'], { env })).stdout) as StudyListEntry[];
    expect(live[0]!.state).toBe('running');
    child.kill('SIGKILL');
    await done;
    const after = JSON.parse((await runCli(['ls', '--db', db, '--json'], { env })).stdout) as StudyListEntry[];
    expect(after[0]!.state).toBe('idle');
  });
});

describe('nightshift usage', () => {
  const env = cliEnv(tempDir());
  it.each(['run', 'ls', 'show', 'export'])('%s --help explains the command', async (cmd) => {
    const r = await runCli([cmd, '--help'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: nightshift ${cmd}`));
  });

  it('rejects unknown commands and options with exit code 2 and one line', async () => {
    const a = await runCli(['frobnicate'], { env });
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    const b = await runCli(['ls', '--bogus'], { env });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--bogus/);
  });

  it('names the study that does not exist', async () => {
    const home = tempDir();
    const e = cliEnv(home);
    await runCli(['ls'], { env: e });
    const r = await runCli(['show', 'nope', '--db', path.join(home, 'none.db')], { env: e });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database at .*none\.db/);
  });
});
