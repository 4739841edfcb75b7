// Train/validation splits. Classification splits are stratified (every class keeps its share in each part),
// which matters for small or imbalanced data where a plain shuffle can leave a class out of validation.
import { Rng } from '../rng.js';
import type { Dataset } from './dataset.js';

export interface Split {
  train: number[];
  val: number[];
}

/** Example indices grouped by class, each group shuffled; regression data is one group. */
function shuffledGroups(data: Pick<Dataset, 'task' | 'y' | 'n'>, rng: Rng): number[][] {
  if (data.task === 'regression') return [rng.permutation(data.n)];
  const groups = new Map<number, number[]>();
  for (let i = 0; i < data.n; i++) {
    const c = data.y[i]!;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(groups.get(c)!));
}

export function holdoutSplit(data: Pick<Dataset, 'task' | 'y' | 'n'>, valFraction: number, seed: number): Split {
  const rng = new Rng(seed);
  const train: number[] = [];
  const val: number[] = [];
  for (const g of shuffledGroups(data, rng)) {
    // Keep at least one training example per class; a class of one goes to training.
    const k = g.length < 2 ? 0 : Math.min(g.length - 1, Math.max(1, Math.round(g.length * valFraction)));
    val.push(...g.slice(0, k));
    train.push(...g.slice(k));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

/** Stratified k-fold: disjoint validation folds covering every example once; fold sizes differ by at most one per class. */
export function kFoldSplits(data: Pick<Dataset, 'task' | 'y' | 'n'>, k: number, seed: number): Split[] {
  const rng = new Rng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  // Dealing each class round-robin, continuing where the last class stopped, balances total fold sizes too.
  for (const g of shuffledGroups(data, rng)) {
    for (const i of g) {
      folds[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return folds.map((val, f) => ({
    train: folds.flatMap((other, j) => (j === f ? [] : other)).sort((a, b) => a - b),
    val: val.sort((a, b) => a - b),
  }));
}

/**
 * A stratified fraction of `indices`. Nested: with the same seed, the examples at fraction 0.25 are among
 * those at 0.5, so a multi-fidelity scheduler compares budgets on growing, not different, data.
 */
export function subsample(data: Pick<Dataset, 'task' | 'y'>, indices: number[], fraction: number, seed: number): number[] {
  if (fraction >= 1) return indices;
  const rng = new Rng(seed);
  const sub = { task: data.task, y: Float32Array.from(indices, (i) => data.y[i]!), n: indices.length };
  const picked: number[] = [];
  for (const g of shuffledGroups(sub, rng)) {
    const k = Math.max(1, Math.round(g.length * fraction));
    picked.push(...g.slice(0, k).map((j) => indices[j]!));
  }
  return picked.sort((a, b) => a - b);
}
