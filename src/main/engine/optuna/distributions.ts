// Optuna's parameter distributions (`trial_params.distribution_json`) as Nightshift ParamSpecs, and the
// stored internal representation of a value back to the value the objective saw. Optuna stores every
// value as a float: categorical ones as the index into `choices` (optuna/distributions.py,
// `to_internal_repr`), so the distribution must be read to decode them. Both the current names
// (FloatDistribution, IntDistribution, CategoricalDistribution; Optuna >= 3.0) and the older ones
// (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution, IntUniformDistribution,
// IntLogUniformDistribution; Optuna 2.x files) are read.
import type { ParamValue } from '../../../shared/types.js';
import type { ParamSpec } from '../study/types.js';

export class OptunaFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptunaFormatError';
  }
}

type Attrs = Record<string, unknown>;

const num = (a: Attrs, key: string, what: string): number => {
  const v = a[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptunaFormatError(`${what}: "${key}" is not a number (${JSON.stringify(v)})`);
  return v;
};
const optNum = (a: Attrs, key: string): number | null => (typeof a[key] === 'number' && Number.isFinite(a[key]) ? (a[key] as number) : null);

/** Decodes one `distribution_json` into a ParamSpec (`when` is always null: Optuna has no declared conditions). */
export function parseDistribution(json: string, param: string): ParamSpec {
  const what = `parameter "${param}"`;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new OptunaFormatError(`${what}: its distribution is not JSON (${json.slice(0, 80)})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new OptunaFormatError(`${what}: unexpected distribution ${json.slice(0, 80)}`);
  const obj = raw as Attrs;
  // Optuna also accepts an abbreviated form {"type": "float", "low": ...} (json_to_distribution).
  const name = typeof obj.name === 'string' ? obj.name : typeof obj.type === 'string' ? `abbrev:${obj.type}` : '';
  const a = (typeof obj.attributes === 'object' && obj.attributes !== null ? obj.attributes : obj) as Attrs;
  switch (name) {
    case 'FloatDistribution':
    case 'abbrev:float':
      return { type: 'float', low: num(a, 'low', what), high: num(a, 'high', what), log: a.log === true, step: optNum(a, 'step'), when: null };
    case 'UniformDistribution':
      return { type: 'float', low: num(a, 'low', what), high: num(a, 'high', what), log: false, step: null, when: null };
    case 'LogUniformDistribution':
      return { type: 'float', low: num(a, 'low', what), high: num(a, 'high', what), log: true, step: null, when: null };
    case 'DiscreteUniformDistribution':
      return { type: 'float', low: num(a, 'low', what), high: num(a, 'high', what), log: false, step: num(a, 'q', what), when: null };
    case 'IntDistribution':
    case 'abbrev:int':
    case 'IntUniformDistribution':
      return { type: 'int', low: num(a, 'low', what), high: num(a, 'high', what), log: a.log === true, step: optNum(a, 'step') ?? 1, when: null };
    case 'IntLogUniformDistribution':
      return { type: 'int', low: num(a, 'low', what), high: num(a, 'high', what), log: true, step: 1, when: null };
    case 'CategoricalDistribution':
    case 'abbrev:categorical': {
      const choices = a.choices;
      if (!Array.isArray(choices) || choices.length === 0) throw new OptunaFormatError(`${what}: categorical distribution without choices`);
      return { type: 'categorical', choices: choices.map((c) => toParamValue(c)), when: null };
    }
    default:
      throw new OptunaFormatError(`${what}: unknown Optuna distribution "${name || json.slice(0, 60)}"`);
  }
}

/** Optuna allows None among categorical choices; Nightshift parameters are numbers, strings or booleans. */
function toParamValue(c: unknown): ParamValue {
  if (typeof c === 'number' || typeof c === 'string' || typeof c === 'boolean') return c;
  return c === null ? 'None' : JSON.stringify(c);
}

/** The value a trial used, from Optuna's stored float. */
export function decodeParamValue(spec: ParamSpec, stored: number, param: string): ParamValue {
  if (spec.type === 'categorical') {
    const choice = spec.choices[Math.round(stored)];
    if (choice === undefined) throw new OptunaFormatError(`parameter "${param}": choice index ${stored} is outside its ${spec.choices.length} choices`);
    return choice;
  }
  return spec.type === 'int' ? Math.round(stored) : stored;
}

/**
 * One spec covering every distribution a parameter had across a study's trials: Optuna allows a
 * parameter's range to change from trial to trial (define-by-run), a Nightshift study has one space.
 */
export function mergeSpecs(a: ParamSpec, b: ParamSpec, param: string): ParamSpec {
  if (a.type === 'categorical' || b.type === 'categorical') {
    if (a.type !== 'categorical' || b.type !== 'categorical') {
      throw new OptunaFormatError(`parameter "${param}" is categorical in some trials and numeric in others; Nightshift cannot hold both`);
    }
    const choices = [...a.choices];
    for (const c of b.choices) if (!choices.includes(c)) choices.push(c);
    return { ...a, choices };
  }
  const low = Math.min(a.low, b.low);
  const high = Math.max(a.high, b.high);
  if (a.type === 'int' && b.type === 'int') return { ...a, low, high, log: a.log && b.log, step: a.step === b.step ? a.step : 1 };
  if (a.type === 'float' && b.type === 'float') return { ...a, low, high, log: a.log && b.log, step: a.step === b.step ? a.step : null };
  // An int in one trial and a float in another: the float range holds both.
  return { type: 'float', low, high, log: a.log && b.log, step: null, when: null };
}
