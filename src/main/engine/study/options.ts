// Validation of sampler and scheduler options (the keys of `sampler:` / `scheduler:` besides `type`).
// Errors name the study-file path (`sampler.levels`) and the fix, like every other spec error.
import { StudySpecError, type SpecIssue } from './errors.js';

export interface IntOption {
  kind: 'int';
  min: number;
  max?: number;
  default: number;
  /** What the option means, for error messages. */
  description: string;
}
export interface BoolOption {
  kind: 'boolean';
  default: boolean;
  description: string;
}
export type OptionSpec = IntOption | BoolOption;

export type OptionValues<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends IntOption ? number : boolean;
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
    if (key in schema) continue;
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
    } else {
      const range = spec.max === undefined ? `>= ${spec.min}` : `between ${spec.min} and ${spec.max}`;
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= spec.min && raw <= (spec.max ?? Infinity)) out[key] = raw;
      else issues.push({ path, message: `must be an integer ${range} (${spec.description}), got ${JSON.stringify(raw)}` });
    }
  }
  if (issues.length > 0) throw new StudySpecError(null, issues);
  return out as OptionValues<S>;
}

/** The known name within edit distance 2 of a typo, if any. */
function closest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
