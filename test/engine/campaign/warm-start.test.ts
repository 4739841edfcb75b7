// Warm start: a new study begins with the best configurations of an earlier one.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { tempDir } from '../../helpers/cli.js';

function studyFile(dir: string, name: string, extra: string): string {
  writeFileSync(path.join(dir, 'f.mjs'), "console.log('@nightshift ' + JSON.stringify({ step: 1, loss: (Number(process.argv[2]) - 0.7) ** 2 }));\n");
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
trainer:
  command: [node, f.mjs, "{x}"]
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
${extra}
`,
  );
  return file;
}

describe('warm start', () => {
  it('enqueues the earlier study’s best configurations first, and names a missing study', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'w.db'));
    const first = Campaign.open({ store, spec: loadStudyFile(studyFile(dir, 'first', 'budget: {trials: 8}\nseed: 3'), STRATEGIES), artifacts: dir });
    await first.run();
    const best3 = store
      .trials(first.study.id)
      .sort((a, b) => a.values.loss! - b.values.loss!)
      .slice(0, 3)
      .map((t) => t.params);

    const second = Campaign.open({
      store,
      spec: loadStudyFile(studyFile(dir, 'second', 'budget: {trials: 5}\nwarm_start: {study: first, top: 3}\nseed: 9'), STRATEGIES),
      artifacts: dir,
    });
    await second.run();
    const trials = store.trials(second.study.id);
    expect(trials.slice(0, 3).map((t) => t.lineage)).toEqual(Array(3).fill({ kind: 'warm-start', parentId: null, parentNumber: null, detail: 'first' }));
    expect(trials.slice(0, 3).map((t) => t.params)).toEqual(best3);
    expect(trials[3]!.lineage).toMatchObject({ kind: 'sampler', detail: 'random' });

    expect(() =>
      Campaign.open({ store, spec: loadStudyFile(studyFile(dir, 'third', 'warm_start: {study: nope}'), STRATEGIES), artifacts: dir }),
    ).toThrow(StudySpecError);
    expect(store.getStudy('third')).toBeNull();
    store.close();
  });
});
