// The new-study form's rows turned into a study object (the study file's shape, as YAML or JSON would hold
// it). Values are passed on as typed, not corrected: the engine's validation names what is wrong.
import type { SpecIssueJson } from '../../../shared/api.js';

export interface ParamRow {
  id: number;
  name: string;
  type: 'float' | 'int' | 'categorical';
  low: string;
  high: string;
  log: boolean;
  /** Comma-separated; numbers and true/false become numbers and booleans. */
  choices: string;
}

let nextId = 0;
export function newParam(): ParamRow {
  return { id: nextId++, name: '', type: 'float', low: '', high: '', log: false, choices: '' };
}

/** A number when the text is one; the text itself otherwise, so validation can say what is wrong. */
function value(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

function choice(text: string): number | string | boolean {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

export interface StudyForm {
  name: string;
  command: string;
  params: readonly ParamRow[];
  objectives: readonly { metric: string; direction: 'minimize' | 'maximize' }[];
  trials: string;
  wallTime: string;
  energy: string;
}

export function buildStudy(f: StudyForm): Record<string, unknown> {
  const space: Record<string, Record<string, unknown>> = {};
  for (const p of f.params) {
    const key = p.name.trim();
    if (!key) continue;
    space[key] =
      p.type === 'categorical'
        ? { type: 'categorical', choices: p.choices.split(',').filter((c) => c.trim() !== '').map(choice) }
        : { type: p.type, low: value(p.low), high: value(p.high), ...(p.log ? { log: true } : {}) };
  }
  const budget: Record<string, unknown> = {};
  const trials = value(f.trials);
  if (trials !== undefined) budget.trials = trials;
  if (f.wallTime.trim()) budget.wall_time = f.wallTime.trim();
  if (f.energy.trim()) budget.energy = f.energy.trim();
  return {
    name: f.name.trim(),
    trainer: { command: f.command.trim().split(/\s+/).filter(Boolean) },
    search_space: space,
    objectives: f.objectives.map((o) => ({ metric: o.metric.trim(), direction: o.direction })),
    ...(Object.keys(budget).length ? { budget } : {}),
  };
}

/** Issues whose path is `path` or lies under it. */
export function issuesAt(issues: readonly SpecIssueJson[], path: string): SpecIssueJson[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
}
