// The render benchmark's studies, written straight through the store: `trials` finished trials with two
// objectives (val_accuracy against energy_j), five reports each, and `reportsOnFirst` reports on trial 0.
import path from 'node:path';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { specHash } from '../../src/main/engine/study/spec-hash.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';

export function seed(db: string, name: string, trials: number, reportsOnFirst: number): void {
  const spec = parseStudyText(
    `name: ${name}
trainer: {command: [node, t.mjs]}
search_space:
  lr: {type: float, low: 0.0001, high: 0.1, log: true}
  units: {type: int, low: 16, high: 512}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}
budget: {trials: ${trials}}
`,
    { file: path.join(path.dirname(db), `${name}.yaml`), format: 'yaml', strategies: STRATEGIES },
  );
  const store = openStore(db);
  const { study } = store.createStudy(spec, specHash(spec));
  let rnd = 12345;
  const rand = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  store.transaction(() => {
    for (let i = 0; i < trials; i++) {
      const t = store.enqueueTrial(study.id, { params: { lr: 0.0001 + rand() * 0.0999, units: 16 + Math.floor(rand() * 496) }, budget: null, lineage: { kind: 'enqueued' } });
      store.claimQueued(study.id, 'bench|1|x');
      const energy = 100 + rand() * 5000;
      const acc = Math.min(0.99, 0.5 + 0.45 * (1 - Math.exp(-energy / 1500)) * rand() ** 0.3);
      const steps = i === 0 ? reportsOnFirst : 5;
      for (let s = 1; s <= steps; s++) store.addReport(t.id, s, { val_accuracy: acc * (1 - Math.exp(-s / (steps / 4))), loss: 1 / s });
      store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: acc, energy_j: energy }, metrics: { duration_s: 1 }, reason: null });
    }
  });
  store.setStudyState(study.id, 'finished', 'bench');
  store.close();
}
