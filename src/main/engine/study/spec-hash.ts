// What must not change when a study is resumed: the search space, the objectives and the fidelity.
// Finished trials were sampled from and scored against exactly these; mixing in trials from another space
// or objective would corrupt the samplers' models and the Pareto front. Everything else (budget, sampler,
// parallelism, timeouts) may change between runs.
import { createHash } from 'node:crypto';
import type { StudySpec } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function frozenParts(spec: StudySpec): { [key: string]: Json } {
  return {
    search_space: toJson(spec.search_space),
    objectives: toJson(spec.objectives),
    fidelity: toJson(spec.fidelity),
  };
}

/** sha256 (hex) of the canonical JSON of the parts of a study that are fixed once it has trials. */
export function specHash(spec: StudySpec): string {
  return createHash('sha256').update(canonicalJson(frozenParts(spec))).digest('hex');
}

/** One sentence saying what changed between the stored and the new spec's frozen parts, or null if nothing. */
export function describeSpecChange(old: StudySpec, next: StudySpec): string | null {
  const changes: string[] = [];
  diff(frozenParts(old), frozenParts(next), '', changes);
  if (changes.length === 0) return null;
  const more = changes.length - 1;
  return more === 0 ? changes[0]! : `${changes[0]} (and ${more} more change${more === 1 ? '' : 's'})`;
}

/** JSON with object keys sorted at every level, so key order in the study file does not matter. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(toJson(value)));
}

function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
    return out;
  }
  return value;
}

function diff(a: Json, b: Json, path: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      const sub = path === '' ? key : `${path}.${key}`;
      if (!(key in b)) out.push(`${sub} was removed`);
      else diff(a[key]!, b[key]!, sub, out);
    }
    for (const key of Object.keys(b)) {
      if (!(key in a)) out.push(`${path === '' ? key : `${path}.${key}`} was added`);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diff(item, b[i]!, `${path}[${i}]`, out));
    return;
  }
  if (canonicalJson(a) === canonicalJson(b)) return;
  if (a === null) out.push(`${path} was added`);
  else if (b === null) out.push(`${path} was removed`);
  else out.push(`${path} changed from ${show(a)} to ${show(b)}`);
}

function isObject(v: Json): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function show(v: Json): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
