// The HTML report's finalists section, from a real campaign: python3 trials searched in bf16 and validated
// in fp32 with known effects (fp32: +0.02 accuracy, 1.8 times the energy, reported by the trial itself).
// Every figure the section shows is checked against a recomputation from the stored runs.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { meanInterval } from '../../../src/main/engine/finalists/stats.js';
import { buildStudyReport, htmlReport } from '../../../src/main/engine/report/index.js';
import { studyShowJson } from '../../../src/main/engine/report/json.js';
import { num } from '../../../src/main/engine/report/html/escape.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { precisionStudy } from '../../helpers/precision-study.js';
import { tempDir } from '../../helpers/cli.js';
import { noisyStudy } from '../../helpers/noisy-study.js';

/** The text of the report's section that starts with heading `h2` (up to the next h2). */
function section(html: string, h2: string): string {
  const start = html.indexOf(`<h2>${h2}`);
  expect(start, `no section "${h2}"`).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('<h2>', start + 4);
  return html.slice(start, end < 0 ? undefined : end);
}

/** The cells of the first table row in `html` whose first cell is `first`. */
function row(html: string, first: string): string[] {
  for (const tr of html.match(/<tr>.*?<\/tr>/g) ?? []) {
    const cells = [...tr.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
    if (cells[0] === first) return cells;
  }
  throw new Error(`no row starting with ${first}`);
}

describe('the HTML report of a study with finalists', () => {
  it('shows each finalist validated against the search, rank stability, the precision comparison, and calls the validated winner best', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'prec.db'));
    const campaign = Campaign.open({ store, spec: loadStudyFile(precisionStudy(dir, 'trials: 3'), STRATEGIES), artifacts: dir });
    expect((await campaign.run()).reason).toBe('budget: 3 trials done; finalists: 6 of 6 runs done');
    const study = store.getStudy('prec')!;
    const trials = store.trials(study.id);
    const runs = store.finalistRuns(study.id);
    const good = trials.find((t) => !runs.has(t.id) && t.params.config === 'good')!;
    const mid = trials.find((t) => !runs.has(t.id) && t.params.config === 'mid')!;

    const html = htmlReport(store, study, { generatedAt: '2026-01-02T00:00:00Z' });
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    const f = section(html, 'Finalists (validated)');
    expect(f).toContain(`Best (validated): trial #${good.number}`);
    expect(f).toContain('6 complete, 0 failed');

    for (const [search, rank] of [[good, '1 (best)'], [mid, '2']] as const) {
      const mine = trials.filter((t) => runs.get(t.id)?.parentNumber === search.number);
      expect(mine.map((t) => t.params.precision)).toEqual(['fp32', 'fp32', 'fp32']);
      const acc = meanInterval(mine.map((t) => t.values.acc!));
      const energy = meanInterval(mine.map((t) => t.metrics.energy_j!));
      // rank, trial, search rank, acc search, acc validated [interval], optimism, energy per run, runs, parameters run
      const cells = row(f, rank);
      expect(cells[1]).toBe(`#${search.number}`);
      expect(cells[3]).toBe(num(search.values.acc));
      expect(cells[4]).toBe(`${num(acc.mean)} [${num(acc.low)}, ${num(acc.high)}]`);
      expect(cells[5]).toBe(`${search.values.acc! - acc.mean > 0 ? '+' : ''}${num(search.values.acc! - acc.mean)}`);
      expect(cells[6]).toMatch(new RegExp(`^${num(energy.mean)} J`));
      expect(cells[7]).toBe('3/3');
      expect(cells[8]).toContain('precision=fp32');

      // The precision comparison: bf16 in the search against fp32 in validation, accuracy and energy.
      const p = row(section(html, 'Finalists (validated)').slice(f.indexOf('Precision: search against validation')), `#${search.number}`);
      expect(p[1]).toBe('bf16 → fp32');
      expect(p[2]).toBe(num(search.values.acc));
      expect(Number(p[4])).toBeCloseTo(acc.mean - search.values.acc!, 5);
      expect(p[5]).toBe(`${num(search.metrics.energy_j)} J`);
      expect(p[6]).toBe(`${num(energy.mean)} J`);
      // fp32 costs 1.8 times the energy of bf16 in this trial: +80%.
      expect(p[7]).toBe(`+${num(energy.mean - search.metrics.energy_j!)} J (+80%)`);
      expect(acc.mean - search.values.acc!).toBeGreaterThan(0.005); // the planted +0.02 of fp32, less seed noise
    }

    // Rank stability: P(row beats column) is the summary's, and the search's winner held.
    const show = studyShowJson(store, study);
    const pGood = show.finalists!.beats.find((b) => b.a === good.number && b.b === mid.number)!.p;
    expect(pGood).toBeGreaterThan(0.95);
    expect(row(section(html, 'Finalists (validated)').slice(f.indexOf('Rank stability')), `#${good.number}`)).toEqual([`#${good.number}`, '', num(pGood)]);
    expect(f).toContain('The search&#39;s winner stayed the winner.');

    // "Best" is the validated winner, labelled so; the search's budget leaves the finalist runs out.
    expect(html).toContain('<h2>Best (validated by the finalists stage)</h2>');
    const model = buildStudyReport(store, study);
    expect(model.best.map((t) => t.number)).toEqual([good.number]);
    expect(model.budget.trials).toBe(3);
    expect(model.budget.energyJ).toBeCloseTo(100 + 80 + 60, 9);
    const finalistEnergy = trials.filter((t) => runs.has(t.id)).reduce((a, t) => a + t.metrics.energy_j!, 0);
    expect(model.finalistsEnergyJ).toBeCloseTo(finalistEnergy, 9);
    expect(section(html, 'Budget used by the search')).toContain(`Energy of finalist runs</dt><dd>${num(finalistEnergy)} J`);
    // The trials table lists the finalist runs as such.
    expect(section(html, 'All trials').match(/\(finalist run of #/g)).toHaveLength(6);
    store.close();
  }, 60_000);

  it("compares the baseline with the validated winner's mean, not with the search's lucky best", async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'noisy.db'));
    const campaign = Campaign.open({ store, spec: loadStudyFile(noisyStudy(dir), STRATEGIES), artifacts: dir });
    expect((await campaign.run()).reason).toBe('budget: 4 trials done; finalists: 9 of 9 runs done');
    const study = store.getStudy('noisy')!;
    const runs = store.finalistRuns(study.id);
    const search = store.trials(study.id).filter((t) => !runs.has(t.id));
    const lucky = search.find((t) => t.params.config === 'lucky')!;
    const good = search.find((t) => t.params.config === 'good')!;
    // The planted case: the baseline is the lucky configuration, also the search's best.
    expect(lucky.lineage.kind).toBe('baseline');
    expect(Math.max(...search.map((t) => t.values.acc!))).toBe(lucky.values.acc);
    const mine = store.trials(study.id).filter((t) => runs.get(t.id)?.parentNumber === good.number);
    const validated = meanInterval(mine.map((t) => t.values.acc!));

    const html = htmlReport(store, study, { generatedAt: '2026-01-02T00:00:00Z' });
    const b = section(html, 'Baseline against best (validated by the finalists stage)');
    // objective, baseline, best, gain, baseline energy, best energy, energy spent to find it
    const cells = row(b, 'acc (maximize)');
    expect(cells[1]).toBe(`${num(lucky.values.acc)} #${lucky.number}`);
    expect(cells[2]).toBe(`${num(validated.mean)} #${good.number} validated, mean of 3 runs`);
    const pct = ((validated.mean - lucky.values.acc!) / lucky.values.acc!) * 100;
    expect(pct).toBeLessThan(0); // one lucky draw of the baseline beats the winner's honest mean
    expect(cells[3]).toBe(`${num(pct)}%`);
    store.close();
  }, 60_000);
});

