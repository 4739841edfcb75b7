// Reading a study file: bytes → text → YAML/JSON → shape (spec-schema.ts) → cross-field rules → the
// normalized StudySpec. Every problem a user can cause becomes a StudySpecError naming the path and the fix;
// nothing here throws anything else for bad input.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ParamValue } from '../../../shared/types.js';
import { StudySpecError, type SpecIssue } from './errors.js';
import { SearchSpace } from './space.js';
import { SAMPLER_TYPES, SCHEDULER_TYPES, describeValue, formatPath, studySchema, toSpecIssues, type RawStudy } from './spec-schema.js';
import { resolveBuiltinPaths, validateBuiltinConfig } from '../trainers/config.js';
import type { StudySpec, TrainerSpec } from './types.js';

export { SAMPLER_TYPES, SCHEDULER_TYPES } from './spec-schema.js';

/** Study files are a few lines; anything this big is the wrong file. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export type StudyFormat = 'yaml' | 'json';

/** Reads, parses and validates a study file (.json as JSON, anything else as YAML). */
export function loadStudyFile(file: string): StudySpec {
  const fail = (message: string): never => {
    throw new StudySpecError(file, [{ path: '', message }]);
  };
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) fail('is a folder, not a study file; give the path of a .yaml or .json file');
    if (stat.size > MAX_FILE_BYTES) fail(`is ${stat.size} bytes; a study file is a few lines of YAML or JSON (is this the right file?)`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof StudySpecError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail(`file not found (looked for ${path.resolve(file)}); check the path`);
    if (code === 'EACCES' || code === 'EPERM') return fail('cannot read the file: permission denied; check its permissions');
    if (code === 'EISDIR') return fail('is a folder, not a study file; give the path of a .yaml or .json file');
    return fail(`cannot read the file (${code ?? (e as Error).message})`);
  }
  const text = decodeUtf8(bytes, fail);
  return parseStudyText(text, { file, format: formatOf(file) });
}

/** The format a file name implies: .json is JSON; .yaml, .yml and anything else are read as YAML. */
export function formatOf(file: string): StudyFormat {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Parses and validates study text; `file` names the file in messages and anchors a relative trainer.cwd. */
export function parseStudyText(text: string, opts: { file: string; format: StudyFormat }): StudySpec {
  const fail = (message: string): never => {
    throw new StudySpecError(opts.file, [{ path: '', message }]);
  };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') fail('the file is empty; write a study (name, trainer, search_space, objectives), see resources/examples');
  const raw = opts.format === 'json' ? parseJson(body, fail) : parseYaml(body, fail);
  if (raw === null || raw === undefined) fail('the file holds no study (only comments?); write name, trainer, search_space and objectives');
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail(`the top level must be a mapping with keys such as name, trainer, search_space and objectives, got ${Array.isArray(raw) ? 'a list' : 'a single value'}`);
  }
  return parseStudySpec(raw, { file: opts.file });
}

/** Validates an already-parsed study (for example one sent over the API) and normalizes it. */
export function parseStudySpec(raw: unknown, opts: { file: string }): StudySpec {
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) throw specError(opts.file, toSpecIssues(parsed.error.issues, raw));
  const issues: SpecIssue[] = [];
  const spec = checkStudy(parsed.data, path.dirname(path.resolve(opts.file)), issues);
  if (issues.length > 0 || spec === null) throw specError(opts.file, issues);
  return spec;
}

/** Past a screenful, more lines hide the first ones, which are usually the cause (e.g. the wrong file). */
const MAX_ISSUES = 12;

function specError(file: string, issues: SpecIssue[]): StudySpecError {
  if (issues.length <= MAX_ISSUES) return new StudySpecError(file, issues);
  const rest = issues.length - MAX_ISSUES + 1;
  return new StudySpecError(file, [...issues.slice(0, MAX_ISSUES - 1), { path: '', message: `and ${rest} more problems` }]);
}

// ── rules across fields ─────────────────────────────────────────────────────────────────────────────

