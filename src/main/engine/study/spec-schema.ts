// The study file's shape as zod schemas: types, unknown keys, units and simple ranges. Rules that relate
// several fields (low < high, `when` parents, placeholders, baseline) are checked by hand in spec.ts, after
// this shape holds. `toSpecIssues` turns zod's issues into `path: what is wrong and how to fix it`.
import { z } from 'zod';
import { closest } from './did-you-mean.js';
import type { SpecIssue } from './errors.js';
import { deadlineError } from './deadline.js';
import { finalistsSchema } from './finalists-spec.js';
import { executorSchema } from './executor-spec.js';
import type { Condition, ParamSpec } from './types.js';
import { parseDuration, parseEnergy, parseSize } from './units.js';

/** An object that rejects unknown keys; the message lists the allowed ones (toSpecIssues adds the key). */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `allowed keys: ${allowed}` : undefined),
  });
}

const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a single value (a string, number or true/false)',
});

function unitSchema(parse: (v: string | number) => number, examples: string) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      ctx.issues.push({ code: 'custom', input: value, message: `must be ${examples}, got ${describeValue(value)}` });
      return z.NEVER;
    }
    try {
      return parse(value);
    } catch (e) {
      ctx.issues.push({ code: 'custom', input: value, message: (e as Error).message });
      return z.NEVER;
    }
  });
}

export const durationSchema = unitSchema(parseDuration, 'a duration such as 45s, 90m, 8h or 1h30m');
export const energySchema = unitSchema(parseEnergy, 'an energy such as 500Wh or 2kWh');

const deadlineSchema = z.string().superRefine((value, ctx) => {
  const error = deadlineError(value);
  if (error) ctx.addIssue({ code: 'custom', message: error });
});

const when = z.record(z.string(), z.union([scalar, z.array(scalar)], { error: 'must be a value of the parent parameter or a list of such values' }));

const rangeRule = (strictlyLess: boolean) => (p: { low: number; high: number; log?: boolean | undefined; step?: number | undefined }, ctx: z.RefinementCtx) => {
  if (strictlyLess ? p.low >= p.high : p.low > p.high) {
    ctx.addIssue({ code: 'custom', path: ['low'], message: `must be ${strictlyLess ? '<' : '<='} high (${p.high}), got ${p.low}` });
  }
  if (p.log === true && p.low <= 0) ctx.addIssue({ code: 'custom', path: ['low'], message: `must be > 0 when log is true, got ${p.low}` });
  if (p.step !== undefined && p.step <= 0) ctx.addIssue({ code: 'custom', path: ['step'], message: `must be > 0, got ${p.step}` });
  if (p.step !== undefined && p.log === true) {
    ctx.addIssue({ code: 'custom', path: ['step'], message: 'cannot be combined with log: true; remove step or log' });
  }
};

const floatParam = strict({
  type: z.literal('float'),
  low: z.number(),
  high: z.number(),
  log: z.boolean().optional(),
  step: z.number().optional(),
  when: when.optional(),
}).superRefine(rangeRule(true));

const intParam = strict({
  type: z.literal('int'),
  low: z.int(),
  high: z.int(),
  log: z.boolean().optional(),
  step: z.int().optional(),
  when: when.optional(),
}).superRefine(rangeRule(false));

const categoricalParam = strict({
  type: z.literal('categorical'),
  choices: z.array(scalar).min(1, 'must list at least one choice, e.g. choices: [adam, sgd]'),
  when: when.optional(),
}).superRefine((p, ctx) => {
  // A Set, not indexOf per choice: a generated list of 300k choices must not take minutes (and block `serve`).
  const seen = new Set<string | number | boolean>();
  p.choices.forEach((c, i) => {
    if (seen.has(c)) ctx.addIssue({ code: 'custom', path: ['choices', i], message: `duplicate choice ${describeValue(c)}; list each choice once` });
    seen.add(c);
  });
});

export const paramSchema = z.discriminatedUnion('type', [floatParam, intParam, categoricalParam]);

export type RawParam = z.output<typeof paramSchema>;

// ── search space rules across parameters ────────────────────────────────────────────────────────────

type Raw = Record<string, RawParam>;

