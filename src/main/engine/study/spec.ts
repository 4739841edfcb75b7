// Reading a study file: bytes → text → YAML/JSON → shape (spec-schema.ts) → cross-field rules → the
// normalized StudySpec. Every problem a user can cause becomes a StudySpecError naming the path and the fix;
// nothing here throws anything else for bad input.
import path from 'node:path';
import type { ParamValue } from '../../../shared/types.js';
import { RegularFileError, readRegularFile } from '../regular-file.js';
import { StudySpecError, type SpecIssue } from './errors.js';
import { checkFinalists } from './finalists-spec.js';
import { BUILTIN_PLACEHOLDERS, parseTemplate } from './placeholders.js';
import { normalizeExecutor } from './executor-spec.js';
import { SearchSpace } from './space.js';
import { describeValue, formatPath, studySchema, toSpecIssues, type RawStudy } from './spec-schema.js';
import type { StrategyCatalog } from './strategies.js';
import { decodeUtf8, parseJson, parseYaml } from './study-text.js';
import { resolveBuiltinPaths, validateBuiltinConfig } from '../trainers/config.js';
import type { FidelitySpec, SamplerSpec, StudySpec, TrainerSpec } from './types.js';

/** `warm_start.study` naming the study being defined: it would replay its own trials and fit them as its prior. */
export const WARM_START_ITSELF = 'names this study itself; a warm start starts from an earlier study: name another one, or remove warm_start';

/** Study files are a few lines; anything this big is the wrong file. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export type StudyFormat = 'yaml' | 'json';

/**
 * Reads, parses and validates a study file (.json as JSON, anything else as YAML). `strategies` are the
 * sampler and scheduler registries (campaign/strategy.ts STRATEGIES): their options are checked too.
 */
export function loadStudyFile(file: string, strategies: StrategyCatalog): StudySpec {
  const fail = (message: string): never => {
    throw new StudySpecError(file, [{ path: '', message }]);
  };
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_FILE_BYTES);
  } catch (e) {
    if (!(e instanceof RegularFileError)) throw e;
    const p = e.problem;
    if (p.kind === 'missing') return fail(`file not found (looked for ${path.resolve(file)}); check the path`);
    if (p.kind === 'folder') return fail('is a folder, not a study file; give the path of a .yaml or .json file');
    if (p.kind === 'not-regular') return fail(`is ${p.what}, not a regular file; give the path of a .yaml or .json study file`);
    if (p.kind === 'too-large') {
      return fail(`is ${p.bytes === null ? `over ${MAX_FILE_BYTES}` : p.bytes} bytes; a study file is a few lines of YAML or JSON (is this the right file?)`);
    }
    if (p.code === 'EACCES' || p.code === 'EPERM') return fail('cannot read the file: permission denied; check its permissions');
    if (p.code === 'EISDIR') return fail('is a folder, not a study file; give the path of a .yaml or .json file');
    return fail(`cannot read the file (${p.code})`);
  }
  const text = decodeUtf8(bytes, fail);
  return parseStudyText(text, { file, format: formatOf(file), strategies });
}

/** The format a file name implies: .json is JSON; .yaml, .yml and anything else are read as YAML. */
export function formatOf(file: string): StudyFormat {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Parses and validates study text; `file` names the file in messages and anchors a relative trainer.cwd. */
export function parseStudyText(text: string, opts: { file: string; format: StudyFormat; strategies: StrategyCatalog }): StudySpec {
  const fail = (message: string): never => {
    throw new StudySpecError(opts.file, [{ path: '', message }]);
  };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') fail('the file is empty; write a study (name, trainer, search_space, objectives), see resources/examples');
  const failAt = (at: PropertyKey[], message: string): never => {
    throw new StudySpecError(opts.file, [{ path: formatPath(at), message }]);
  };
  const raw = opts.format === 'json' ? parseJson(body, fail, failAt) : parseYaml(body, fail);
  if (raw === null || raw === undefined) fail('the file holds no study (only comments?); write name, trainer, search_space and objectives');
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail(`the top level must be a mapping with keys such as name, trainer, search_space and objectives, got ${Array.isArray(raw) ? 'a list' : 'a single value'}`);
  }
  return parseStudySpec(raw, opts);
}

/** Validates an already-parsed study (for example one sent over the API) and normalizes it. */
export function parseStudySpec(raw: unknown, opts: { file: string; strategies: StrategyCatalog }): StudySpec {
  const reserved = reservedKeyPath(raw);
  if (reserved) {
    const message = '"__proto__" cannot be a name here: JavaScript objects reserve it, so it would be dropped; rename it';
    throw new StudySpecError(opts.file, [{ path: formatPath(reserved), message }]);
  }
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) throw specError(opts.file, toSpecIssues(parsed.error.issues, raw));
  const issues: SpecIssue[] = [];
  const spec = checkStudy(parsed.data, path.dirname(path.resolve(opts.file)), opts.strategies, issues);
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
/** A night's worth of someone noticing and freeing space, but not a run that hangs until the morning after. */
export const DEFAULT_DISK_FULL_WAIT_S = 4 * 3600;
// The best 3 per objective: enough to resume or fine-tune the winners and a runner-up or two.
const DEFAULT_KEEP_BEST = 3;