// The name becomes a folder under studies/, so it must be safe as one on every platform.
const STUDY_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_TRIALS = 100;
const DEFAULT_KILL_GRACE_S = 10;
// 1 GB: room for the database to commit and a trial to write its logs and a typical checkpoint. A fixed size,
// not a share of the disk: 2% of a 4 TB disk would stop a campaign with 80 GB still free.
const DEFAULT_MIN_FREE_DISK_BYTES = 1e9;
// The best 3 per objective: enough to resume or fine-tune the winners and a runner-up or two.
const DEFAULT_KEEP_BEST = 3;

function checkStudy(raw: RawStudy, folder: string, issues: SpecIssue[]): StudySpec | null {
  const add = (p: readonly PropertyKey[], message: string): void => void issues.push({ path: formatPath(p), message });
  if (!STUDY_NAME.test(raw.name)) {
    add(['name'], `${describeValue(raw.name)} is not a valid name; use 1-64 letters, digits, ".", "_" or "-", not starting with "." (it names a folder)`);
  }
  const searchSpace = raw.search_space;
  const spaceOk = issues.length === 0;
  const fidelityParam = raw.fidelity?.param ?? null;
  if (fidelityParam !== null && fidelityParam in raw.search_space) {
    add(['fidelity', 'param'], `"${fidelityParam}" is also in search_space; remove it there (the scheduler sets the fidelity parameter)`);
  }
  const placeholders = new Set<string>([...Object.keys(raw.search_space), ...BUILTIN_PLACEHOLDERS]);
  if (fidelityParam !== null) placeholders.add(fidelityParam);
  const trainer = checkTrainer(raw, folder, placeholders, add);
  const sampler = strategy(raw.sampler, 'random', SAMPLER_TYPES, 'sampler', add);
  const scheduler = strategy(raw.scheduler, 'none', SCHEDULER_TYPES, 'scheduler', add);
  const budget = raw.budget;
  if (budget === null || (budget !== undefined && Object.values(budget).every((v) => v === undefined))) {
    add(['budget'], 'set at least one limit: trials, wall_time, energy or deadline (or leave budget out for 100 trials)');
  }
  if (raw.baseline !== undefined && spaceOk) checkBaseline(raw.baseline, new SearchSpace(searchSpace), add);
  if (issues.length > 0 || trainer === null) return null;
  return {
    name: raw.name,
    trainer,
    search_space: searchSpace,
    objectives: raw.objectives,
    constraints: (raw.constraints ?? []).map((c) => ({ metric: c.metric, min: c.min ?? null, max: c.max ?? null })),
    fidelity: raw.fidelity ? { param: raw.fidelity.param, min: raw.fidelity.min, max: raw.fidelity.max, eta: raw.fidelity.eta ?? 3 } : null,
    sampler,
    scheduler,
    budget: {
      trials: budget ? (budget.trials ?? null) : DEFAULT_TRIALS,
      wall_time_s: budget?.wall_time ?? null,
      energy_j: budget?.energy ?? null,
      deadline: budget?.deadline?.trim() ?? null,
    },
    resources: {
      parallel: raw.resources?.parallel ?? 1,
      gpus: raw.resources?.gpus ?? null,
      trials_per_gpu: raw.resources?.trials_per_gpu ?? 1,
      allow_busy_gpus: raw.resources?.allow_busy_gpus ?? false,
      min_free_disk_bytes: raw.resources?.min_free_disk ?? DEFAULT_MIN_FREE_DISK_BYTES,
    },
    baseline: raw.baseline ?? null,
    warm_start: raw.warm_start
      ? { study: raw.warm_start.study, db: raw.warm_start.db ? path.resolve(folder, raw.warm_start.db) : null, top: raw.warm_start.top ?? 5 }
      : null,
    seed: raw.seed ?? 0,
    max_retries: raw.retries ?? 1,
    kill_grace_s: raw.trainer.kill_grace ?? DEFAULT_KILL_GRACE_S,
    checkpoints: { keep_best: raw.checkpoints?.keep_best ?? DEFAULT_KEEP_BEST },
  };
}

type Add = (path: readonly PropertyKey[], message: string) => void;

