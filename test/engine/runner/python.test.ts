// Real python3 scripts using resources/python/nightshift.py, launched the way the engine launches trials.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trialEnv, writeParamsFile } from '../../../src/main/engine/runner/env.js';
import { classifyExit } from '../../../src/main/engine/runner/outcome.js';
import { PYTHON, PYTHON_HELPER_DIR, fixture, launch, readLog, tempDir } from './helpers.js';

async function pythonTrial(budget: number | null, params = { lr: 0.25, units: 32, optimizer: 'sgd' }) {
  const dir = tempDir();
  const paramsFile = path.join(dir, 'params.json');
  const checkpointDir = path.join(dir, 'checkpoint');
  await writeParamsFile(paramsFile, params);
  const env = {
    ...trialEnv({ studyName: 'py', trialId: 7, trialNumber: 3, params, paramsFile, checkpointDir, budget, seed: 99, cudaVisibleDevices: null }),
    PYTHONPATH: PYTHON_HELPER_DIR,
  };
  return { dir, env, checkpointDir, paramsFile };
}

describe('the Python helper in real trials', () => {
  it('reads params, budget and checkpoint_dir, and reports every epoch', async () => {
    const { dir, env, checkpointDir } = await pythonTrial(3);
    const { trial, rec, logDir } = launch([PYTHON, fixture('train.py')], { env, cwd: dir });
    const exit = await trial.done;
    expect(exit.stderrTail).toBe('');
    expect(exit.code).toBe(0);
    expect(rec.reports).toEqual([
      { step: 1, metrics: { val_accuracy: 0.75, units: 32 } },
      { step: 2, metrics: { val_accuracy: 0.875, units: 32 } },
      { step: 3, metrics: { val_accuracy: 1 - 0.25 / 3, units: 32 } },
    ]);
    expect(readLog(logDir, 'stdout')).toContain('params {"lr": 0.25, "optimizer": "sgd", "units": 32} trial 7 seed 99');
    expect(JSON.parse(readFileSync(path.join(checkpointDir, 'state.json'), 'utf8'))).toEqual({ epoch: 3 });
    const outcome = classifyExit(exit, { objectives: ['val_accuracy'], reported: new Set(['val_accuracy', 'units']), timeoutMs: null });
    expect(outcome.state).toBe('complete');
  });

  it('continues from its checkpoint when promoted to a larger budget', async () => {
    const { dir, env } = await pythonTrial(2);
    const first = launch([PYTHON, fixture('train.py')], { env, cwd: dir });
    expect((await first.trial.done).code).toBe(0);
    const second = launch([PYTHON, fixture('train.py')], { env: { ...env, NIGHTSHIFT_BUDGET: '4' }, cwd: dir });
    expect((await second.trial.done).code).toBe(0);
    expect(second.rec.reports.map((r) => r.step)).toEqual([3, 4]);
  });

  it('prefers NIGHTSHIFT_PARAMS_FILE and falls back to NIGHTSHIFT_PARAMS', async () => {
    const { dir, env } = await pythonTrial(1);
    const fromFile = launch([PYTHON, fixture('train.py')], { env: { ...env, NIGHTSHIFT_PARAMS: '{"lr": 0.5}' }, cwd: dir });
    await fromFile.trial.done;
    expect(fromFile.rec.reports[0]?.metrics.val_accuracy).toBe(0.75);
    const fromEnv = launch([PYTHON, fixture('train.py')], {
      env: {
        ...env,
        NIGHTSHIFT_PARAMS_FILE: path.join(dir, 'nope.json'),
        NIGHTSHIFT_PARAMS: '{"lr": 0.5}',
        NIGHTSHIFT_CHECKPOINT_DIR: path.join(dir, 'other-checkpoint'),
      },
      cwd: dir,
    });
    await fromEnv.trial.done;
    expect(fromEnv.rec.reports[0]?.metrics).toEqual({ val_accuracy: 0.5, units: 0 });
  });

  it('tells a finalist run its fold and fold count, and a search trial that it is neither', async () => {
    const { dir, env } = await pythonTrial(null);
    const search = launch([PYTHON, fixture('finalist_env.py')], { env, cwd: dir });
    expect((await search.trial.done).code).toBe(0);
    expect(search.rec.reports[0]?.metrics).toEqual({ finalist: 0, fold: -1, folds: -1 });
    const finalistInput = {
      studyName: 'py',
      trialId: 8,
      trialNumber: 4,
      params: {},
      paramsFile: path.join(dir, 'params.json'),
      checkpointDir: path.join(dir, 'checkpoint'),
      budget: null,
      seed: 5,
      cudaVisibleDevices: null,
      finalist: { fold: 2, folds: 5 },
    };
    const finalistEnv = trialEnv(finalistInput);
    const validating = launch([PYTHON, fixture('finalist_env.py')], { env: { ...finalistEnv, PYTHONPATH: PYTHON_HELPER_DIR }, cwd: dir });
    expect((await validating.trial.done).code).toBe(0);
    expect(validating.rec.reports[0]?.metrics).toEqual({ finalist: 1, fold: 2, folds: 5 });
    const noFolds = trialEnv({ ...finalistInput, finalist: { fold: null, folds: null } });
    const unfolded = launch([PYTHON, fixture('finalist_env.py')], { env: { ...noFolds, PYTHONPATH: PYTHON_HELPER_DIR }, cwd: dir });
    expect((await unfolded.trial.done).code).toBe(0);
    expect(unfolded.rec.reports[0]?.metrics).toEqual({ finalist: 1, fold: -1, folds: -1 });
  });

  it('refuses a NaN metric, so the trial fails with a clear reason', async () => {
    const { dir, env } = await pythonTrial(null);
    const { trial, rec } = launch([PYTHON, fixture('nan.py')], { env, cwd: dir });
    const exit = await trial.done;
    expect(rec.reports).toEqual([{ step: 1, metrics: { loss: 0.5 } }]);
    expect(exit.code).toBe(1);
    expect(classifyExit(exit, { objectives: ['loss'], reported: new Set(['loss']), timeoutMs: null }).reason).toBe(
      "exit code 1: ValueError: nightshift.report: metric 'loss' must be finite, got nan",
    );
  });

  it("logs json.dumps's NaN as a malformed report naming the metric", async () => {
    const { trial, rec, logDir } = launch([PYTHON, fixture('raw_nan.py')]);
    expect((await trial.done).code).toBe(0);
    expect(rec.reports).toEqual([{ step: 2, metrics: { loss: 0.5 } }]);
    expect(readLog(logDir, 'stderr')).toBe('[nightshift: malformed report line: metric "loss" is NaN; report only finite numbers]\n');
  });

  it('works outside Nightshift, so a script can be debugged by hand', () => {
    const cwd = tempDir();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', PYTHONPATH: PYTHON_HELPER_DIR };
    const script = [
      'import nightshift as n',
      'print(n.params(), n.budget(), n.trial_id(), n.trial_number(), n.study(), n.seed())',
      'print(n.checkpoint_dir())',
      'n.report(0, loss=1)',
      'n.report(1, loss=0.5, acc=0.25)',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script], { cwd, env, encoding: 'utf8' }).split('\n');
    expect(out[0]).toBe('{} None None None None None');
    expect(out[1]).toBe(path.join(cwd, 'nightshift-checkpoint'));
    expect(existsSync(path.join(cwd, 'nightshift-checkpoint'))).toBe(true);
    expect(out.slice(2, 4)).toEqual(['@nightshift {"step": 0, "loss": 1}', '@nightshift {"step": 1, "loss": 0.5, "acc": 0.25}']);
  });

  it('rejects bad steps and non-numeric metrics with ValueError', () => {
    const script = [
      'import nightshift as n',
      'bad = [lambda: n.report(-1), lambda: n.report(1.5), lambda: n.report(True), lambda: n.report(1, x=True),',
      '       lambda: n.report(1, x="0.3"), lambda: n.report(1, x=float("inf")), lambda: n.report(1, x=10**400)]',
      'for f in bad:',
      '    try:',
      '        f(); print("accepted")',
      '    except ValueError as e:',
      '        print("ValueError")',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script], { env: { PYTHONPATH: PYTHON_HELPER_DIR }, encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(Array(7).fill('ValueError'));
  });

  it('has a module docstring with a usage example', () => {
    const doc = execFileSync(PYTHON, ['-c', 'import nightshift; print(nightshift.__doc__)'], {
      env: { PYTHONPATH: PYTHON_HELPER_DIR },
      encoding: 'utf8',
    });
    expect(doc).toContain('nightshift.report(epoch, loss=loss, val_accuracy=acc)');
  });
});