function checkSearchSpace(raw: Raw, ctx: z.RefinementCtx): void {
  const add = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const names = Object.keys(raw);
  if (names.length === 0) add([], 'must define at least one parameter, e.g. lr: {type: float, low: 1.0e-4, high: 0.1, log: true}');
  for (const name of names) {
    if (!IDENTIFIER.test(name)) add([name], `is not a valid parameter name; ${IDENTIFIER_RULE}`);
    checkWhen(name, raw, add);
  }
  const cycle = findCycle(raw);
  if (cycle) add([cycle[0]!, 'when'], `circular "when": ${cycle.join(' -> ')}; a parameter cannot depend on itself`);
}

function checkWhen(name: string, raw: Raw, add: (path: PropertyKey[], message: string) => void): void {
  const when = raw[name]?.when;
  if (when === undefined) return;
  const parents = Object.entries(when);
  if (parents.length === 0) add([name, 'when'], 'must name at least one parent parameter, e.g. when: {optimizer: sgd}; or leave when out');
  for (const [parent, given] of parents) {
    const at = [name, 'when', parent];
    const values = Array.isArray(given) ? given : [given];
    const parentSpec = raw[parent];
    if (parent === name) add(at, 'a parameter cannot depend on itself');
    else if (parentSpec === undefined) add(at, `no parameter "${parent}" in search_space; a condition refers to another search_space parameter`);
    else if (values.length === 0) add(at, `must list at least one value of ${parent}`);
    else {
      values.forEach((v, i) => {
        const problem = impossibleValue(parentSpec, v);
        if (problem) add(Array.isArray(given) ? [...at, i] : at, `${describeValue(v)} ${problem}`);
      });
    }
  }
}

/** Why `v` can never be a value of `p` (so a condition on it would never hold), or null. */
function impossibleValue(p: RawParam, v: string | number | boolean): string | null {
  if (p.type === 'categorical') {
    return p.choices.some((c) => c === v) ? null : `is not one of the parent's choices (${p.choices.map(String).join(', ')})`;
  }
  if (typeof v !== 'number') return `is not a number, but the parent is a ${p.type} parameter`;
  if (v < p.low || v > p.high) return `is outside the parent's range [${p.low}, ${p.high}]`;
  if (p.type === 'int' && !Number.isInteger(v)) return 'is not a whole number, but the parent is an int parameter';
  return null;
}

