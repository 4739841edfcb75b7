import { describe, expect, it } from 'vitest';
import { createScheduler, schedulers } from '../../../src/main/engine/schedulers/index.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import type { FidelitySpec, SchedulerSpec } from '../../../src/main/engine/study/types.js';

function specError(spec: SchedulerSpec, fidelity: FidelitySpec | null = null): StudySpecError {
  try {
    createScheduler(spec, fidelity);
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error(`createScheduler(${JSON.stringify(spec)}) did not throw`);
}

const fidelity = { param: 'epochs', min: 1, max: 27, eta: 3 };

describe('the scheduler registry', () => {
  it('creates none and median schedulers', () => {
    expect(createScheduler({ type: 'none', options: {} }, null).name).toBe('none');
    expect(createScheduler({ type: 'median', options: { n_startup_trials: 2, n_warmup_steps: 1 } }, null).name).toBe('median');
  });

  it('validates options at scheduler.<key>', () => {
    expect(specError({ type: 'median', options: { n_startup: 3 } }).issues[0]).toEqual({
      path: 'scheduler.n_startup',
      message: expect.stringMatching(/unknown option for the median scheduler.*valid options: n_startup_trials, n_warmup_steps/),
    });
    expect(specError({ type: 'median', options: { n_warmup_steps: -1 } }).issues[0]!.path).toBe('scheduler.n_warmup_steps');
    expect(specError({ type: 'median', options: { n_startup_trials: '5' } }).issues[0]!.path).toBe('scheduler.n_startup_trials');
    expect(specError({ type: 'none', options: { patience: 3 } }).issues[0]!.message).toMatch(/none scheduler takes no options/);
    expect(specError({ type: 'patience', options: { min_delta: -1 } }).issues[0]!.path).toBe('scheduler.min_delta');
  });

  it('creates asha, hyperband and patience schedulers, and names the valid ones for an unknown type', () => {
    for (const type of ['asha', 'hyperband', 'patience']) expect(createScheduler({ type, options: {} }, fidelity).name).toBe(type);
    expect(specError({ type: 'sha', options: {} }).issues).toEqual([
      { path: 'scheduler.type', message: 'unknown scheduler "sha" (did you mean "asha"?); available: none, median, patience, asha, hyperband, curve' },
    ]);
  });

  it('refuses a rung scheduler without a fidelity at validation, as creation would', () => {
    for (const type of ['asha', 'hyperband']) {
      const issues = schedulers.validate({ type, options: {} }, { fidelity: null });
      expect(issues).toEqual([{ path: 'fidelity', message: expect.stringMatching(new RegExp(`the ${type} scheduler needs a fidelity`)) }]);
      expect(specError({ type, options: {} }).issues).toEqual(issues);
      expect(schedulers.validate({ type, options: {} }, { fidelity })).toEqual([]);
    }
  });
});
