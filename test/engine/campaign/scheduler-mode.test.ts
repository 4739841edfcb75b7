// A study file that names no scheduler mode: a new study gets stop (and its stored spec records it); a study
// created before modes existed ran ASHA by promotion and resumes in promote mode, not silently in stop.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import type { EngineEvent } from '../../../src/main/engine/campaign/events.js';
import { withSchedulerMode } from '../../../src/main/engine/campaign/scheduler-mode.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { specHash } from '../../../src/main/engine/study/spec-hash.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import type { StudySpec } from '../../../src/main/engine/study/types.js';
import { epochsStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';

function studyFile(dir: string, name: string, scheduler: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, epochsStudyYaml({ name, sampler: '{type: random}', scheduler, trials: 3, seed: 4, epochMs: 5 }));
  return file;
}

const withScheduler = (spec: StudySpec, type: string, options: Record<string, unknown>): StudySpec => ({ ...spec, scheduler: { type, options } });

describe('scheduler mode of a study whose file names none', () => {
  const dir = tempDir();
  const spec = loadStudyFile(studyFile(dir, 'unit', '{type: asha}'), STRATEGIES);
  const modeOf = (s: StudySpec) => s.scheduler.options.mode;

  it('is the default, stop, for a new study; the file’s own mode always wins', () => {
    expect(modeOf(withSchedulerMode(spec, null).spec)).toBe('stop');
    const promote = withScheduler(spec, 'asha', { mode: 'promote' });
    expect(withSchedulerMode(promote, null)).toEqual({ spec: promote, note: null });
    expect(modeOf(withSchedulerMode(withScheduler(spec, 'hyperband', { mode: 'stop' }), withScheduler(spec, 'hyperband', {})).spec)).toBe('stop');
    // Schedulers without modes are left alone.
    const median = withScheduler(spec, 'median', {});
    expect(withSchedulerMode(median, spec).spec).toBe(median);
  });

  it('is promote for a study stored without a mode (made before modes), and the stored mode otherwise', () => {
    const old = withSchedulerMode(spec, withScheduler(spec, 'asha', {}));
    expect(modeOf(old.spec)).toBe('promote');
    expect(old.note).toMatch(/created before schedulers had a mode and ran asha by promotion: it resumes in mode promote/);
    expect(modeOf(withSchedulerMode(withScheduler(spec, 'hyperband', {}), withScheduler(spec, 'asha', { eta: 3 })).spec)).toBe('promote');
    expect(modeOf(withSchedulerMode(spec, withScheduler(spec, 'asha', { mode: 'stop' })).spec)).toBe('stop');
    expect(modeOf(withSchedulerMode(spec, withScheduler(spec, 'asha', { mode: 'promote' })).spec)).toBe('promote');
    // A study that ran another scheduler so far gets the default, as a new one would.
    expect(modeOf(withSchedulerMode(spec, withScheduler(spec, 'median', {})).spec)).toBe('stop');
  });

  it('resumes a pre-mode ASHA study by promotion, and records stop in a new study’s stored spec', async () => {
    const store = openStore(path.join(dir, 'modes.db'));
    // What the engine stored before `mode` existed: the parsed file, whose scheduler options have no mode.
    const oldSpec = loadStudyFile(studyFile(dir, 'old', '{type: asha}'), STRATEGIES);
    expect(oldSpec.scheduler.options).toEqual({});
    store.createStudy(oldSpec, specHash(oldSpec));
    const events: EngineEvent[] = [];
    const resumed = Campaign.open({ store, spec: oldSpec, artifacts: dir, emit: (e) => events.push(e) });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', level: 'info', message: expect.stringMatching(/resumes in mode promote/) }));
    await resumed.run();
    // Promotion starts every new configuration at the lowest rung (1 epoch); stop would start it at 9.
    const oldTrials = store.trials(resumed.study.id);
    const sampled = oldTrials.filter((t) => t.lineage.kind === 'sampler');
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.map((t) => t.budget)).toEqual(sampled.map(() => 1));
    expect(store.getStudy('old')!.spec.scheduler.options).toEqual({});

    const fresh = Campaign.open({ store, spec: loadStudyFile(studyFile(dir, 'new', '{type: asha}'), STRATEGIES), artifacts: dir });
    expect(store.getStudy('new')!.spec.scheduler.options).toEqual({ mode: 'stop' });
    await fresh.run();
    expect(store.trials(fresh.study.id).map((t) => t.budget)).toEqual([9, 9, 9]);
    // Resumed with the same file, the new study keeps the mode it recorded.
    expect(modeOf(withSchedulerMode(loadStudyFile(studyFile(dir, 'new', '{type: asha}'), STRATEGIES), store.getStudy('new')!.spec).spec)).toBe('stop');
    store.close();
  }, 60_000);
});
