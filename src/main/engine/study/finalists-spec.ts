// The study file's `finalists` key: after the search, re-run the top configurations with several seeds
// (and folds), with overrides such as full precision or more epochs. The shape is checked by zod here;
// rules that need the rest of the study (override names, the objective) by `checkFinalists`.
import { z } from 'zod';
import type { Objective } from '../../../shared/types.js';
import type { FidelitySpec, FinalistsSpec, ParamSpec } from './types.js';

const ALLOWED = 'allowed keys: top, seeds, overrides, folds, objective';

export const finalistsSchema = z.strictObject(
  {
    top: z.int().min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
    seeds: z.int().min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
    overrides: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'must be a single value (a string, number or true/false)' }))
      .optional(),
    folds: z.int().min(2, 'must be at least 2 (or leave folds out)').max(100, 'must be at most 100').optional(),
    objective: z.string().min(1).optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? ALLOWED : undefined) },
);

export type RawFinalists = z.output<typeof finalistsSchema>;

/** The normalized spec, with every problem reported through `add` (path relative to the study). */
export function checkFinalists(
  raw: RawFinalists,
  study: {
    search_space: Record<string, ParamSpec>;
    objectives: readonly Objective[];
    fidelity: Pick<FidelitySpec, 'param'> | null;
    /** The built-in TF.js trainer: it trains in float32 only, so it cannot take a `precision` override. */
    builtinTrainer: boolean;
  },
  add: (path: readonly PropertyKey[], message: string) => void,
): FinalistsSpec {
  const overrides = raw.overrides ?? {};
  const fidelity = study.fidelity?.param ?? null;
  for (const [name, value] of Object.entries(overrides)) {
    const at = ['finalists', 'overrides', name];
    if (name === 'precision' && study.builtinTrainer) {
      add(
        at,
        'the built-in TF.js trainer trains in float32 only (no fp16, bf16 or mixed precision), so its finalists cannot change precision; remove this override, or use a command trainer that has a precision option (resources/examples/torch-digits.yaml)',
      );
      continue;
    }
    if (name === fidelity) {
      if (typeof value !== 'number' || !(value > 0)) add(at, `must be a number > 0 (the ${name} the finalists train for), got ${JSON.stringify(value)}`);
      continue;
    }
    const p = study.search_space[name];
    if (!p) {
      const known = [...Object.keys(study.search_space), ...(fidelity ? [fidelity] : [])].join(', ');
      add(at, `is not a search_space parameter or the fidelity parameter; override one of ${known}`);
      continue;
    }
    // Categorical overrides may name a value the search never used: that is the point of `precision: fp32`
    // when the search ran only bf16.
    if (p.type !== 'categorical' && typeof value !== 'number') add(at, `must be a number (${name} is ${p.type}), got ${JSON.stringify(value)}`);
    if (p.type === 'int' && typeof value === 'number' && !Number.isInteger(value)) add(at, `must be a whole number (${name} is int), got ${value}`);
  }
  const metrics = study.objectives.map((o) => o.metric);
  if (raw.objective !== undefined && !metrics.includes(raw.objective)) {
    add(['finalists', 'objective'], `"${raw.objective}" is not an objective of this study; use one of ${metrics.join(', ')}`);
  }
  return { top: raw.top ?? 3, seeds: raw.seeds ?? 3, overrides, folds: raw.folds ?? null, objective: raw.objective ?? null };
}
