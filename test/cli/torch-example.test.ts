// The PyTorch example (resources/examples/torch-digits.py and .yaml) run as a study by the CLI, on the CPU,
// with a tiny budget: 4 search trials in bf16, then 2 finalists × 2 seeds in fp32; the HTML report shows
// the precision comparison. Needs Debian's python3-torch and python3-sklearn (CI installs them, .ci/run).
// Two simulated GPUs (a fake nvidia-smi on PATH) give every trial a measured energy; torch sees no CUDA
// and trains on the CPU.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { num } from '../../src/main/engine/report/html/escape.js';
import type { StudyShowJson } from '../../src/shared/types.js';
import { loadScenario, makeFakeGpu } from '../fixtures/fake-gpu/fake-gpu.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';

const PYTHON = '/usr/bin/python3';
const examples = path.join(ROOT, 'resources/examples');

function torchImportable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, sklearn'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The example's study file with a budget a CI machine runs in a minute or two; everything else as shipped. */
function tinyStudy(dir: string): string {
  copyFileSync(path.join(examples, 'torch-digits.py'), path.join(dir, 'torch-digits.py'));
  const yaml = readFileSync(path.join(examples, 'torch-digits.yaml'), 'utf8');
  const swaps: [RegExp, string][] = [
    [/command: \[python3,/, `command: [${PYTHON},`],
    [/^fidelity: .*$/m, 'fidelity: {param: epochs, min: 1, max: 2, eta: 2}'],
    [/^budget: .*$/m, 'budget: {trials: 4}'],
    [/^finalists: .*$/m, 'finalists: {top: 2, seeds: 2, overrides: {precision: fp32, epochs: 2}}'],
    // Every search trial runs to the end, so the top 2 always exist: ASHA would stop about half of 4, and
    // which ones (hence how many complete) depends on which of two parallel trials reports first.
    [/^scheduler: .*$/m, 'scheduler: {type: none}'],
    [/^trainer:$/m, 'resources: {gpus: all, trials_per_gpu: 1}\ntrainer:'],
  ];
  let text = yaml;
  for (const [from, to] of swaps) {
    expect(text, `the example no longer has ${from}`).toMatch(from);
    text = text.replace(from, to);
  }
  const file = path.join(dir, 'torch-tiny.yaml');
  writeFileSync(file, text);
  return file;
}

const torch = torchImportable();
const fake = makeFakeGpu(loadScenario('const-2gpu'));
afterAll(() => fake.cleanup());

describe.skipIf(!torch)(
  `the PyTorch example as a study${torch ? '' : ` (skipped: ${PYTHON} cannot import torch and sklearn; apt-get install python3-torch python3-sklearn)`}`,
  () => {
    it('searches in bf16, validates the finalists in fp32, and the HTML report compares the two precisions', async () => {
      const dir = tempDir();
      const env = cliEnv(dir, { PATH: `${fake.dir}:${process.env.PATH}` });
      const db = path.join(dir, 'torch.db');
      const run = await runCli(['run', tinyStudy(dir), '--db', db, '--json'], { env });
      expect(run.code, run.stderr).toBe(0);
      const show = JSON.parse(run.stdout) as StudyShowJson;
      expect(show.stop_reason).toBe('budget: 4 trials done; finalists: 4 of 4 runs done');
      expect(show.finalist_counts).toMatchObject({ complete: 4, failed: 0 });
      expect(show.best_validated).toBe(true);
      const f = show.finalists!;
      expect(f.finalists).toHaveLength(2);
      for (const r of f.finalists) {
        expect(r.precision).toEqual({ search: 'bf16', validated: 'fp32' });
        expect(r.run_params.precision).toBe('fp32');
        expect(r.validated.val_accuracy!.n).toBe(2);
        expect(r.validated.val_accuracy!.mean).toBeGreaterThan(0.1); // better than guessing among 10 digits
        expect(r.validated.energy_j!.mean).toBeGreaterThan(0);
      }

      const out = path.join(dir, 'report.html');
      const exported = await runCli(['export', 'torch-digits', '--format', 'html', '--out', out, '--db', db], { env });
      expect(exported.code, exported.stderr).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain(`<strong>Best (validated): trial #${f.winner}</strong>`);
      const at = html.indexOf('<h3>Precision: search against validation</h3>');
      expect(at).toBeGreaterThan(0);
      const precision = html.slice(at, html.indexOf('</table>', at));
      for (const r of f.finalists) {
        const v = r.validated.val_accuracy!;
        expect(precision).toContain(
          `<tr><td>#${r.trial}</td><td>bf16 → fp32</td><td>${num(r.search.val_accuracy)}</td><td>${num(v.mean)} [${num(v.low)}, ${num(v.high)}]</td>` +
            `<td>${r.validated.val_accuracy!.mean - r.search.val_accuracy! > 0 ? '+' : ''}${num(v.mean - r.search.val_accuracy!)}</td>`,
        );
      }
      expect(precision.match(/bf16 → fp32/g)).toHaveLength(2);
    }, 600_000);

    it('keeps --test-fraction images out of every split and scores a configuration on them with --score-test', () => {
      const dir = tempDir();
      copyFileSync(path.join(examples, 'torch-digits.py'), path.join(dir, 'torch-digits.py'));
      const env = { ...process.env, PYTHONPATH: path.join(ROOT, 'resources/python'), OMP_NUM_THREADS: '1', NIGHTSHIFT_CHECKPOINT_DIR: path.join(dir, 'ckpt') };
      // The script's own split, imported: the test rows are disjoint from training and validation in the
      // fixed split and in every fold, the same rows every time, and with no test fraction nothing is held.
      const check = `
import importlib.util
spec = importlib.util.spec_from_file_location("td", "torch-digits.py")
td = importlib.util.module_from_spec(spec)
spec.loader.exec_module(td)
n = 1797
tests = set()
for fold in [None, 0, 3]:
    tr, va, te = (set(v.tolist()) for v in td.split(n, fold, 5, 0.2))
    assert not (tr & te) and not (va & te) and not (tr & va), fold
    assert len(tr | va | te) == n, fold
    tests.add(frozenset(te))
assert len(tests) == 1 and len(next(iter(tests))) == 359
assert len(td.split(n, None, 5, 0.0)[2]) == 0
print("ok")
`;
      expect(execFileSync(PYTHON, ['-c', check], { cwd: dir, env, encoding: 'utf8' }).trim()).toBe('ok');
      const out = execFileSync(PYTHON, ['torch-digits.py', '--epochs', '2', '--test-fraction', '0.2', '--score-test'], { cwd: dir, env, encoding: 'utf8' });
      const scored = JSON.parse(out.trim().split('\n').pop()!) as { test_accuracy: number; test_images: number; epochs: number };
      expect(scored).toMatchObject({ test_images: 359, epochs: 2 });
      expect(scored.test_accuracy).toBeGreaterThan(0.1); // better than guessing among 10 digits
      expect(scored.test_accuracy).toBeLessThanOrEqual(1);
      // Asked to score without a held-out part: a clear error that names the fix.
      let err = '';
      try {
        execFileSync(PYTHON, ['torch-digits.py', '--epochs', '1', '--score-test'], { cwd: dir, env, encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        err = String((e as { stderr?: string }).stderr);
      }
      expect(err).toContain('--score-test needs the images kept out of tuning: add --test-fraction');
    }, 120_000);
  },
);
