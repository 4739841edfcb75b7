// "Did you mean" for every name a user can misspell: study-file keys, sampler and scheduler types, their
// options. One distance and one threshold, so the same typo gets the same hint wherever it is made.

/**
 * Edit distance counting an adjacent transposition as one edit (optimal string alignment): "ahsa" is one
 * slip away from "asha", as a user sees it, where plain Levenshtein counts two.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate `word` most likely stands for, or null. Short words get one edit, longer ones two: with
 * more, short names (gp, none, asha) would all "mean" each other. Case is ignored.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.min(2, Math.floor(word.length / 3))) + 1;
  for (const candidate of candidates) {
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}