function checkTrainer(raw: RawStudy, folder: string, placeholders: ReadonlySet<string>, add: Add): TrainerSpec | null {
  const t = raw.trainer;
  const timeout_s = t.timeout ?? null;
  if (t.command !== undefined && t.builtin !== undefined) {
    add(['trainer'], 'set either command or builtin, not both');
    return null;
  }
  if (t.builtin !== undefined) {
    if (t.cwd !== undefined) add(['trainer', 'cwd'], 'applies only to a command trainer; remove it');
    if (t.env !== undefined) add(['trainer', 'env'], 'applies only to a command trainer; remove it');
    // The trainer's own validator (no TF.js import) checks its keys now, so mistakes end at load time with
    // exit code 2 rather than as failed trials; relative dataset paths are resolved against the study file.
    const checked = validateBuiltinConfig(t.builtin);
    if (!checked.ok) {
      const rest = checked.path.replace(/^trainer\.builtin\.?/, '').split('.').filter(Boolean);
      add(['trainer', 'builtin', ...rest], checked.message);
      return null;
    }
    return { kind: 'builtin', builtin: resolveBuiltinPaths(t.builtin, folder), timeout_s };
  }
  const command = t.command;
  if (command === undefined) {
    add(['trainer'], 'set command (an argv list such as [python3, train.py, --lr, "{lr}"]) or builtin');
    return null;
  }
  if (typeof command === 'string') {
    const words = command.trim().split(/\s+/).map((w) => (/^[\w./=:-]+$/.test(w) ? w : JSON.stringify(w)));
    add(['trainer', 'command'], `must be a list of arguments, not a shell string (no shell is used); write [${words.join(', ')}]`);
    return null;
  }
  if (!Array.isArray(command)) {
    add(['trainer', 'command'], `must be a list of arguments such as [python3, train.py, --lr, "{lr}"], got ${describeValue(command)}`);
    return null;
  }
  if (command.length === 0) add(['trainer', 'command'], 'must list at least the program to run, e.g. [python3, train.py]');
  const argv: string[] = [];
  command.forEach((arg: unknown, i) => {
    const at = ['trainer', 'command', i];
    if (typeof arg === 'string') {
      if (i === 0 && arg.trim() === '') add(at, 'must name the program to run');
      try {
        for (const part of parseArgTemplate(arg)) {
          if ('placeholder' in part && !placeholders.has(part.placeholder)) {
            add(at, `unknown placeholder {${part.placeholder}}; use a search_space parameter, the fidelity param or one of ${BUILTIN_PLACEHOLDERS.join(', ')}`);
          }
        }
      } catch (e) {
        add(at, (e as Error).message);
      }
      argv.push(arg);
    } else if (isYamlPlaceholder(arg)) {
      const name = Object.keys(arg)[0]!;
      add(at, `YAML read {${name}} as a mapping; quote it: "{${name}}"`);
    } else {
      add(at, `must be a string; quote it: "${typeof arg === 'object' ? '...' : String(arg)}"`);
    }
  });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(t.env ?? {})) {
    if (!ENV_NAME.test(key)) add(['trainer', 'env', key], 'is not a valid environment variable name; use letters, digits and _');
    else if (key.startsWith('NIGHTSHIFT_')) add(['trainer', 'env', key], 'NIGHTSHIFT_* variables are set by Nightshift for each trial; choose another name');
    env[key] = String(value);
  }
  return { kind: 'command', command: argv, cwd: path.resolve(folder, t.cwd ?? '.'), env, timeout_s };
}

/** `[python3, train.py, {lr}]`: YAML reads an unquoted `{lr}` in a flow list as the mapping {lr: null}. */
function isYamlPlaceholder(v: unknown): v is Record<string, null> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length === 1 && entries[0]![1] === null;
}

function strategy(
  raw: RawStudy['sampler'],
  fallback: string,
  types: readonly string[],
  key: string,
  add: Add,
): { type: string; options: Record<string, unknown> } {
  const { type = fallback, ...options } = typeof raw === 'string' ? { type: raw } : (raw ?? {});
  if (!types.includes(type)) {
    add(typeof raw === 'string' ? [key] : [key, 'type'], `must be one of ${types.join(', ')}, got ${describeValue(type)}`);
  }
  return { type, options };
}

