// Hyperband as brackets of ASHA: bracket assignment by Hyperband's allocation, promotion within a bracket.
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../../src/shared/types.js';
import type { HyperbandScheduler } from '../../../src/main/engine/schedulers/hyperband.js';
import { createScheduler } from '../../../src/main/engine/schedulers/index.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';
import type { FidelitySpec } from '../../../src/main/engine/study/types.js';
import { budgetTrial } from './fidelity-trials.js';
import { schedulerContract } from './scheduler-contract.js';

const fidelity: FidelitySpec = { param: 'epochs', min: 1, max: 27, eta: 3 };
const hyperband = (options: Record<string, unknown> = {}, f: FidelitySpec = fidelity) =>
  createScheduler({ type: 'hyperband', options: { mode: 'promote', ...options } }, f) as HyperbandScheduler;
const obj: Objective[] = [{ metric: 'acc', direction: 'maximize' }];

schedulerContract('hyperband', { make: () => hyperband(), multiFidelity: { fidelity } });
schedulerContract('hyperband (min 2, max 52)', { make: () => hyperband({}, { param: 'epochs', min: 2, max: 52, eta: 3 }), multiFidelity: { fidelity: { param: 'epochs', min: 2, max: 52, eta: 3 } } });

describe('Hyperband brackets', () => {
  it('are the suffixes of the ASHA ladder, with Hyperband allocation per bracket', () => {
    const h = hyperband();
    expect(h.ladder).toEqual([1, 3, 9, 27]);
    expect([0, 1, 2, 3].map((s) => h.bracketLadder(s))).toEqual([[27], [9, 27], [3, 9, 27], [1, 3, 9, 27]]);
    // n_s = ceil((s_max + 1) / (s + 1) * eta^s): about equal budget per bracket.
    expect(h.allocation).toEqual([4, 6, 12, 27]);
  });

  it('assigns new configurations to brackets in proportion to the allocation, most aggressive first', () => {
    const h = hyperband();
    const trials: TrialView[] = [];
    const starts: number[] = [];
    for (let n = 0; n < 49 * 2; n++) {
      const b = h.initialBudget({ objectives: obj, trials });
      starts.push(b);
      trials.push(budgetTrial(n, n, b, n % 3 === 0 ? 'running' : 'complete', 0.5));
    }
    expect(starts[0]).toBe(1);
    const count = (b: number, upTo: number): number => starts.slice(0, upTo).filter((x) => x === b).length;
    // One full cycle (4 + 6 + 12 + 27 = 49 configurations) fills every bracket exactly, and so does the second.
    expect([27, 9, 3, 1].map((b) => count(b, 49))).toEqual([4, 6, 12, 27]);
    expect([27, 9, 3, 1].map((b) => count(b, 98))).toEqual([8, 12, 24, 54]);
  });

  it("reads a configuration's bracket from its lowest budget, also when promoted since", () => {
    const h = hyperband();
    expect(h.bracketOf([budgetTrial(0, 0, 3, 'complete', 1), budgetTrial(5, 0, 9, 'running')])).toBe(2);
    expect(h.bracketOf([budgetTrial(0, 0, 27, 'complete', 1)])).toBe(0);
    expect(h.bracketOf([budgetTrial(0, 0, 5, 'complete', 1)])).toBeNull();
  });

  it('promotes within a bracket only, deepest promotion first', () => {
    const h = hyperband();
    const trials: TrialView[] = [
      // Bracket 3 (starts at 1): three configurations, x=1 already promoted to 3.
      budgetTrial(0, 0, 1, 'complete', 0.2),
      budgetTrial(1, 1, 1, 'complete', 0.5),
      budgetTrial(2, 2, 1, 'complete', 0.3),
      budgetTrial(3, 1, 3, 'complete', 0.99),
      // Bracket 2 (starts at 3): two configurations at 3, both worse than x=1's 0.99 at 3.
      budgetTrial(4, 10, 3, 'complete', 0.6),
      budgetTrial(5, 11, 3, 'complete', 0.7),
    ];
    // Budget 3 holds three results, but they are two brackets' rungs: bracket 2 has 2 (< eta), bracket 3 has 1.
    expect(h.promote({ objectives: obj, trials })).toBeNull();
    trials.push(budgetTrial(6, 12, 3, 'complete', 0.4));
    // Now bracket 2 has 3 results at 3: its best (x=11) goes to 9; x=1 from bracket 3 is not in that rung.
    expect(h.promote({ objectives: obj, trials })).toEqual({ parent: 5, budget: 9 });
    trials.push(budgetTrial(7, 11, 9, 'running'));
    trials.push(budgetTrial(8, 3, 1, 'complete', 0.1), budgetTrial(9, 4, 1, 'complete', 0.1), budgetTrial(10, 5, 1, 'complete', 0.45));
    // Bracket 3 now has 6 results at 1: quota 2, x=1 is promoted already, x=5 (0.45) is next.
    expect(h.promote({ objectives: obj, trials })).toEqual({ parent: 10, budget: 3 });
  });

  it('never promotes in bracket 0, which runs every configuration at full budget', () => {
    const trials = [0, 1, 2, 3, 4, 5].map((n) => budgetTrial(n, n, 27, 'complete', n / 10));
    expect(hyperband().promote({ objectives: obj, trials })).toBeNull();
  });

  it('validates its options', () => {
    expect(() => hyperband({ eta: 0 })).toThrow(/scheduler\.eta: must be an integer >= 2/);
    expect(() => hyperband({ brackets: 2 })).toThrow(/scheduler\.brackets: unknown option for the hyperband scheduler; valid options: eta, mode/);
    expect(() => createScheduler({ type: 'hyperband', options: {} }, null)).toThrow(/hyperband scheduler needs a fidelity/);
  });
});
