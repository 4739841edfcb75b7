// The new-study form's state turned into a study object (the study file's shape, as YAML or JSON would
// hold it), and back, for "duplicate and edit". Values are passed on as typed, not corrected: the
// engine's own validator (`study.validate`) names what is wrong. Pure functions, tested without a browser.
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { SpecIssueJson } from '../../../shared/api.js';

export type Scalar = number | string | boolean;

export interface KeyValue {
  id: number;
  key: string;
  /** As typed: numbers and true/false become numbers and booleans. */
  value: string;
}

export interface ParamRow {
  id: number;
  name: string;
  type: 'float' | 'int' | 'categorical';
  low: string;
  high: string;
  log: boolean;
  step: string;
  /** Comma-separated; numbers and true/false become numbers and booleans. */
  choices: string;
  /** `when`: active only while the parent parameter has one of the listed values (comma-separated). */
  whenParent: string;
  whenValues: string;
}

export interface ObjectiveRow {
  id: number;
  metric: string;
  direction: 'minimize' | 'maximize';
}

export interface ConstraintRow {
  id: number;
  metric: string;
  min: string;
  max: string;
}

export interface StudyForm {
  name: string;
  trainerKind: 'command' | 'builtin';
  /** argv as one line: spaces separate arguments, quotes keep one argument together. */
  command: string;
  cwd: string;
  env: KeyValue[];
  /** The built-in trainer's mapping, as YAML (e.g. `{model: mlp, dataset: mnist}`). */
  builtin: string;
  timeout: string;
  killGrace: string;
  params: ParamRow[];
  objectives: ObjectiveRow[];
  constraints: ConstraintRow[];
  fidelity: { on: boolean; param: string; min: string; max: string; eta: string };
  sampler: { type: string; options: KeyValue[] };
  scheduler: { type: string; options: KeyValue[] };
  budget: { trials: string; wallTime: string; energy: string; deadline: string };
  resources: { parallel: string; gpus: 'none' | 'all' | 'list'; gpuList: string; trialsPerGpu: string; allowBusy: boolean };
  baseline: { on: boolean; values: KeyValue[] };
  /** prior: '' leaves it to the engine (on when the search spaces overlap), 'true' requires it, 'false' turns it off. */
  warmStart: { on: boolean; study: string; db: string; top: string; prior: '' | 'true' | 'false'; earlyStop: boolean };
  seed: string;
  retries: string;
}

let nextId = 0;
export const newId = (): number => nextId++;

export function newParam(): ParamRow {
  return { id: newId(), name: '', type: 'float', low: '', high: '', log: false, step: '', choices: '', whenParent: '', whenValues: '' };
}
export const newKeyValue = (key = '', value = ''): KeyValue => ({ id: newId(), key, value });

export function emptyForm(): StudyForm {
  return {
    name: 'my-study',
    trainerKind: 'command',
    command: 'python3 train.py --lr {lr}',
    cwd: '',
    env: [],
    builtin: '{model: mlp, dataset: mnist}',
    timeout: '',
    killGrace: '',
    params: [{ ...newParam(), name: 'lr', low: '0.0001', high: '0.1', log: true }],
    objectives: [{ id: newId(), metric: 'val_accuracy', direction: 'maximize' }],
    constraints: [],
    fidelity: { on: false, param: 'epochs', min: '1', max: '27', eta: '3' },
    sampler: { type: 'random', options: [] },
    scheduler: { type: 'none', options: [] },
    budget: { trials: '20', wallTime: '', energy: '', deadline: '' },
    resources: { parallel: '1', gpus: 'none', gpuList: '', trialsPerGpu: '', allowBusy: false },
    baseline: { on: false, values: [] },
    warmStart: { on: false, study: '', db: '', top: '', prior: '', earlyStop: false },
    seed: '',
    retries: '',
  };
}

