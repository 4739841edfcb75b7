// The search's planner with asking ahead (resources.ask_ahead): a suggestion prepared while every slot is
// busy is the one the next free slot gets; promotions are still judged when the slot frees; `auto` asks
// ahead only where asks are a real share of a slot's time.
import { describe, expect, it } from 'vitest';
import type { Objective, Params } from '../../../src/shared/types.js';
import { ASK_SHARE, SearchPlanner, type AskAheadMode } from '../../../src/main/engine/campaign/ask-ahead.js';
import type { PlannerDeps } from '../../../src/main/engine/campaign/planner.js';
import type { Sampler, SamplerContext, Suggestion, TrialView } from '../../../src/main/engine/samplers/types.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import type { EventSink } from '../../../src/main/engine/campaign/events.js';
import { epochsStudyYaml, runStudyYaml } from '../../helpers/campaign.js';
import { tempDir } from '../../helpers/cli.js';
import { budgetTrial, rung } from '../schedulers/fidelity-trials.js';

const objectives: Objective[] = [{ metric: 'acc', direction: 'maximize' }];
const space = new SearchSpace({ x: { type: 'float', low: 0, high: 100, log: false, step: null, when: null } });
const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 9, eta: 3 };

/** Proposes x = the number of trials it was shown, after `delay` ms of a clock the test moves. */
class Counting implements Sampler {
  readonly name = 'counting';
  asks = 0;
  fail: Error | null = null;
  exhaustedUntil = 0;
  constructor(private readonly clock: { now: number; askMs: number }) {}
  async ask(c: SamplerContext): Promise<Suggestion> {
    this.asks += 1;
    await Promise.resolve();
    this.clock.now += this.clock.askMs;
    if (this.fail) throw this.fail;
    if (this.asks <= this.exhaustedUntil) return { kind: 'exhausted', reason: 'every configuration is running' };
    return { kind: 'params', params: { x: c.trials.length } as Params };
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

function planner(mode: AskAheadMode, o: { scheduler?: 'asha' | 'hyperband'; askMs?: number } = {}) {
  const clock = { now: 0, askMs: o.askMs ?? 0 };
  const sampler = new Counting(clock);
  const scheduler = createScheduler({ type: o.scheduler ?? 'asha', options: { mode: 'promote' } }, fidelity);
  const deps: PlannerDeps = { space, objectives, fidelity, sampler, scheduler, seed: 1 };
  return { p: new SearchPlanner(deps, mode, () => clock.now), sampler, clock };
}

const running = (n: number): TrialView[] => Array.from({ length: n }, (_, i) => budgetTrial(i, 50 + i, 1, 'running'));

describe('asking ahead', () => {
  it('gives the next free slot the suggestion prepared while every slot was busy, asked with the trials as they were then', async () => {
    const { p, sampler } = planner(true);
    p.prepare(running(2), 2);
    expect(p.prepared).toBe(true);
    expect(sampler.asks).toBe(1);
    // Two more trials are known by the time a slot frees: the prepared suggestion did not see them.
    const plan = await p.take([...running(2), budgetTrial(2, 60, 1, 'complete', 0.5), budgetTrial(3, 61, 1, 'running')]);
    expect(plan).toMatchObject({ kind: 'trial', params: { x: 2 }, budget: 1, lineage: { kind: 'sampler' } });
    expect(sampler.asks).toBe(1);
    expect(p.prepared).toBe(false);
    // Nothing prepared: asked now, with what is known now.
    expect(await p.take(running(5))).toMatchObject({ params: { x: 5 } });
    expect(sampler.asks).toBe(2);
  });

  it('prepares one suggestion at a time', () => {
    const { p, sampler } = planner(true);
    p.prepare(running(2), 2);
    p.prepare(running(2), 2);
    expect(sampler.asks).toBe(1);
  });

  it('still promotes first when a slot frees, and keeps the prepared suggestion for the slot after', async () => {
    const { p, sampler } = planner(true);
    p.prepare(running(2), 2);
    // Three complete results at rung 1 (eta 3): the best of them goes on to 3 epochs.
    const trials = [...rung(0, 1, [0.2, 0.9, 0.4]), budgetTrial(3, 50, 1, 'running')];
    expect(await p.take(trials)).toMatchObject({ kind: 'trial', budget: 3, lineage: { kind: 'promote', parentNumber: 1 } });
    expect(p.prepared).toBe(true);
    const promoted = [...trials, { ...budgetTrial(4, 1, 3, 'running') }];
    expect(await p.take(promoted)).toMatchObject({ lineage: { kind: 'sampler' }, params: { x: 2 } });
    expect(sampler.asks).toBe(1);
  });

  it('gives the prepared suggestion the budget the scheduler starts new trials at when it is taken (a Hyperband bracket)', async () => {
    const { p } = planner(true, { scheduler: 'hyperband' });
    const direct = createScheduler({ type: 'hyperband', options: { mode: 'promote' } }, fidelity);
    const first = direct.initialBudget!({ objectives, trials: [] });
    // Prepared before any trial; by the time it is taken, one configuration has started in the first bracket.
    p.prepare([], 2);
    const taken = [budgetTrial(0, 50, first, 'running')];
    const next = direct.initialBudget!({ objectives, trials: taken });
    expect(next).not.toBe(first);
    expect(await p.take(taken)).toMatchObject({ kind: 'trial', budget: next });
  });

  it("passes a prepared ask's failure to the slot that takes it, and never leaves it unhandled meanwhile", async () => {
    const { p, sampler } = planner(true);
    sampler.fail = new Error('model fit failed');
    p.prepare(running(2), 2);
    await new Promise((r) => setTimeout(r, 10));
    await expect(p.take(running(2))).rejects.toThrow('model fit failed');
  });

  it('asks again when the prepared ask found the space exhausted, since trials may have ended since', async () => {
    const { p, sampler } = planner(true);
    sampler.exhaustedUntil = 1;
    p.prepare(running(2), 2);
    expect(await p.take(running(3))).toMatchObject({ kind: 'trial', params: { x: 3 } });
    expect(sampler.asks).toBe(2);
  });

  it('with ask_ahead: false, asks only when a slot frees', async () => {
    const { p, sampler } = planner(false);
    p.prepare(running(2), 2);
    expect(p.prepared).toBe(false);
    expect(sampler.asks).toBe(0);
    expect(await p.take(running(4))).toMatchObject({ params: { x: 4 } });
  });
});

describe('ask_ahead: auto', () => {
  /** Slots free every `everyMs`, each ask takes `askMs`; returns whether the planner then asks ahead. */
  async function afterTakes(askMs: number, everyMs: number, slots: number): Promise<boolean> {
    const { p, clock } = planner('auto', { askMs });
    for (let i = 0; i < 4; i++) {
      await p.take(running(i));
      clock.now += everyMs;
    }
    return p.enabled(slots);
  }

  it('asks ahead with 2+ slots once asks take at least their share of a slot’s time per trial', async () => {
    // 2 slots, a trial starting every 40 ms (ask included): each slot's trial lasts 80 ms; a 30 ms ask is 38%.
    expect(30 / ((30 + 10) * 2)).toBeGreaterThanOrEqual(ASK_SHARE);
    expect(await afterTakes(30, 10, 2)).toBe(true);
  });

  it('does not for asks that are a small share of long trials (a GPU trial of minutes)', async () => {
    expect(await afterTakes(50, 60_000, 2)).toBe(false);
  });

  it('does not with one slot: the only trial would always be suggested without its predecessor’s result', async () => {
    expect(await afterTakes(30, 10, 1)).toBe(false);
  });

  it('does not before it has measured an ask and a few trial starts', () => {
    const { p } = planner('auto', { askMs: 1000 });
    expect(p.enabled(4)).toBe(false);
  });
});

describe('asking ahead in a real campaign', () => {
  it('runs a GP + ASHA study on 2 slots to its trial budget with no extra or repeated trial, and resumes', async () => {
    const dir = tempDir();
    const logs: string[] = [];
    const emit: EventSink = (e) => e.type === 'log' && logs.push(e.message);
    const yaml = (trials: number, ahead: boolean): string =>
      epochsStudyYaml({ name: 'ahead', sampler: '{type: gp, n_startup: 3}', scheduler: '{type: asha, mode: stop}', trials, seed: 3, epochMs: 20, resources: `{parallel: 2, ask_ahead: ${ahead}}` });
    const first = await runStudyYaml(dir, yaml(10, true), { emit });
    expect(first.result.state).toBe('finished');
    expect(logs.filter((m) => m.startsWith('ask_ahead:'))).toEqual([
      "ask_ahead: the sampler's next suggestion is prepared while every slot is busy (resources.ask_ahead: true)",
    ]);
    first.store.close();
    // A suggestion prepared when the budget ran out is dropped, not run or stored.
    expect(first.trials).toHaveLength(10);
    expect(first.trials.every((t) => t.lineage.kind === 'sampler' && t.state !== 'queued')).toBe(true);
    expect(new Set(first.trials.map((t) => t.params.x)).size).toBe(10);

    logs.length = 0;
    const second = await runStudyYaml(dir, yaml(14, false), { emit });
    expect(second.result.state).toBe('finished');
    second.store.close();
    expect(logs.some((m) => m.startsWith('ask_ahead:'))).toBe(false);
    expect(second.trials).toHaveLength(14);
    expect(new Set(second.trials.map((t) => t.params.x)).size).toBe(14);
  }, 120_000);
});