function checkStudy(raw: RawStudy, folder: string, strategies: StrategyCatalog, issues: SpecIssue[]): StudySpec | null {
  const add = (p: readonly PropertyKey[], message: string): void => void issues.push({ path: formatPath(p), message });
  if (!STUDY_NAME.test(raw.name)) {
    add(['name'], `${describeValue(raw.name)} is not a valid name; use 1-64 letters, digits, ".", "_" or "-", not starting with "." (it names a folder)`);
  }
  const searchSpace = raw.search_space;
  const spaceOk = issues.length === 0;
  const fidelityParam = raw.fidelity?.param ?? null;
  if (fidelityParam !== null && Object.prototype.hasOwnProperty.call(raw.search_space, fidelityParam)) {
    add(['fidelity', 'param'], `"${fidelityParam}" is also in search_space; remove it there (the scheduler sets the fidelity parameter)`);
  }
  checkBuiltinNames(raw, add);
  const placeholders = new Set<string>([...Object.keys(raw.search_space), ...BUILTIN_PLACEHOLDERS]);
  if (fidelityParam !== null) placeholders.add(fidelityParam);
  const trainer = checkTrainer(raw, folder, placeholders, add);
  const fidelity: FidelitySpec | null = raw.fidelity ? { param: raw.fidelity.param, min: raw.fidelity.min, max: raw.fidelity.max, eta: raw.fidelity.eta ?? 3 } : null;
  const constraints = (raw.constraints ?? []).map((c) => ({ metric: c.metric, min: c.min ?? null, max: c.max ?? null }));
  // The zod schema already refused `when` cycles and unknown parents, so the space can be built here.
  const context = { space: new SearchSpace(searchSpace), objectives: raw.objectives, constraints, fidelity };
  const sampler = strategy(raw.sampler, 'random');
  const scheduler = strategy(raw.scheduler, 'none');
  // `sampler: tpe` has no `type` key to point at: its issues point at `sampler`.
  const shortForm = (key: 'sampler' | 'scheduler') => (issue: SpecIssue): SpecIssue =>
    typeof raw[key] === 'string' && issue.path === `${key}.type` ? { ...issue, path: key } : issue;
  issues.push(...strategies.sampler.validate(sampler, context).map(shortForm('sampler')));
  issues.push(...strategies.scheduler.validate(scheduler, context).map(shortForm('scheduler')));
  // A paused trial is a frozen process group on the engine's machine; a Slurm job cannot be held that way.
  if (scheduler.options.mode === 'pause' && raw.executor?.type === 'slurm') {
    add(['scheduler', 'mode'], 'pause freezes trial processes on this machine and cannot hold Slurm jobs; use mode: stop (also one process per configuration) with executor slurm');
  }
  // Rungs exist only under the multi-fidelity schedulers; elsewhere the option would do nothing, silently.
  if (sampler.type === 'gp' && sampler.options.stack_rungs === true && scheduler.type !== 'asha' && scheduler.type !== 'hyperband') {
    add(['sampler', 'stack_rungs'], `stack_rungs learns from the rungs of asha or hyperband, this study's scheduler is ${scheduler.type}; use scheduler: asha (or hyperband), or remove stack_rungs`);
  }
  if (sampler.type === 'gp' && sampler.options.joint_fidelity === true) {
    if (scheduler.type !== 'asha' && scheduler.type !== 'hyperband') {
      add(['sampler', 'joint_fidelity'], `joint_fidelity learns from the rungs of asha or hyperband, this study's scheduler is ${scheduler.type}; use scheduler: asha (or hyperband), or remove joint_fidelity`);
    } else if (sampler.options.stack_rungs === true) {
      add(['sampler', 'joint_fidelity'], 'joint_fidelity and stack_rungs are two ways to learn from the rungs; keep one');
    } else if (raw.objectives.length !== 1) {
      // A front mixed from several budgets would hold cheap 1-epoch results as "efficient" points.
      add(['sampler', 'joint_fidelity'], `joint_fidelity models one objective, this study has ${raw.objectives.length}; remove joint_fidelity for a multi-objective study`);
    }
  }
  // A prior mean reads the unwarped inputs, so the GP keeps its inputs as they are where it has one.
  if (sampler.type === 'gp' && sampler.options.input_warp === true) {
    const other = sampler.options.edge_prior === true ? 'edge_prior' : sampler.options.stack_rungs === true ? 'stack_rungs' : null;
    if (other) add(['sampler', 'input_warp'], `input_warp does not combine with ${other} (a prior mean on the unwarped inputs); keep one`);
  }
  const budget = raw.budget;
  if (budget === null || (budget !== undefined && Object.values(budget).every((v) => v === undefined))) {
    add(['budget'], 'set at least one limit: trials, wall_time, energy or deadline (or leave budget out for 100 trials)');
  }
  if (raw.baseline !== undefined && spaceOk) checkBaseline(raw.baseline, context.space, add);
  // Caught here too (the campaign also refuses another path to this database) so the editor flags it.
  if (raw.warm_start && !raw.warm_start.db && raw.warm_start.study === raw.name) {
    add(['warm_start', 'study'], WARM_START_ITSELF);
  }
  if (raw.warm_start?.prior === true && sampler.type !== 'gp') {
    add(['warm_start', 'prior'], `an earlier study's trials are a prior only for the gp sampler, this study uses ${sampler.type}; set sampler: gp, or remove prior to replay the earlier study's best configurations only`);
  }
  const finalists = raw.finalists ? checkFinalists(raw.finalists, { search_space: searchSpace, objectives: raw.objectives, fidelity, builtinTrainer: raw.trainer.builtin !== undefined }, add) : null;
  if (issues.length > 0 || trainer === null) return null;
  return {
    name: raw.name,
    trainer,
    search_space: searchSpace,
    objectives: raw.objectives,
    constraints,
    fidelity,
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
      disk_full_wait_s: raw.resources?.disk_full_wait ?? DEFAULT_DISK_FULL_WAIT_S,
      ask_ahead: raw.resources?.ask_ahead ?? 'auto',
    },
    baseline: raw.baseline ?? null,
    warm_start: raw.warm_start
      ? { study: raw.warm_start.study, db: raw.warm_start.db ? path.resolve(folder, raw.warm_start.db) : null, top: raw.warm_start.top ?? 5, prior: raw.warm_start.prior ?? null, early_stop: raw.warm_start.early_stop ?? false }
      : null,
    finalists,
    seed: raw.seed ?? 0,
    max_retries: raw.retries ?? 1,
    kill_grace_s: raw.trainer.kill_grace ?? DEFAULT_KILL_GRACE_S,
    checkpoints: { keep_best: raw.checkpoints?.keep_best ?? DEFAULT_KEEP_BEST },
    // Absent means local: specs stay as they were for studies that never name an executor.
    ...(raw.executor !== undefined ? { executor: normalizeExecutor(raw.executor) } : {}),
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
    return { kind: 'builtin', builtin: resolveBuiltinPaths(t.builtin, folder), timeout_s, reuse_process: t.reuse_process ?? true };
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
        for (const part of parseTemplate(arg)) {
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
  // Absent means false, as in specs stored before command trainers could reuse their processes.
  return { kind: 'command', command: argv, cwd: path.resolve(folder, t.cwd ?? '.'), env, timeout_s, ...(t.reuse_process === true ? { reuse_process: true } : {}) };
}

/** `[python3, train.py, {lr}]`: YAML reads an unquoted `{lr}` in a flow list as the mapping {lr: null}. */
function isYamlPlaceholder(v: unknown): v is Record<string, null> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length === 1 && entries[0]![1] === null;
}

