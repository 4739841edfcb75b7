// The reporting half of the trial protocol: a stdout line `@nightshift {"step": 3, "val_accuracy": 0.91}`.
// Any other line is log. A bad report line is the user's bug, not the engine's: parsing never throws, and the
// returned message names the offending key so the user can fix the script from the log alone.

export const REPORT_PREFIX = '@nightshift ';

/** Report lines longer than this are refused unparsed: no sane report is a megabyte, and JSON.parse of one is slow. */
export const MAX_REPORT_LINE_CHARS = 1 << 20;

export type ParsedLine =
  | { kind: 'report'; step: number; metrics: Record<string, number> }
  | { kind: 'malformed'; error: string }
  | { kind: 'log' };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

// Python's json.dumps writes NaN/Infinity by default, which is not JSON; find the key so the message can name it.
// The key is matched backwards from the token within a short window, so a hostile line stays linear time.
const NON_FINITE_VALUE = /:\s*(NaN|-?Infinity)\b/;
const KEY_BEFORE = /"((?:[^"\\\n]|\\.){0,200})"\s*$/;

function nonFiniteKey(text: string): { key: string; token: string } | null {
  const value = NON_FINITE_VALUE.exec(text);
  if (value === null || value[1] === undefined) return null;
  const key = KEY_BEFORE.exec(text.slice(Math.max(0, value.index - 420), value.index));
  return key?.[1] === undefined ? null : { key: key[1], token: value[1] };
}

function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const nonFinite = nonFiniteKey(text);
    if (nonFinite !== null) {
      return { ok: false, error: `metric "${nonFinite.key}" is ${nonFinite.token}; report only finite numbers` };
    }
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `not valid JSON (${why.slice(0, 200)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `expected a JSON object after "@nightshift", got ${describe(value)}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function parseReportLine(line: string): ParsedLine {
  if (!line.startsWith(REPORT_PREFIX)) {
    // `@nightshift` alone, or followed by a tab, is almost certainly a report attempt too.
    if (line.trimEnd() === '@nightshift' || line.startsWith('@nightshift\t')) {
      return { kind: 'malformed', error: 'expected a JSON object after "@nightshift "' };
    }
    return { kind: 'log' };
  }
  if (line.length > MAX_REPORT_LINE_CHARS) {
    return { kind: 'malformed', error: `report line is ${line.length} characters long (limit ${MAX_REPORT_LINE_CHARS})` };
  }
  const parsed = parseJsonObject(line.slice(REPORT_PREFIX.length).trim());
  if (!parsed.ok) return { kind: 'malformed', error: parsed.error };
  const object = parsed.value;

  if (!Object.prototype.hasOwnProperty.call(object, 'step')) {
    return { kind: 'malformed', error: 'missing "step" (a non-negative integer, e.g. {"step": 3, "loss": 0.2})' };
  }
  const step = object.step;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    return { kind: 'malformed', error: `"step" must be a non-negative integer, got ${describe(step)}` };
  }

  const entries: [string, number][] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key === 'step') continue;
    if (key === '' || key === '__proto__') {
      return { kind: 'malformed', error: `invalid metric name ${JSON.stringify(key)}` };
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { kind: 'malformed', error: `metric "${key}" must be a finite number, got ${describe(value)}` };
    }
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so a metric name can never reach Object.prototype.
  return { kind: 'report', step, metrics: Object.fromEntries(entries) };
}
