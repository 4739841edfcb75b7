// Optuna storages through the CLI: `import` copies a study with the best values Optuna reports,
// `compare` reads Optuna files in place, and neither ever changes the Optuna file. Files that are
// neither Nightshift nor Optuna databases get one clear line and stay untouched.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StudyShowJson } from '../../src/shared/types.js';
import { fingerprint, makeOptunaDb, type OptunaTruth } from '../engine/optuna/helpers.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const env = cliEnv(dir);
let optuna: string;
let truth: OptunaTruth;

beforeAll(() => {
  ({ file: optuna, truth } = makeOptunaDb());
});

describe('nightshift import', () => {
  it('copies Optuna studies whose best values then equal what Optuna reports, leaving the file untouched', async () => {
    const before = fingerprint(optuna);
    const db = path.join(dir, 'ns.db');
    const r = await runCli(['import', '--from', optuna, '--study', 'single', '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout) as { name: string; counts: Record<string, number> };
    expect(done.name).toBe('single');
    expect(done.counts).toMatchObject({ complete: truth.single.states.COMPLETE, pruned: truth.single.states.PRUNED, failed: truth.single.states.FAIL });

    const m = await runCli(['import', '--from', optuna, '--study', 'multi', '--db', db], { env });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/imported Optuna study "multi" as "multi" into .*ns\.db: \d+ complete/);

    const show = JSON.parse((await runCli(['show', 'single', '--db', db, '--json'], { env })).stdout) as StudyShowJson;
    expect(show.best[0]!.values.value).toBe(truth.single.best_value);
    expect(show.best[0]!.number).toBe(truth.single.best_number);
    expect(show.best[0]!.params).toEqual(truth.single.best_params);
    const multi = JSON.parse((await runCli(['show', 'multi', '--db', db, '--json'], { env })).stdout) as StudyShowJson;
    expect(multi.best.map((t) => [t.values.values_0, t.values.values_1]).sort()).toEqual(truth.multi.best_trials.map((t) => t.values).sort());

    const twice = await runCli(['import', '--from', optuna, '--study', 'single', '--db', db], { env });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already has a study named "single"; pass --as NEW_NAME|choose another name/);
    const renamed = await runCli(['import', '--from', optuna, '--study', 'single', '--as', 'single2', '--db', db], { env });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(fingerprint(optuna)).toEqual(before);
  });

  it('reads Optuna files in place for comparisons', async () => {
    const before = fingerprint(optuna);
    const db = path.join(dir, 'ns.db');
    const r = await runCli(['compare', `single@${optuna}`, 'single', '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const cmp = JSON.parse(r.stdout) as { studies: { label: string; best: Record<string, { value: number }> }[] };
    expect(cmp.studies.map((s) => s.label)).toEqual(['single@optuna.db', 'single@ns.db']);
    for (const s of cmp.studies) expect(s.best.value!.value).toBe(truth.single.best_value);
    const text = await runCli(['compare', `single@${optuna}`, `multi@${optuna}`], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/share no objective/);
    expect(fingerprint(optuna)).toEqual(before);
  });

  it('refuses files that are not Optuna or Nightshift databases with one clear line, changing nothing', async () => {
    const csv = path.join(dir, 'data.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const before = fingerprint(csv);
    const r = await runCli(['import', '--from', csv, '--study', 'x', '--db', path.join(dir, 'ns.db')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/data\.csv: is not an SQLite database .*left it untouched/);
    expect(fingerprint(csv)).toEqual(before);

    const missing = await runCli(['import', '--from', optuna, '--study', 'nope', '--db', path.join(dir, 'ns.db')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no study named "nope" \(studies there: single, multi, partial\)/);

    // Importing INTO an Optuna file is refused too: Nightshift never writes to it.
    const before2 = fingerprint(optuna);
    const into = await runCli(['import', '--from', path.join(dir, 'ns.db'), '--study', 'single', '--as', 'x', '--db', optuna], { env });
    expect(into.code).toBe(2);
    expect(into.stderr).toMatch(/is an Optuna database/);
    expect(fingerprint(optuna)).toEqual(before2);
    const usage = await runCli(['import', '--study', 'single'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--from FILE is required/);
  });
});