function checkBaseline(baseline: Record<string, ParamValue>, space: SearchSpace, add: Add): void {
  const problem = space.check(baseline);
  if (problem) {
    // SearchSpace.check names the parameter as `name: ...` or `... "name" ...`.
    const prefixed = /^([A-Za-z_][A-Za-z0-9_]*): (.*)$/s.exec(problem);
    const name = prefixed?.[1] ?? /"([^"]+)"/.exec(problem)?.[1];
    const message = prefixed?.[2] ?? problem;
    add(name === undefined ? ['baseline'] : ['baseline', name], `${message}; the baseline must be a valid configuration of search_space`);
    return;
  }
  for (const [name, v] of Object.entries(baseline)) {
    const p = space.spec(name);
    if (p.type !== 'categorical' && p.step !== null && typeof v === 'number') {
      const k = (v - p.low) / p.step;
      if (Math.abs(k - Math.round(k)) > 1e-9) add(['baseline', name], `${v} is not on the step grid (low ${p.low} + multiples of ${p.step})`);
    }
  }
}

// ── placeholders ────────────────────────────────────────────────────────────────────────────────────

/** Placeholders every trial can use in trainer.command besides its parameters and the fidelity param. */
export const BUILTIN_PLACEHOLDERS = ['trial_id', 'trial_number', 'seed', 'checkpoint_dir', 'budget', 'study'] as const;

type ArgPart = { text: string } | { placeholder: string };

const PLACEHOLDER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits one argv entry into literal text and `{name}` placeholders; `{{`/`}}` are literal braces. Stricter
 * than the runner's fillArgv (names must be identifiers), so a study that validates always fills.
 */
function parseArgTemplate(arg: string): ArgPart[] {
  const parts: ArgPart[] = [];
  let text = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if ((c === '{' || c === '}') && arg[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = arg.indexOf('}', i + 1);
      if (end < 0) throw new RangeError(`unclosed "{" in ${JSON.stringify(arg)}; write {{ for a literal brace`);
      const name = arg.slice(i + 1, end);
      if (!PLACEHOLDER.test(name)) {
        throw new RangeError(`"{${name}}" in ${JSON.stringify(arg)} is not a placeholder such as {lr}; write {{ and }} for literal braces`);
      }
      if (text !== '') parts.push({ text });
      text = '';
      parts.push({ placeholder: name });
      i = end;
    } else if (c === '}') {
      throw new RangeError(`lone "}" in ${JSON.stringify(arg)}; write }} for a literal brace`);
    } else {
      text += c;
    }
  }
  if (text !== '' || parts.length === 0) parts.push({ text });
  return parts;
}

// ── bytes and syntax ────────────────────────────────────────────────────────────────────────────────

function decodeUtf8(bytes: Uint8Array, fail: (message: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const where = at < 0 ? '' : ` (byte 0x${bytes[at]!.toString(16).toUpperCase()} on line ${lineOfByte(bytes, at)})`;
    return fail(`is not valid UTF-8 text${where}; save the file with UTF-8 encoding`);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function parseYaml(text: string, fail: (message: string) => never): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const key = error.code === 'DUPLICATE_KEY' ? ` (${`key ${/^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trim()}`})` : '';
    return fail(`YAML syntax error at line ${line}, column ${col}: ${error.message.split('\n')[0]!}${key}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail(`YAML error: ${(e as Error).message}`);
  }
}

function parseJson(text: string, fail: (message: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 echoes (part of) the text in some messages; keep only the reason, on one line.
    const reason = (e as Error).message
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'the text ends too early (a missing } or ]?)')
      .split('\n')[0]!;
    const offset = jsonErrorOffset(text);
    if (offset < 0) return fail(`JSON syntax error: ${reason}`);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    return fail(`JSON syntax error at line ${line}, column ${col}: ${reason}`);
  }
}

/** Offset of the first character a JSON parser rejects (V8's messages give it only sometimes); -1 if unknown. */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const string = (): void => {
    for (i++; ; i++) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') return void i++;
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
    }
  };
  const value = (): void => {
    ws();
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        ws();
        if (open === '{') {
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === close) return void i++;
        if (text[i] !== ',') fail();
        i++;
      }
    }
    if (open === '"') return string();
    LITERAL.lastIndex = i;
    if (!LITERAL.test(text)) fail();
    i = LITERAL.lastIndex;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (e) {
    if (typeof e === 'number') return e;
    return -1;
  }
}