/** A number when the text is one; the text itself otherwise, so validation can say what is wrong. */
function number(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** A scalar as YAML would read it: true/false, a number, or the text. */
export function scalar(text: string): Scalar {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

const list = (text: string): Scalar[] => text.split(',').filter((c) => c.trim() !== '').map(scalar);
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Splits a command line into argv: whitespace separates, '…' and "…" keep spaces; no shell ever runs it. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** argv as the command field shows it; arguments with spaces or quotes are quoted. */
export function joinCommand(argv: readonly unknown[]): string {
  return argv.map((a) => (typeof a === 'string' && (/\s/.test(a) || a === '' || /^["']/.test(a)) ? (a.includes('"') ? `'${a}'` : `"${a}"`) : String(a))).join(' ');
}

function options(rows: readonly KeyValue[]): Record<string, Scalar> {
  return Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), scalar(r.value)]));
}

function paramObject(p: ParamRow): Record<string, unknown> {
  const when = p.whenParent.trim() ? { when: { [p.whenParent.trim()]: list(p.whenValues).length === 1 ? list(p.whenValues)[0] : list(p.whenValues) } } : {};
  if (p.type === 'categorical') return { type: 'categorical', choices: list(p.choices), ...when };
  return { type: p.type, low: number(p.low), high: number(p.high), ...(p.log ? { log: true } : {}), ...(p.step.trim() ? { step: number(p.step) } : {}), ...when };
}

/** The builtin mapping: the YAML typed, or the text itself when it is not a mapping (the validator says so). */
function builtinObject(yaml: string): unknown {
  try {
    return parseYaml(yaml) as unknown;
  } catch {
    return yaml;
  }
}

function nonEmpty(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  return Object.keys(kept).length ? kept : undefined;
}

export function buildStudy(f: StudyForm): Record<string, unknown> {
  const trainer: Record<string, unknown> =
    f.trainerKind === 'command'
      ? { command: splitCommand(f.command), ...(f.cwd.trim() ? { cwd: f.cwd.trim() } : {}), ...(f.env.some((e) => e.key.trim()) ? { env: Object.fromEntries(f.env.filter((e) => e.key.trim()).map((e) => [e.key.trim(), e.value])) } : {}) }
      : { builtin: builtinObject(f.builtin) };
  if (f.timeout.trim()) trainer.timeout = f.timeout.trim();
  if (f.killGrace.trim()) trainer.kill_grace = f.killGrace.trim();
  const study: Record<string, unknown> = {
    name: f.name.trim(),
    trainer,
    search_space: Object.fromEntries(f.params.filter((p) => p.name.trim()).map((p) => [p.name.trim(), paramObject(p)])),
    objectives: f.objectives.map((o) => ({ metric: o.metric.trim(), direction: o.direction })),
  };
  if (f.constraints.length) study.constraints = f.constraints.map((c) => ({ metric: c.metric.trim(), ...nonEmpty({ min: number(c.min), max: number(c.max) }) }));
  if (f.fidelity.on) study.fidelity = nonEmpty({ param: f.fidelity.param.trim(), min: number(f.fidelity.min), max: number(f.fidelity.max), eta: number(f.fidelity.eta) });
  study.sampler = { type: f.sampler.type, ...options(f.sampler.options) };
  study.scheduler = { type: f.scheduler.type, ...options(f.scheduler.options) };
  const budget = nonEmpty({ trials: number(f.budget.trials), wall_time: f.budget.wallTime.trim(), energy: f.budget.energy.trim(), deadline: f.budget.deadline.trim() });
  if (budget) study.budget = budget;
  const r = f.resources;
  const resources = nonEmpty({
    parallel: number(r.parallel),
    gpus: r.gpus === 'all' ? 'all' : r.gpus === 'list' ? list(r.gpuList) : undefined,
    trials_per_gpu: number(r.trialsPerGpu),
    allow_busy_gpus: r.allowBusy ? true : undefined,
  });
  if (resources) study.resources = resources;
  if (f.baseline.on) study.baseline = options(f.baseline.values);
  if (f.warmStart.on) {
    study.warm_start = {
      study: f.warmStart.study.trim(),
      ...nonEmpty({ db: f.warmStart.db.trim(), top: number(f.warmStart.top) }),
      ...(f.warmStart.prior ? { prior: f.warmStart.prior === 'true' } : {}),
      ...(f.warmStart.earlyStop ? { early_stop: true } : {}),
    };
  }
  if (f.seed.trim()) study.seed = number(f.seed);
  if (f.retries.trim()) study.retries = number(f.retries);
  return study;
}

/** The study as the YAML preview shows it, and as `study.validate` and `study.create` read it. */
export function studyYaml(f: StudyForm): string {
  return toYaml(buildStudy(f));
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const kvs = (o: Obj): KeyValue[] => Object.entries(o).map(([k, v]) => newKeyValue(k, text(v)));

/** A study object (from `study.source`, or a file) as the form's state: "duplicate and edit". */
export function formFromStudy(raw: Record<string, unknown>): StudyForm {
  const f = emptyForm();
  const t = obj(raw.trainer);
  f.name = text(raw.name);
  f.trainerKind = t.builtin !== undefined ? 'builtin' : 'command';
  f.command = Array.isArray(t.command) ? joinCommand(t.command) : '';
  f.cwd = text(t.cwd);
  f.env = kvs(obj(t.env));
  f.builtin = t.builtin !== undefined ? JSON.stringify(t.builtin) : f.builtin;
  f.timeout = text(t.timeout);
  f.killGrace = text(t.kill_grace);
  f.params = Object.entries(obj(raw.search_space)).map(([name, v]) => {
    const p = obj(v);
    const [parent, values] = Object.entries(obj(p.when))[0] ?? ['', ''];
    return {
      ...newParam(),
      name,
      type: p.type === 'int' || p.type === 'categorical' ? p.type : 'float',
      low: text(p.low),
      high: text(p.high),
      log: p.log === true,
      step: text(p.step),
      choices: Array.isArray(p.choices) ? p.choices.map(String).join(', ') : '',
      whenParent: parent,
      whenValues: Array.isArray(values) ? values.map(String).join(', ') : text(values),
    };
  });
  f.objectives = (Array.isArray(raw.objectives) ? raw.objectives : []).map((o) => ({ id: newId(), metric: text(obj(o).metric), direction: obj(o).direction === 'minimize' ? 'minimize' : 'maximize' }));
  f.constraints = (Array.isArray(raw.constraints) ? raw.constraints : []).map((c) => ({ id: newId(), metric: text(obj(c).metric), min: text(obj(c).min), max: text(obj(c).max) }));
  const fid = raw.fidelity === undefined ? null : obj(raw.fidelity);
  f.fidelity = fid ? { on: true, param: text(fid.param), min: text(fid.min), max: text(fid.max), eta: text(fid.eta) } : { ...f.fidelity, on: false };
  for (const key of ['sampler', 'scheduler'] as const) {
    const s = typeof raw[key] === 'string' ? { type: raw[key] } : obj(raw[key]);
    const { type, ...rest } = s;
    f[key] = { type: text(type) || (key === 'sampler' ? 'random' : 'none'), options: kvs(rest) };
  }
  const b = obj(raw.budget);
  f.budget = { trials: text(b.trials), wallTime: text(b.wall_time), energy: text(b.energy), deadline: text(b.deadline) };
  const r = obj(raw.resources);
  f.resources = {
    parallel: text(r.parallel),
    gpus: r.gpus === 'all' ? 'all' : Array.isArray(r.gpus) ? 'list' : 'none',
    gpuList: Array.isArray(r.gpus) ? r.gpus.join(', ') : '',
    trialsPerGpu: text(r.trials_per_gpu),
    allowBusy: r.allow_busy_gpus === true,
  };
  f.baseline = raw.baseline === undefined ? { on: false, values: [] } : { on: true, values: kvs(obj(raw.baseline)) };
  const w = raw.warm_start === undefined ? null : obj(raw.warm_start);
  f.warmStart = w
    ? { on: true, study: text(w.study), db: text(w.db), top: text(w.top), prior: w.prior === true ? 'true' : w.prior === false ? 'false' : '', earlyStop: w.early_stop === true }
    : { on: false, study: '', db: '', top: '', prior: '', earlyStop: false };
  f.seed = text(raw.seed);
  f.retries = text(raw.retries);
  return f;
}

/** Issues whose path is `path` or lies under it. */
export function issuesAt(issues: readonly SpecIssueJson[], path: string): SpecIssueJson[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
}
