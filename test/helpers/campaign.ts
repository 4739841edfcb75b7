// Runs a study file through the real engine in-process: the YAML is written to `dir`, validated by the same
// loader the CLI uses, and driven to its end against a real SQLite file. Campaign tests differ in the study
// and in what they check afterwards, not in these steps.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Campaign } from '../../src/main/engine/campaign/campaign.js';
import type { EventSink } from '../../src/main/engine/campaign/events.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../src/main/engine/study/spec.js';
import { ROOT } from './cli.js';

export async function runStudyYaml(dir: string, yaml: string, o: { file?: string; db?: string; emit?: EventSink } = {}) {
  const file = path.join(dir, o.file ?? 'study.yaml');
  writeFileSync(file, yaml);
  const db = path.join(dir, o.db ?? 'study.db');
  const store = openStore(db);
  const campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir, emit: o.emit });
  const result = await campaign.run();
  return { db, store, campaign, result, trials: store.trials(campaign.study.id) };
}

/**
 * A study of test/fixtures/campaign/epochs.mjs (score peaks at x = 0.3, rises with epochs): one float
 * parameter, epochs 1-9 (eta 3) as the fidelity, what the campaign tests of samplers and schedulers vary
 * given as YAML flow maps.
 */
export function epochsStudyYaml(o: { name: string; sampler: string; scheduler: string; trials: number; seed: number; epochMs: number; resources?: string }): string {
  return `name: ${o.name}
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/epochs.mjs'))}]
  env: {EPOCH_MS: "${o.epochMs}"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: ${o.sampler}
scheduler: ${o.scheduler}
budget: {trials: ${o.trials}}
seed: ${o.seed}
${o.resources ? `resources: ${o.resources}\n` : ''}`;
}
