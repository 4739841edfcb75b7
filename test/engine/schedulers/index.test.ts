import { describe, expect, it } from 'vitest';
import { availableSchedulers, createScheduler, registerScheduler } from '../../../src/main/engine/schedulers/index.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import type { SchedulerSpec } from '../../../src/main/engine/study/types.js';

function specError(spec: SchedulerSpec): StudySpecError {
  try {
    createScheduler(spec, null);
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error(`createScheduler(${JSON.stringify(spec)}) did not throw`);
}

describe('createScheduler', () => {
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
  });

  it('creates asha, hyperband and patience schedulers, and names the valid ones for an unknown type', () => {
    const fidelity = { param: 'epochs', min: 1, max: 27, eta: 3 };
    for (const type of ['asha', 'hyperband', 'patience']) expect(createScheduler({ type, options: {} }, fidelity).name).toBe(type);
    expect(specError({ type: 'sha', options: {} }).issues).toEqual([
      { path: 'scheduler.type', message: 'unknown scheduler "sha"; available: none, median, patience, asha, hyperband' },
    ]);
  });

  it('lets other modules register a scheduler type, which receives the fidelity', () => {
    registerScheduler('asha', (options, fidelity) => ({
      name: `asha(${fidelity?.param}, eta=${fidelity?.eta}, ${JSON.stringify(options)})`,
      onReport: () => ({ action: 'continue' }),
    }));
    expect(availableSchedulers()).toEqual(['none', 'median', 'patience', 'asha', 'hyperband']);
    const s = createScheduler({ type: 'asha', options: { k: 1 } }, { param: 'epochs', min: 1, max: 27, eta: 3 });
    expect(s.name).toBe('asha(epochs, eta=3, {"k":1})');
  });
});
