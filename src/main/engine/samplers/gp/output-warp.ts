// `output_warp`: the GP models each objective's normal scores instead of its raw values, the Gaussian
// copula transform of Salinas, Shen & Perrone ("A quantile-based approach for hyperparameter transfer
// learning", ICML 2020). Real training gives a few very poor results (a learning rate that diverges, one
// epoch of a large batch: 30% where the rest reach 95%), and a GP on standardized raw values spends its
// signal variance on them: the differences among good configurations, where the search has to choose,
// shrink to noise. HEBO (Cowen-Rivers et al., JAIR 2022) found output warping one of the largest gains on
// the NeurIPS 2020 black-box challenge. The ranks keep the order, so the incumbent and the Pareto front
// are the same trials; an earlier study's or a lower rung's values (the prior mean) are warped by their own
// ranks, which puts both tasks on one scale (the point of the paper's transfer).
import type { Observations } from './dataset.js';
import { normQuantile } from './normal.js';

/**
 * Each finite value's normal score Phi^-1((r - 1/2) / n), r its rank among the n finite values (ties share
 * their mean rank); non-finite values stay as they are (NaN marks a missing one). Values that are all the
 * same have no order to learn and stay as they are, so the GP's "all observed values are identical"
 * names the value itself.
 */
export function normalScores(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) idx.push(i);
  const n = idx.length;
  if (n === 0) return out;
  idx.sort((a, b) => values[a]! - values[b]!);
  if (values[idx[0]!]! === values[idx[n - 1]!]!) return out;
  for (let lo = 0; lo < n; ) {
    let hi = lo + 1;
    while (hi < n && values[idx[hi]!]! === values[idx[lo]!]!) hi++;
    // Ranks lo+1..hi share their mean (lo + 1 + hi) / 2.
    const z = normQuantile(((lo + 1 + hi) / 2 - 0.5) / n);
    for (let k = lo; k < hi; k++) out[idx[k]!] = z;
    lo = hi;
  }
  return out;
}

/** `obs` with every objective's targets replaced by their normal scores (constraints keep their units: their bounds are raw). */
export function warpTargets(obs: Observations): Observations {
  return { ...obs, targets: obs.targets.map(normalScores) };
}