describe("the Python helper's sweep of a trial's leftovers", () => {
  // A pid the scan saw may end and be taken by an unrelated process before the signal goes out. The sweep
  // holds each process by its start time (and a pidfd where Linux gives one), so a process with the same
  // pid but another start time, a stranger, is never signalled. Simulated with a live sleeper recorded
  // under a wrong start time.
  const script = `
import os, signal, subprocess, sys, time
from _nightshift_sweep import _Pinned, _stat, _STARTTIME
child = subprocess.Popen(["sleep", "30"])
start = _stat(child.pid)[_STARTTIME]
stranger = _Pinned(child.pid, start + b"0")
stranger.signal(signal.SIGTERM)
time.sleep(0.2)
print("stranger", stranger.alive(), child.poll() is None)
stranger.close()
same = _Pinned(child.pid, start)
print("pinned", same.fd is not None)
same.signal(signal.SIGTERM)
child.wait(5)
print("signalled", child.returncode)
same.close()
`;

  it('signals the process the scan found, never one that reused its pid', () => {
    const out = execFileSync(PYTHON, ['-c', script], { env: { ...process.env, PYTHONPATH: PYTHON_HELPER_DIR }, encoding: 'utf8', timeout: 20_000 });
    expect(out.trim().split('\n')).toEqual(['stranger False True', 'pinned True', 'signalled -15']);
  });
});
