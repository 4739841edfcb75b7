// Functional ANOVA on a random forest (Hutter et al., ICML 2014, as in Optuna's
// FanovaImportanceEvaluator): for each tree, the share of the variance of its prediction over the unit
// cube that is explained by one parameter alone (the variance of the marginal f_i(x_i), averaged over
// all other parameters), averaged over the trees. A tree's leaves partition the cube, so the marginal
// is piecewise constant between the tree's split points on dimension i and can be computed exactly.
import type { Leaf } from './forest.js';

/** Main-effect variance fraction of each dimension, for one tree (zeros when the tree is constant). */
export function treeMainEffects(leaves: readonly Leaf[], d: number): number[] {
  const vols = leaves.map((l) => l.lo.reduce((v, lo, k) => v * (l.hi[k]! - lo), 1));
  const mean = leaves.reduce((s, l, k) => s + vols[k]! * l.value, 0);
  const total = leaves.reduce((s, l, k) => s + vols[k]! * (l.value - mean) ** 2, 0);
  if (!(total > 1e-15)) return Array.from({ length: d }, () => 0);
  const out: number[] = [];
  for (let dim = 0; dim < d; dim++) {
    const cuts = [...new Set(leaves.flatMap((l) => [l.lo[dim]!, l.hi[dim]!]))].sort((a, b) => a - b);
    const at = new Map(cuts.map((c, k) => [c, k]));
    // f_i on interval k is the sum, over the leaves spanning it, of value × volume of the leaf in the
    // other dimensions; add each leaf over its range of intervals with a difference array.
    const diff = new Float64Array(cuts.length);
    leaves.forEach((l, k) => {
      const width = l.hi[dim]! - l.lo[dim]!;
      if (width <= 0) return;
      const c = (l.value * vols[k]!) / width;
      diff[at.get(l.lo[dim]!)!]! += c;
      diff[at.get(l.hi[dim]!)!]! -= c;
    });
    let f = 0;
    let v = 0;
    for (let k = 0; k + 1 < cuts.length; k++) {
      f += diff[k]!;
      v += (cuts[k + 1]! - cuts[k]!) * (f - mean) ** 2;
    }
    out.push(v / total);
  }
  return out;
}
