// The options of a sampler or scheduler (the keys of `sampler:` / `scheduler:` besides `type`), read
// against a small schema per strategy. Errors name the study-file path (`sampler.levels`) and the fix,
// like every other spec error; unknown keys get the "did you mean" every other key gets.
import { closest } from './did-you-mean.js';
import { StudySpecError, type SpecIssue } from './errors.js';

export interface IntOption {
  kind: 'int';
  min: number;
  max?: number;
  default: number;
  /** What the option means, for error messages. */
  description: string;
}
export interface NumberOption {
  kind: 'number';
  min: number;
  default: number;
  description: string;
}
export interface BoolOption {
  kind: 'boolean';
  default: boolean;
  description: string;
}
export type OptionSpec = IntOption | NumberOption | BoolOption;

export type OptionValues<S extends Record<string, OptionSpec>> = {
  -readonly [K in keyof S]: S[K] extends BoolOption ? boolean : number;
};

/**
 * Checks `options` against `schema` and fills in defaults; throws one StudySpecError listing every problem.
 * `section` is `sampler` or `scheduler`; `type` names the strategy in messages.
 */
export function readOptions<S extends Record<string, OptionSpec>>(
  section: 'sampler' | 'scheduler',
  type: string,
  options: Readonly<Record<string, unknown>>,
  schema: S,
): OptionValues<S> {
  const issues: SpecIssue[] = [];
  const known = Object.keys(schema);
  const out: Record<string, number | boolean> = {};
  for (const key of Object.keys(options)) {
    if (Object.prototype.hasOwnProperty.call(schema, key)) continue;
    const hint = closest(key, known);
    const valid = known.length === 0 ? `the ${type} ${section} takes no options` : `valid options: ${known.join(', ')}`;
    issues.push({ path: `${section}.${key}`, message: `unknown option for the ${type} ${section}${hint ? ` (did you mean "${hint}"?)` : ''}; ${valid}` });
  }
  for (const [key, spec] of Object.entries(schema)) {
    const raw = options[key];
    const path = `${section}.${key}`;
    if (raw === undefined) {
      out[key] = spec.default;
    } else if (spec.kind === 'boolean') {
      if (typeof raw === 'boolean') out[key] = raw;
      else issues.push({ path, message: `must be true or false (${spec.description}), got ${JSON.stringify(raw)}` });
    } else if (spec.kind === 'number') {
      if (typeof raw === 'number' && Number.isFinite(raw) && raw >= spec.min) out[key] = raw;
      else issues.push({ path, message: `must be a number >= ${spec.min} (${spec.description}), got ${JSON.stringify(raw)}` });
    } else {
      const range = spec.max === undefined ? `>= ${spec.min}` : `between ${spec.min} and ${spec.max}`;
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= spec.min && raw <= (spec.max ?? Infinity)) out[key] = raw;
      else issues.push({ path, message: `must be an integer ${range} (${spec.description}), got ${JSON.stringify(raw)}` });
    }
  }
  if (issues.length > 0) throw new StudySpecError(null, issues);
  return out as OptionValues<S>;
}
