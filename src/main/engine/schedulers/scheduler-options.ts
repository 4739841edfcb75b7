// Scheduler options with real-valued entries (patience's min_delta). study/options.ts validates
// integers and booleans; this adds numbers on top of it, so unknown keys, "did you mean" hints and the list
// of valid options still come from one place and every problem is reported in one StudySpecError.
import { readOptions, type OptionSpec, type OptionValues } from '../study/options.js';
import { StudySpecError, type SpecIssue } from '../study/errors.js';

export interface NumberOption {
  kind: 'number';
  min: number;
  default: number;
  description: string;
}

export function readSchedulerOptions<I extends Record<string, OptionSpec>, N extends Record<string, NumberOption>>(
  type: string,
  options: Readonly<Record<string, unknown>>,
  intOrBool: I,
  numbers: N,
): OptionValues<I> & { [K in keyof N]: number } {
  const issues: SpecIssue[] = [];
  const rest: Record<string, unknown> = { ...options };
  const out: Record<string, number> = {};
  // Number options take part in readOptions' unknown-key check as integer placeholders with their value removed.
  const schema: Record<string, OptionSpec> = { ...intOrBool };
  for (const [key, spec] of Object.entries(numbers)) {
    schema[key] = { kind: 'int', min: -Infinity, default: 0, description: spec.description };
    const raw = rest[key];
    delete rest[key];
    if (raw === undefined) out[key] = spec.default;
    else if (typeof raw === 'number' && Number.isFinite(raw) && raw >= spec.min) out[key] = raw;
    else issues.push({ path: `scheduler.${key}`, message: `must be a number >= ${spec.min} (${spec.description}), got ${JSON.stringify(raw)}` });
  }
  let base: Record<string, number | boolean> = {};
  try {
    base = readOptions('scheduler', type, rest, schema);
  } catch (e) {
    if (!(e instanceof StudySpecError)) throw e;
    issues.unshift(...e.issues);
  }
  if (issues.length > 0) throw new StudySpecError(null, issues);
  return { ...base, ...out } as OptionValues<I> & { [K in keyof N]: number };
}
