// `nightshift importance` and `nightshift sensitivity` on a study whose truth is planted: x matters
// strongly (a quadratic around 0.3), the categorical `kind` a little, `junk` not at all.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyExportJson, StudyShowJson } from '../../src/shared/types.js';
import type { ImportanceJson } from '../../src/main/cli/commands/importance.js';
import type { SensitivityJson } from '../../src/main/cli/commands/sensitivity.js';
import { cliEnv, runCli, tempDir } from '../helpers/cli.js';

const TRIAL = `
const p = JSON.parse(process.env.NIGHTSHIFT_PARAMS);
const loss = 10 * (p.x - 0.3) ** 2 + { a: 0, b: 0.5, c: 1 }[p.kind] + 0 * p.junk;
console.log('@nightshift ' + JSON.stringify({ step: 1, loss }));
`;

const STUDY = `name: planted
trainer:
  command: [node, trial.mjs]
  timeout: 1m
search_space:
  x: {type: float, low: 0, high: 1}
  kind: {type: categorical, choices: [a, b, c]}
  junk: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
sampler: {type: random}
budget: {trials: 30}
resources: {parallel: 2}
seed: 3
`;

describe('nightshift importance / sensitivity', () => {
  const home = tempDir();
  const env = cliEnv(home);
  const db = path.join(home, 'x.db');
  writeFileSync(path.join(home, 'trial.mjs'), TRIAL);
  writeFileSync(path.join(home, 'planted.yaml'), STUDY);
  const page = path.join(home, 'sens.html');
  let planned = 0;

  it('ranks the planted irrelevant parameter last and suggests freezing it', async () => {
    const run = await runCli(['run', path.join(home, 'planted.yaml'), '--db', db, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as StudyShowJson).counts.complete).toBe(30);

    const r = await runCli(['importance', 'planted', '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const imp = JSON.parse(r.stdout) as ImportanceJson;
    expect(imp.objectives).toHaveLength(1);
    const o = imp.objectives[0]!;
    expect(o.trials).toBe(30);
    expect(o.importance.map((i) => i.param)).toEqual(['x', 'kind', 'junk']);
    expect(o.suggestions.find((s) => s.param === 'junk')?.kind).toBe('freeze');
    expect(o.suggestions.find((s) => s.param === 'x')?.kind).not.toBe('freeze');

    const text = await runCli(['importance', 'planted', '--db', db], { env });
    expect(text.stdout).toMatch(/loss \(minimize\), from 30 complete trials/);
    expect(text.stdout).toMatch(/junk: freeze at /);

    const bad = await runCli(['importance', 'planted', '--db', db, '--objective', 'acc'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no objective "acc".*loss/);
  });

  it('runs a follow-up study from the best configuration and measures each parameter\'s effect', async () => {
    const best = (JSON.parse((await runCli(['show', 'planted', '--db', db, '--json'], { env })).stdout) as StudyShowJson).best[0]!;
    const r = await runCli(['sensitivity', 'planted', '--db', db, '--json', '--out', page], { env });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as SensitivityJson;
    expect(s.study).toBe('planted-sensitivity');
    expect(s.state).toBe('finished');
    const effect = Object.fromEntries(s.effects.map((e) => [e.param, e.effect.loss]));
    expect(Object.keys(effect).sort()).toEqual(['junk', 'kind', 'x']);
    expect(effect.junk).toBeCloseTo(0, 9);
    expect(effect.kind).toBeCloseTo(1, 9);
    expect(effect.x!).toBeGreaterThan(effect.kind!);
    expect(s.suggestions.find((x) => x.param === 'junk')).toMatchObject({ kind: 'freeze', value: best.params.junk });
    expect(s.suggestions.find((x) => x.param === 'x')?.kind).not.toBe('freeze');
    expect(s.suggestions.find((x) => x.param === 'kind')?.kind).not.toBe('freeze');

    // Every point holds the other parameters at the best configuration; x took 5 values across [0, 1].
    for (const e of s.effects) {
      expect(e.points.filter((p) => p.best)).toHaveLength(1);
      expect(e.points.find((p) => p.best)!.value).toBe(best.params[e.param]);
    }
    const xs = s.effects.find((e) => e.param === 'x')!.points.filter((p) => !p.best).map((p) => p.value);
    expect(xs).toEqual([0, 0.25, 0.5, 0.75, 1].filter((v) => v !== best.params.x));
    expect(s.effects.find((e) => e.param === 'kind')!.points.map((p) => p.value)).toEqual(['a', 'b', 'c']);

    // Only the planned configurations ran: the baseline and each varied point, no sampler extras.
    const exp = JSON.parse((await runCli(['export', 'planted-sensitivity', '--db', db, '--format', 'json'], { env })).stdout) as StudyExportJson;
    planned = 1 + s.effects.reduce((n, e) => n + e.points.length - 1, 0);
    expect(exp.trials).toHaveLength(planned);
    expect(s.counts.complete).toBe(planned);
    expect(exp.trials[0]!.params).toEqual(best.params);
    expect(exp.trials[0]!.values.loss).toBe(best.values.loss);
    for (const t of exp.trials) {
      const changed = Object.keys(best.params).filter((k) => t.params[k] !== best.params[k]);
      expect(changed.length).toBeLessThanOrEqual(1);
    }

    const html = readFileSync(page, 'utf8');
    expect(s.report).toBe(page);
    expect(html).not.toMatch(/<script/i);
    const figures = html.match(/<figure class="sens"[\s\S]*?<\/figure>/g) ?? [];
    expect(figures).toHaveLength(3);
    for (const f of figures) {
      expect(f).toMatch(/<svg /);
      expect(f.match(/<circle class="baseline"/g)).toHaveLength(1);
    }
    expect(html).toMatch(/<strong>junk<\/strong>: freeze at/);
  });

  it('continues the same follow-up study when run again', async () => {
    const r = await runCli(['sensitivity', 'planted', '--db', db, '--points', '3'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/continuing planted-sensitivity/);
    expect(r.stderr).toMatch(/--points only applies/);
    expect(r.stdout).toMatch(/^junk\s+0\s/m);
    expect(r.stdout).toMatch(/junk: freeze at/);
    const show = JSON.parse((await runCli(['show', 'planted-sensitivity', '--db', db, '--json'], { env })).stdout) as StudyShowJson;
    expect(show.counts.complete).toBe(planned);
    const ls = await runCli(['ls', '--db', db, '--json'], { env });
    expect((JSON.parse(ls.stdout) as { name: string }[]).map((x) => x.name).sort()).toEqual(['planted', 'planted-sensitivity']);
  });

  it('refuses a study that does not exist, and bad --points', async () => {
    const r = await runCli(['sensitivity', 'nope', '--db', db], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no study named "nope"/);
    const p = await runCli(['sensitivity', 'planted', '--db', db, '--points', '1'], { env });
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--points must be/);
  });
});
