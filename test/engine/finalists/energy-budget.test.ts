// budget.energy is the search's: finalist runs spend energy of their own (here fp32 re-runs that cost 1.8
// times the bf16 search trials, reported by the trials themselves), which never stops the search. The
// study is resumed with a larger trial budget after its finalists ran: the search must carry on.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatShow } from '../../../src/main/cli/commands/show.js';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { studyShowJson } from '../../../src/main/engine/report/json.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { precisionStudy } from '../../helpers/precision-study.js';
import { tempDir } from '../../helpers/cli.js';

describe('the search energy budget with finalists', () => {
  it('does not count finalist runs against budget.energy, and show gives the finalists their own energy line', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'f.db'));
    const first = await Campaign.open({ store, spec: loadStudyFile(precisionStudy(dir, 'trials: 2, energy: 500 J'), STRATEGIES), artifacts: dir }).run();
    expect(first.reason).toBe('budget: 2 trials done; finalists: 6 of 6 runs done');
    const id = store.getStudy('prec')!.id;
    const spentByFinalists = store.trials(id).filter((t) => store.finalistRun(t.id)).reduce((a, t) => a + t.metrics.energy_j!, 0);
    expect(spentByFinalists).toBeGreaterThan(500); // alone over the search's energy budget

    // A third search trial fits the search's 500 J (at most 100 + 80 + 60 J spent).
    const again = await Campaign.open({ store, spec: loadStudyFile(precisionStudy(dir, 'trials: 3, energy: 500 J'), STRATEGIES), artifacts: dir }).run();
    expect(again.reason?.split('; ')[0]).toBe('budget: 3 trials done');
    const show = studyShowJson(store, store.getStudy('prec')!);
    expect(show.counts.complete).toBe(3);
    const finalistEnergy = store.trials(id).filter((t) => store.finalistRun(t.id)).reduce((a, t) => a + t.metrics.energy_j!, 0);
    expect(show.energy).toEqual({ search_j: 240, finalists_j: finalistEnergy });
    expect(formatShow(show)).toContain(`energy: search 240 J, finalist runs ${+finalistEnergy.toFixed(1)} J\n`);
    store.close();
  }, 60_000);

  it('counts what the search spent before a resume: a resumed study already over budget.energy starts no trial', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'r.db'));
    await Campaign.open({ store, spec: loadStudyFile(precisionStudy(dir, 'trials: 2'), STRATEGIES), artifacts: dir }).run();
    const id = store.getStudy('prec')!.id;
    const search = store.trials(id).filter((t) => !store.finalistRun(t.id));
    const spent = search.reduce((a, t) => a + t.metrics.energy_j!, 0);
    expect(search).toHaveLength(2);
    const again = await Campaign.open({ store, spec: loadStudyFile(precisionStudy(dir, `trials: 3, energy: ${Math.floor(spent) - 1} J`), STRATEGIES), artifacts: dir }).run();
    expect(again.reason).toMatch(/^budget: energy of .* spent/);
    expect(store.trials(id).filter((t) => !store.finalistRun(t.id))).toHaveLength(2);
    store.close();
  }, 60_000);
});