/** The first `when` cycle, as names from a parameter back to itself, or null. */
function findCycle(raw: Raw): string[] | null {
  const done = new Set<string>();
  const visit = (name: string, stack: string[]): string[] | null => {
    const at = stack.indexOf(name);
    if (at >= 0) return [...stack.slice(at), name];
    if (done.has(name)) return null;
    for (const parent of Object.keys(raw[name]?.when ?? {})) {
      if (parent === name || !(parent in raw)) continue;
      const cycle = visit(parent, [...stack, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return null;
  };
  for (const name of Object.keys(raw)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

function normalizeParam(p: RawParam): ParamSpec {
  const when: Condition | null = p.when === undefined ? null : {};
  for (const [parent, v] of Object.entries(p.when ?? {})) when![parent] = Array.isArray(v) ? v : [v];
  if (p.type === 'categorical') return { type: 'categorical', choices: p.choices, when };
  if (p.type === 'int') return { type: 'int', low: p.low, high: p.high, log: p.log ?? false, step: p.step ?? 1, when };
  return { type: 'float', low: p.low, high: p.high, log: p.log ?? false, step: p.step ?? null, when };
}

const searchSpaceSchema = z
  .record(z.string(), paramSchema)
  .superRefine(checkSearchSpace)
  .transform((raw) => Object.fromEntries(Object.entries(raw).map(([name, p]) => [name, normalizeParam(p)])));

const trainerSchema = strict({
  // Checked by hand: a shell string and a YAML-mangled `{lr}` each deserve their own message.
  command: z.unknown().optional(),
  builtin: z.record(z.string(), z.unknown()).optional(),
  timeout: durationSchema.optional(),
  cwd: z.string().min(1, 'must be a folder path (relative to the study file), or leave it out').optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string value' })).optional(),
  kill_grace: durationSchema.optional(),
  reuse_process: z.boolean({ error: 'must be true or false' }).optional(),
});

/** Metric and parameter names: they become report keys, CSV columns and `{name}` placeholders. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTIFIER_RULE = 'start with a letter or _ and use only letters, digits and _';
const identifier = (what: string) =>
  z.string().superRefine((v, ctx) => {
    if (!IDENTIFIER.test(v)) ctx.addIssue({ code: 'custom', message: `${describeValue(v)} is not a valid ${what} name; ${IDENTIFIER_RULE}` });
  });

const objectiveSchema = strict({
  metric: identifier('metric'),
  direction: z.enum(['minimize', 'maximize']),
});

const objectivesSchema = z
  .array(objectiveSchema)
  .min(1, 'must list at least one objective, e.g. [{metric: val_loss, direction: minimize}]')
  .superRefine((list, ctx) => {
    list.forEach((o, i) => {
      if (list.findIndex((p) => p.metric === o.metric) < i) {
        ctx.addIssue({ code: 'custom', path: [i, 'metric'], message: `"${o.metric}" is already an objective; list each metric once` });
      }
    });
  });

const constraintSchema = strict({
  metric: identifier('metric'),
  min: z.number().optional(),
  max: z.number().optional(),
}).superRefine((c, ctx) => {
  if (c.min === undefined && c.max === undefined) ctx.addIssue({ code: 'custom', message: 'set min, max or both, e.g. {metric: peak_gpu_mem_mb, max: 8000}' });
  if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
    ctx.addIssue({ code: 'custom', path: ['min'], message: `must be <= max (${c.max}), got ${c.min}` });
  }
});

const fidelitySchema = strict({
  param: identifier('parameter'),
  min: z.number().gt(0, 'must be > 0 (the smallest budget a trial gets, e.g. 1 epoch)'),
  max: z.number(),
  eta: z.number().gt(1, 'must be > 1 (3 is usual: keep the best third at each rung)').optional(),
}).superRefine((f, ctx) => {
  if (f.min >= f.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `must be < max (${f.max}), got ${f.min}` });
});

// `sampler: gp` or `sampler: {type: gp, ...options}`; the type and options are checked by the sampler and
// scheduler registries (study/strategies.ts), which know which types exist.
const strategySchema = z.union([z.string(), z.looseObject({ type: z.string().optional() })], {
  error: 'must be a name such as random, or a mapping {type: ..., options...}',
});

const budgetSchema = strict({
  trials: z.int().min(1, 'must be at least 1').optional(),
  wall_time: durationSchema.optional(),
  energy: energySchema.optional(),
  deadline: deadlineSchema.optional(),
});

const resourcesSchema = strict({
  parallel: z.int().min(1, 'must be at least 1').max(256, 'must be at most 256').optional(),
  gpus: z
    .union([z.literal('all'), z.array(z.int().min(0, 'GPU indices start at 0'))], {
      error: 'must be "all" or a list of GPU indices such as [0, 1]',
    })
    .superRefine((gpus, ctx) => {
      if (gpus === 'all') return;
      if (gpus.length === 0) ctx.addIssue({ code: 'custom', message: 'list at least one GPU index, or write "all"' });
      gpus.forEach((g, i) => {
        if (gpus.indexOf(g) < i) ctx.addIssue({ code: 'custom', path: [i], message: `GPU ${g} is listed twice` });
      });
    })
    .optional(),
  trials_per_gpu: z.int().min(1, 'must be at least 1').optional(),
  allow_busy_gpus: z.boolean().optional(),
  min_free_disk: unitSchema(parseSize, 'a size such as 500MB or 2GB').optional(),
  // 0 (or "0"): no waiting, the run ends at once as it did before waiting existed.
  disk_full_wait: unitSchema((v) => (v === 0 || v === '0' ? 0 : parseDuration(v)), 'a duration such as 30m or 4h, or 0').optional(),
  ask_ahead: z.union([z.literal('auto'), z.boolean()], { error: 'must be auto, true or false' }).optional(),
});

export const studySchema = strict({
  name: z.string(),
  trainer: trainerSchema,
  search_space: searchSpaceSchema,
  objectives: objectivesSchema,
  constraints: z.array(constraintSchema).optional(),
  fidelity: fidelitySchema.optional(),
  sampler: strategySchema.optional(),
  scheduler: strategySchema.optional(),
  budget: budgetSchema.nullable().optional(),
  resources: resourcesSchema.optional(),
  baseline: z.record(z.string(), scalar).optional(),
  warm_start: strict({
    study: z.string().min(1, 'name the earlier study to start from'),
    db: z.string().min(1).optional(),
    top: z.int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
    prior: z.boolean().optional(),
    early_stop: z.boolean().optional(),
  }).optional(),
  finalists: finalistsSchema.optional(),
  seed: z.int().min(0, 'must be a whole number >= 0').optional(),
  retries: z.int().min(0, 'must be a whole number >= 0').optional(),
  checkpoints: strict({ keep_best: z.int().min(0, 'must be a whole number >= 0').optional() }).optional(),
  executor: z.lazy(() => executorSchema).optional(),
});

export type RawStudy = z.output<typeof studySchema>;
const REQUIRED_HINTS: Record<string, string> = {
  name: 'add a name such as name: my-study',
  trainer: 'add trainer: {command: [python3, train.py, "{lr}"]} or trainer: {builtin: {...}}',
  search_space: 'add search_space with at least one parameter, e.g. lr: {type: float, low: 1.0e-4, high: 0.1, log: true}',
  objectives: 'add objectives: [{metric: val_loss, direction: minimize}]',
};

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

/** `objectives[1].metric`; keys that are not plain words are quoted (`env["A.B"]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(seg))) out += out === '' ? String(seg) : `.${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** How a value looks in a message: `"abc"`, `a list`, `nothing (null)`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** zod issues as SpecIssues; `raw` is the parsed file, read to show what was actually written. */
export function toSpecIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  // A misspelt required key shows up twice (unknown + missing); report it once, as the typo.
  const explained = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const allowed = issue.message.replace(/^allowed keys: /, '').split(', ');
    for (const key of issue.keys) {
      const guess = closest(key, allowed);
      const hint = guess === null ? '' : `; did you mean "${guess}"?`;
      if (guess !== null) explained.add(formatPath([...issue.path, guess]));
      out.push({ path: formatPath([...issue.path, key]), message: `unknown key "${key}"${hint} (${issue.message})` });
    }
  }
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    if (issue.code === 'unrecognized_keys' || (value === undefined && explained.has(path))) {
      continue;
    } else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      // A discriminated union (the param `type`) names its options; a plain union carries our own message.
      const options = issue.options.map(String).join(', ');
      out.push({ path, message: value === undefined ? `is required; one of ${options}` : `must be one of ${options}, got ${describeValue(value)}` });
    } else if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((v) => String(v)).join(', ');
      const oneOf = issue.values.length === 1 ? allowed : `one of ${allowed}`;
      out.push({ path, message: value === undefined ? `is required; ${oneOf}` : `must be ${oneOf}, got ${describeValue(value)}` });
    } else if (value === undefined && issue.code === 'invalid_type') {
      out.push({ path, message: `is required; ${REQUIRED_HINTS[path] ?? 'add it'}` });
    } else if (issue.code === 'invalid_type' && typeof value === 'number' && !Number.isFinite(value)) {
      out.push({ path, message: `must be a finite number, got ${value} (a number such as 1e400 is out of range)` });
    } else if (issue.code === 'invalid_type') {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const quoted = typeof value === 'string' && issue.expected === 'number' && value.trim() !== '' && Number.isFinite(Number(value));
      out.push({ path, message: `must be ${expected}, got ${describeValue(value)}${quoted ? ' (a string: remove the quotes)' : ''}` });
    } else if (issue.code === 'too_big' && issue.origin === 'int' && issue.maximum === Number.MAX_SAFE_INTEGER) {
      out.push({ path, message: `${String(value)} is too large for a whole number` });
    } else if (issue.code === 'too_small' && issue.origin === 'int' && issue.minimum === Number.MIN_SAFE_INTEGER) {
      out.push({ path, message: `${String(value)} is too small for a whole number` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}
