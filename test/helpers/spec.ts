// A valid normalized study spec for tests that need one without parsing a file; each test overrides only
// the parts it is about, so a new StudySpec field is added here once.
import type { StudySpec } from '../../src/main/engine/study/types.js';

export function testSpec(overrides: Partial<StudySpec> & Pick<StudySpec, 'name'>): StudySpec {
  return {
    trainer: { kind: 'command', command: ['python3', 'train.py'], cwd: '/tmp', env: {}, timeout_s: null },
    search_space: { lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null, when: null } },
    objectives: [{ metric: 'acc', direction: 'maximize' }],
    constraints: [],
    fidelity: null,
    sampler: { type: 'random', options: {} },
    scheduler: { type: 'none', options: {} },
    budget: { trials: 10, wall_time_s: null, energy_j: null, deadline: null },
    resources: { parallel: 1, gpus: null, trials_per_gpu: 1, allow_busy_gpus: false, min_free_disk_bytes: 0 },
    baseline: null,
    warm_start: null,
    seed: 0,
    max_retries: 1,
    kill_grace_s: 10,
    checkpoints: { keep_best: 3 },
    ...overrides,
  };
}
