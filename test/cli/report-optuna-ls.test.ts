// `ls` and `show` on an Optuna storage given to --db: its studies are listed and shown as Optuna reports
// them, read-only (needs cli/store.ts's openForRead to fall back on openAnyStudySource for Optuna files).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StudyListEntry, StudyShowJson } from '../../src/shared/types.js';
import { fingerprint, makeOptunaDb, type OptunaTruth } from '../engine/optuna/helpers.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const env = cliEnv(tempDir());
let optuna: string;
let truth: OptunaTruth;

beforeAll(() => {
  ({ file: optuna, truth } = makeOptunaDb());
});

describe('an Optuna file given to --db', () => {
  it('is listed and shown with the values Optuna reports, and never modified', async () => {
    const before = fingerprint(optuna);
    const ls = await runCli(['ls', '--db', optuna, '--json'], { env });
    expect(ls.code, ls.stderr).toBe(0);
    const list = JSON.parse(ls.stdout) as StudyListEntry[];
    expect(list.map((s) => [s.name, s.counts.complete, s.counts.pruned, s.counts.failed])).toEqual([
      ['single', truth.single.states.COMPLETE, truth.single.states.PRUNED, truth.single.states.FAIL],
      ['multi', truth.multi.states.COMPLETE, 0, 0],
      ['partial', 1, 0, 0],
    ]);
    const text = await runCli(['ls', '--db', optuna], { env });
    expect(text.stdout).toMatch(/^single\s+finished\s+12/m);

    const show = await runCli(['show', 'single', '--db', optuna, '--json'], { env });
    expect(show.code, show.stderr).toBe(0);
    const s = JSON.parse(show.stdout) as StudyShowJson;
    expect(s.best[0]!.values.value).toBe(truth.single.best_value);
    expect(s.best[0]!.params).toEqual(truth.single.best_params);
    const multi = JSON.parse((await runCli(['show', 'multi', '--db', optuna, '--json'], { env })).stdout) as StudyShowJson;
    expect(multi.best.map((t) => t.number).sort((a, b) => a - b)).toEqual(truth.multi.best_trials.map((t) => t.number));

    const html = await runCli(['export', 'single', '--format', 'html', '--db', optuna], { env });
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toContain(String(+truth.single.best_value.toPrecision(6)));

    // Writing to it is refused with one line, and it stays as it was.
    const run = await runCli(['run', path.join(tempDir(), 'missing.yaml'), '--db', optuna], { env });
    expect(run.code).not.toBe(0);
    expect(fingerprint(optuna)).toEqual(before);
  });
});
