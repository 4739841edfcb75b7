import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trialEnv, writeParamsFile } from '../../../src/main/engine/runner/env.js';
import { fixture, launch, readLog, tempDir } from './helpers.js';

const base = {
  studyName: 'mlp-digits',
  trialId: 17,
  trialNumber: 4,
  params: { lr: 0.001, units: 64, optimizer: 'adam', nesterov: true },
  paramsFile: '/tmp/p.json',
  checkpointDir: '/tmp/ckpt',
  budget: 18,
  seed: 42,
  cudaVisibleDevices: '1',
};

describe('trialEnv', () => {
  it('produces every protocol variable', () => {
    expect(trialEnv(base)).toEqual({
      NIGHTSHIFT_PARAMS: '{"lr":0.001,"units":64,"optimizer":"adam","nesterov":true}',
      NIGHTSHIFT_PARAMS_FILE: '/tmp/p.json',
      NIGHTSHIFT_TRIAL_ID: '17',
      NIGHTSHIFT_TRIAL_NUMBER: '4',
      NIGHTSHIFT_STUDY: 'mlp-digits',
      NIGHTSHIFT_CHECKPOINT_DIR: '/tmp/ckpt',
      NIGHTSHIFT_BUDGET: '18',
      NIGHTSHIFT_SEED: '42',
      CUDA_VISIBLE_DEVICES: '1',
    });
  });

  it('leaves out NIGHTSHIFT_BUDGET and CUDA_VISIBLE_DEVICES when they are null (an empty value would hide every GPU)', () => {
    const env = trialEnv({ ...base, budget: null, cudaVisibleDevices: null });
    expect('NIGHTSHIFT_BUDGET' in env).toBe(false);
    expect('CUDA_VISIBLE_DEVICES' in env).toBe(false);
  });

  it('reaches the trial process, merged over the engine environment', async () => {
    const dir = tempDir();
    const paramsFile = path.join(dir, 'trial', 'params.json');
    await writeParamsFile(paramsFile, base.params);
    expect(JSON.parse(readFileSync(paramsFile, 'utf8'))).toEqual(base.params);
    process.env.EXTRA_VAR = 'from-engine';
    try {
      const env = trialEnv({ ...base, paramsFile, checkpointDir: path.join(dir, 'ckpt'), budget: 2.5 });
      const { trial, logDir } = launch([process.execPath, fixture('print-env.mjs')], { env, cwd: dir });
      expect((await trial.done).code).toBe(0);
      const out = readLog(logDir, 'stdout');
      const seen = JSON.parse(/^ENV (.*)$/m.exec(out)?.[1] ?? 'null') as Record<string, string>;
      expect(seen).toEqual({ ...env, EXTRA_VAR: 'from-engine' });
      expect(JSON.parse(seen.NIGHTSHIFT_PARAMS ?? '')).toEqual(base.params);
      expect(JSON.parse(/^CWD (.*)$/m.exec(out)?.[1] ?? 'null')).toBe(dir);
    } finally {
      delete process.env.EXTRA_VAR;
    }
  });
});
