// Effects and suggestions of a one-at-a-time sensitivity run, from follow-up trials whose outcome is known.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../../src/shared/types.js';
import { sensitivityPlan } from '../../../src/main/engine/importance/index.js';
import { sensitivityEffects, suggestFromSensitivity } from '../../../src/main/engine/importance/sensitivity.js';
import { SearchSpace } from '../../../src/main/engine/study/space.js';
import type { LineageKind, TrialLineage } from '../../../src/main/engine/storage/types.js';

const space = new SearchSpace({
  lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null, when: null },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'], when: null },
  junk: { type: 'float', low: 0, high: 1, log: false, step: null, when: null },
});
const objective = { metric: 'loss', direction: 'minimize' } as const;
const loss = (p: Params) => (Math.log10(p.lr as number) + 2.5) ** 2 + { relu: 0, tanh: 1.5, gelu: 0.1 }[p.act as string]!;

/** The follow-up's trials as the campaign leaves them: baseline first, then the plan, in order. */
function followUp(best: Params, points: number) {
  const plan = sensitivityPlan(best, space, points);
  return [
    { number: 0, state: 'complete', lineage: lineage('baseline'), params: best, values: { loss: loss(best) } },
    ...plan.map((p, i) => ({ number: i + 1, state: 'complete', lineage: lineage('sensitivity', p.param), params: p.params, values: { loss: loss(p.params) } })),
  ];
}

function lineage(kind: LineageKind, detail: string | null = null, parentNumber: number | null = null): TrialLineage {
  return { kind, parentId: parentNumber === null ? null : 100 + parentNumber, parentNumber, detail };
}

describe('sensitivity effects', () => {
  const best = { lr: 10 ** -2.5, act: 'relu', junk: 0.4 };

  it('measures each parameter\'s range of the objective around the best configuration', () => {
    const fx = sensitivityEffects(followUp(best, 7), space, [objective]);
    const effect = Object.fromEntries(fx.map((e) => [e.param, e.effect.loss]));
    expect(effect.lr).toBeCloseTo(2.25, 9); // log10 lr from -4 to -1 around -2.5: 1.5² − 0
    expect(effect.act).toBeCloseTo(1.5, 9);
    expect(effect.junk).toBe(0);
    // Points sorted along the parameter's scale, the best among them.
    const lr = fx.find((e) => e.param === 'lr')!;
    expect(lr.points.map((p) => p.value as number)).toEqual([...lr.points.map((p) => p.value as number)].sort((a, b) => a - b));
    expect(lr.points.filter((p) => p.best).map((p) => p.value)).toEqual([10 ** -2.5]);
  });

  it('traces a trial re-run after an interruption back to its parameter, and skips unfinished ones', () => {
    const trials = followUp(best, 3);
    const i = trials.findIndex((t) => t.lineage.detail === 'act');
    const cut = { ...trials[i]!, state: 'stopped', values: {} };
    const rerun = { ...trials[i]!, number: trials.length, lineage: lineage('retry', null, cut.number) };
    const queued = { ...trials[i]!, number: trials.length + 1, state: 'queued', lineage: lineage('sensitivity', 'act'), params: { ...best, act: 'gelu' }, values: {} };
    const fx = sensitivityEffects([...trials.slice(0, i), cut, ...trials.slice(i + 1), rerun, queued], space, [objective]);
    const act = fx.find((e) => e.param === 'act')!;
    expect(act.points.map((p) => p.number).sort()).toEqual([0, rerun.number, trials[i + 1]!.number].sort());
    expect(act.effect.loss).toBeCloseTo(1.5, 9);
  });
});

describe('suggestions from sensitivity', () => {
  it('freezes the parameter with no effect, keeps the choices near the best and narrows the dominant range', () => {
    const best = { lr: 10 ** -2.5, act: 'relu', junk: 0.4 };
    const fx = sensitivityEffects(followUp(best, 7), space, [objective]);
    const s = suggestFromSensitivity(fx, space, objective);
    expect(s.find((x) => x.param === 'junk')).toMatchObject({ kind: 'freeze', value: 0.4 });
    expect(s.find((x) => x.param === 'act')).toMatchObject({ kind: 'choices', choices: ['relu', 'gelu'] });
    const lr = s.find((x) => x.param === 'lr');
    if (lr?.kind !== 'narrow') throw new Error(`lr: expected narrow, got ${JSON.stringify(lr)}`);
    expect(lr.low).toBeLessThan(10 ** -2.5);
    expect(lr.high).toBeGreaterThan(10 ** -2.5);
    expect(lr.low).toBeGreaterThan(1e-4);
    expect(lr.high).toBeLessThan(0.1);
  });

  it('suggests nothing for a parameter that matters over its whole range, and maximizes when asked', () => {
    const flat = new SearchSpace({ a: { type: 'float', low: 0, high: 1, log: false, step: null, when: null } });
    const trials = [0, 0.5, 1].map((a, i) => ({ number: i, state: 'complete', lineage: i === 2 ? lineage('baseline') : lineage('sensitivity', 'a'), params: { a }, values: { acc: a } }));
    const fx = sensitivityEffects(trials, flat, [{ metric: 'acc', direction: 'maximize' }]);
    expect(fx[0]!.effect.acc).toBe(1);
    expect(suggestFromSensitivity(fx, flat, { metric: 'acc', direction: 'maximize' })).toEqual([{ param: 'a', kind: 'narrow', low: 0.5, high: 1, reason: expect.any(String) }]);
  });
});
