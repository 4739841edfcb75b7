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

export async function runStudyYaml(dir: string, yaml: string, o: { file?: string; db?: string; emit?: EventSink } = {}) {
  const file = path.join(dir, o.file ?? 'study.yaml');
  writeFileSync(file, yaml);
  const db = path.join(dir, o.db ?? 'study.db');
  const store = openStore(db);
  const campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir, emit: o.emit });
  const result = await campaign.run();
  return { db, store, campaign, result, trials: store.trials(campaign.study.id) };
}
