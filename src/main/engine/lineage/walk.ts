// Walking a trial's lineage inside its study: the attempts of one configuration (retries), the rungs it
// was promoted through (promotions), and the first trial of that chain, which owns the checkpoints.
// Every walk takes a lookup by trial number, so it runs the same over a loaded list of trials and over
// the store (one query per hop). A parent is always an earlier trial (the store refuses anything else),
// so walks end; the visited set only guards against a database edited by hand.
import type { TrialLineage } from '../storage/types.js';

export interface LineageNode {
  number: number;
  lineage: TrialLineage;
}

/** A trial of the same study by number, or null/undefined when there is none. */
export type ByNumber<T> = (number: number) => T | null | undefined;

/** A lookup over a list of trials of one study. */
export function byNumberIn<T extends LineageNode>(trials: readonly T[]): ByNumber<T> {
  const map = new Map(trials.map((t) => [t.number, t] as const));
  return (n) => map.get(n);
}

/** The parent of `t`, when it has one and the lookup finds it. */
export function parentOf<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T | null {
  return t.lineage.parentNumber === null ? null : (byNumber(t.lineage.parentNumber) ?? null);
}

/** Follows the parent links whose kind `follow` accepts, from `t` (included) back as far as they go. */
function walk<T extends LineageNode>(t: T, byNumber: ByNumber<T>, follow: (l: TrialLineage) => boolean): T[] {
  const path = [t];
  const seen = new Set([t.number]);
  let cur = t;
  while (follow(cur.lineage)) {
    const prev = parentOf(cur, byNumber);
    if (!prev || seen.has(prev.number)) break;
    seen.add(prev.number);
    path.push(prev);
    cur = prev;
  }
  return path;
}

/** Every trial `t` was made from, nearest first, whatever the kind of each link. */
export function ancestors<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T[] {
  return walk(t, byNumber, () => true).slice(1);
}

/** The first attempt of `t`'s configuration at its budget: `t` itself unless it is a retry. */
export function firstAttempt<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T {
  return walk(t, byNumber, (l) => l.kind === 'retry').at(-1)!;
}

/**
 * The trial `t` continues from as a promotion: the parent of its first attempt, when that attempt was a
 * promotion. A retry of a promoted trial continues from the same rung as the attempt it replaces.
 */
export function promotionParent<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T | null {
  const first = firstAttempt(t, byNumber);
  return first.lineage.kind === 'promote' ? parentOf(first, byNumber) : null;
}

/** The rungs `t` went through, lowest first and `t` last (only `t` when it was not promoted). */
export function promotionChain<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T[] {
  const chain = [t];
  const seen = new Set([t.number]);
  for (let p = promotionParent(t, byNumber); p && !seen.has(p.number); p = promotionParent(p, byNumber)) {
    seen.add(p.number);
    chain.unshift(p);
  }
  return chain;
}

/**
 * The first trial of `t`'s chain of retries and promotions: the one whose folder holds the checkpoints
 * and whose number seeds the configuration. A finalist or a warm start is a fresh run and is its own root.
 */
export function chainRoot<T extends LineageNode>(t: T, byNumber: ByNumber<T>): T {
  return walk(t, byNumber, (l) => l.kind === 'retry' || l.kind === 'promote').at(-1)!;
}

/** The lineage `t`'s configuration was planned with: its first attempt's (a retry keeps what it re-runs). */
export function plannedLineage<T extends LineageNode>(t: T, byNumber: ByNumber<T>): TrialLineage {
  return firstAttempt(t, byNumber).lineage;
}
