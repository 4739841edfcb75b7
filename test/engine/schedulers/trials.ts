// Hand-built trial sets for scheduler tests.
import type { TrialState } from '../../../src/shared/types.js';
import type { TrialView } from '../../../src/main/engine/samplers/types.js';

/** A trial with intermediate values `curve[step]` (or explicit [step, value] pairs). */
export function curveTrial(number: number, state: TrialState, curve: readonly number[] | ReadonlyArray<readonly [number, number]>): TrialView {
  const entries: [number, number][] = curve.map((c, i) => (typeof c === 'number' ? [i, c] : [c[0], c[1]]));
  const last = entries.at(-1)?.[1];
  return {
    number,
    state,
    params: { x: number },
    values: state === 'complete' && last !== undefined ? { acc: last } : null,
    intermediate: new Map(entries),
    budget: null,
  };
}

/** The first `step + 1` reports of a curve, as a running trial that just reported `step`. */
export function runningUpTo(number: number, curve: readonly number[], step: number): TrialView {
  return curveTrial(number, 'running', curve.slice(0, step + 1));
}
