// Shared pieces of the storage tests: a valid normalized study spec and temp folders.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Objective } from '../../../src/shared/types.js';
import type { StudySpec } from '../../../src/main/engine/study/types.js';
import { testSpec } from '../../helpers/spec.js';

export function makeSpec(name: string, objectives: Objective[] = [{ metric: 'val_accuracy', direction: 'maximize' }]): StudySpec {
  return testSpec({
    name,
    trainer: { kind: 'command', command: ['python3', 'train.py', '--lr', '{lr}'], cwd: '/tmp', env: {}, timeout_s: 1200 },
    search_space: {
      lr: { type: 'float', low: 1e-4, high: 0.1, log: true, step: null, when: null },
      optimizer: { type: 'categorical', choices: ['adam', 'sgd'], when: null },
      momentum: { type: 'float', low: 0.5, high: 0.99, log: false, step: null, when: { optimizer: ['sgd'] } },
    },
    objectives,
    constraints: [{ metric: 'peak_gpu_mem_mb', min: null, max: 8000 }],
    budget: { trials: 20, wall_time_s: 28_800, energy_j: null, deadline: '07:00' },
    seed: 42,
  });
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'nightshift-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
