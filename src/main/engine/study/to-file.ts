// A normalized StudySpec written back as a study file's object (the shape YAML or JSON holds), for
// "duplicate and edit" in the dashboard. Parsing the result gives the same spec again (test/engine/study/
// to-file.test.ts): durations and energies come back in the largest unit that keeps them exact, paths
// are absolute (the copy may be saved in another folder), and defaults are written out so nothing is
// silently lost.
import type { ParamSpec, StudySpec } from './types.js';

/** 7200 → "2h", 90 → "90s", 5400 → "90m": the largest unit that divides the value exactly. */
export function durationText(seconds: number): string | number {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (seconds >= size && Number.isInteger(seconds / size)) return `${seconds / size}${unit}`;
  }
  return seconds;
}

/** 7.2e6 → "2kWh", 3600 → "1Wh", 1500 → "1500J": the largest unit that divides the value exactly. */
export function energyText(joules: number): string | number {
  for (const [unit, size] of [['kWh', 3.6e6], ['Wh', 3600], ['kJ', 1000], ['J', 1]] as const) {
    if (joules >= size && Number.isInteger(joules / size)) return `${joules / size}${unit}`;
  }
  return joules;
}

function paramOf(p: ParamSpec): Record<string, unknown> {
  const when = p.when ? { when: Object.fromEntries(Object.entries(p.when).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) } : {};
  if (p.type === 'categorical') return { type: 'categorical', choices: [...p.choices], ...when };
  const out: Record<string, unknown> = { type: p.type, low: p.low, high: p.high };
  if (p.log) out.log = true;
  // An int's step defaults to 1; writing it out would be noise.
  if (p.step !== null && !(p.type === 'int' && p.step === 1)) out.step = p.step;
  return { ...out, ...when };
}

export function studyFileOf(spec: StudySpec): Record<string, unknown> {
  const t = spec.trainer;
  const trainer: Record<string, unknown> =
    t.kind === 'command' ? { command: [...t.command], cwd: t.cwd, ...(Object.keys(t.env).length ? { env: { ...t.env } } : {}) } : { builtin: structuredClone(t.builtin) };
  if (t.kind === 'builtin' && t.reuse_process === false) trainer.reuse_process = false;
  if (t.kind === 'command' && t.reuse_process === true) trainer.reuse_process = true;
  if (t.timeout_s !== null) trainer.timeout = durationText(t.timeout_s);
  trainer.kill_grace = durationText(spec.kill_grace_s);
  const budget: Record<string, unknown> = {};
  if (spec.budget.trials !== null) budget.trials = spec.budget.trials;
  if (spec.budget.wall_time_s !== null) budget.wall_time = durationText(spec.budget.wall_time_s);
  if (spec.budget.energy_j !== null) budget.energy = energyText(spec.budget.energy_j);
  if (spec.budget.deadline !== null) budget.deadline = spec.budget.deadline;
  const r = spec.resources;
  const resources: Record<string, unknown> = { parallel: r.parallel };
  if (r.gpus !== null) resources.gpus = r.gpus === 'all' ? 'all' : [...r.gpus];
  if (r.trials_per_gpu !== 1) resources.trials_per_gpu = r.trials_per_gpu;
  if (r.allow_busy_gpus) resources.allow_busy_gpus = true;
  const out: Record<string, unknown> = {
    name: spec.name,
    trainer,
    search_space: Object.fromEntries(Object.entries(spec.search_space).map(([k, p]) => [k, paramOf(p)])),
    objectives: spec.objectives.map((o) => ({ metric: o.metric, direction: o.direction })),
  };
  if (spec.constraints.length) out.constraints = spec.constraints.map((c) => ({ metric: c.metric, ...(c.min !== null ? { min: c.min } : {}), ...(c.max !== null ? { max: c.max } : {}) }));
  if (spec.fidelity) out.fidelity = { ...spec.fidelity };
  out.sampler = { type: spec.sampler.type, ...structuredClone(spec.sampler.options) };
  out.scheduler = { type: spec.scheduler.type, ...structuredClone(spec.scheduler.options) };
  // A spec with no limit at all (budget: {} is refused) keeps the default of 100 trials by leaving budget out.
  if (Object.keys(budget).length) out.budget = budget;
  out.resources = resources;
  if (spec.baseline) out.baseline = { ...spec.baseline };
  if (spec.warm_start) out.warm_start = { study: spec.warm_start.study, ...(spec.warm_start.db ? { db: spec.warm_start.db } : {}), top: spec.warm_start.top, ...(typeof spec.warm_start.prior === 'boolean' ? { prior: spec.warm_start.prior } : {}), ...(spec.warm_start.early_stop ? { early_stop: true } : {}) };
  out.seed = spec.seed;
  out.retries = spec.max_retries;
  return out;
}