function strategy(raw: RawStudy['sampler'], fallback: string): SamplerSpec {
  const { type = fallback, ...options } = typeof raw === 'string' ? { type: raw } : (raw ?? {});
  return { type, options };
}

/** Parameters (and the fidelity param) named like a built-in placeholder would be shadowed by it in the command. */
function checkBuiltinNames(raw: RawStudy, add: Add): void {
  const builtin = (name: string): boolean => (BUILTIN_PLACEHOLDERS as readonly string[]).includes(name);
  const why = (name: string): string =>
    `"${name}" is a built-in placeholder ({${name}} is filled in by Nightshift for every trial, so it could not mean this parameter); rename it, e.g. ${name}_`;
  for (const name of Object.keys(raw.search_space)) if (builtin(name)) add(['search_space', name], why(name));
  const param = raw.fidelity?.param;
  if (param !== undefined && param !== 'budget' && builtin(param)) add(['fidelity', 'param'], why(param));
}

/** The path of the first `__proto__` key anywhere in the parsed study, or null (zod drops such keys silently). */
function reservedKeyPath(raw: unknown): PropertyKey[] | null {
  const stack: { value: unknown; at: PropertyKey[] }[] = [{ value: raw, at: [] }];
  while (stack.length > 0) {
    const { value, at } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((v: unknown, i) => {
        if (v !== null && typeof v === 'object') stack.push({ value: v, at: [...at, i] });
      });
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return [...at, '__proto__'];
    for (const [k, v] of Object.entries(value)) if (v !== null && typeof v === 'object') stack.push({ value: v, at: [...at, k] });
  }
  return null;
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
