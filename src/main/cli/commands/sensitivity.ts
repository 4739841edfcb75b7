// `nightshift sensitivity NAME`: a one-at-a-time follow-up campaign around the study's best configuration,
// then each parameter's effect, a page of plots and what to freeze or narrow.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Objective, StateCounts } from '../../../shared/types.js';
import type { NarrowingSuggestion } from '../../engine/importance/index.js';
import {
  openSensitivityStudy,
  pickObjective,
  sensitivityEffects,
  SensitivityError,
  suggestFromSensitivity,
  type ParamEffect,
} from '../../engine/importance/sensitivity.js';
import { sensitivityHtml, suggestionText } from '../../engine/report/sensitivity.js';
import { SearchSpace } from '../../engine/study/space.js';
import { studyDir } from '../../engine/paths.js';
import { runCampaign } from '../campaign-runner.js';
import { onePositional, parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { num, table } from '../format.js';
import { openForWrite, requireStudy } from '../store.js';

export const SENSITIVITY_HELP = `Usage: nightshift sensitivity <study> [--points N] [--objective METRIC] [--out FILE] [--db FILE] [--json]

Runs a small follow-up study, <study>-sensitivity, in the same database: the best configuration of
<study>, then each parameter in turn varied across its range (N values; every choice of a categorical
one) with the others held at their best values. Then prints how far the objective moves across each
parameter's values (its effect), writes an HTML page with one plot per parameter, and suggests which
parameters to freeze (negligible effect) or narrow. Ctrl-C stops it; running the command again continues
the same follow-up study (its plan is fixed when it is created).

Options:
  --points N          values per parameter (default 5, at least 2)
  --objective METRIC  objective that picks the best configuration and the suggestions (default: the first)
  --out FILE          the HTML page (default: $NIGHTSHIFT_HOME/studies/<study>-sensitivity/sensitivity.html)
  --db FILE           database to use (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --json              print no progress; at the end print {study, source, objective, state, counts, effects, suggestions, report}
`;

export interface SensitivityJson {
  study: string;
  source: string;
  objective: Objective;
  state: string;
  stop_reason: string | null;
  counts: StateCounts;
  effects: ParamEffect[];
  suggestions: NarrowingSuggestion[];
  /** Where the HTML page was written. */
  report: string;
}

export async function sensitivityCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('sensitivity', argv, { points: { type: 'string' }, out: { type: 'string' }, objective: { type: 'string' } });
  if (values.help) return void out.write(SENSITIVITY_HELP), 0;
  const name = onePositional('sensitivity', positionals, 'study name');
  const points = values.points === undefined ? 5 : Number(values.points);
  if (!Number.isInteger(points) || points < 2) throw new CliError(`sensitivity: --points must be a whole number of at least 2, got "${values.points}"`, EXIT.usage);
  const { store, paths } = openForWrite(values.db);
  try {
    const { study: source } = requireStudy(store, name, paths.db);
    const objective = userError(() => pickObjective(source.objectives, values.objective));
    const follow = userError(() => openSensitivityStudy(store, source, { points, objective }));
    const what = follow.created ? `created ${follow.study.name}` : `continuing ${follow.study.name}`;
    if (!values.json) process.stderr.write(`${what}: ${follow.planned} trials (the best configuration and each parameter varied from it)\n`);
    if (!follow.created && values.points !== undefined) process.stderr.write(`note: --points only applies when the follow-up study is created; ${follow.study.name} keeps its plan\n`);

    const result = await runCampaign({ store, spec: follow.study.spec, artifacts: paths.artifacts, quiet: values.json });

    const study = store.getStudy(follow.study.name)!;
    const space = new SearchSpace(study.spec.search_space);
    const effects = sensitivityEffects(store.trials(study.id), space, study.objectives);
    const suggestions = suggestFromSensitivity(effects, space, objective);
    const report = path.resolve(values.out ?? path.join(studyDir(paths.artifacts, study.name), 'sensitivity.html'));
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, sensitivityHtml({ source: source.name, study: study.name, objectives: study.objectives, objective, effects, suggestions, space }, { version: process.env.npm_package_version }));
    const json: SensitivityJson = { study: study.name, source: source.name, objective, state: study.state, stop_reason: study.stopReason, counts: store.counts(study.id), effects, suggestions, report };
    out.write(values.json ? JSON.stringify(json, null, 2) + '\n' : formatSensitivity(json));
    return result.state === 'idle' ? EXIT.interrupted : EXIT.ok;
  } finally {
    store.close();
  }
}

function userError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SensitivityError) throw new CliError(`sensitivity: ${e.message}`, EXIT.usage);
    throw e;
  }
}

function formatSensitivity(r: SensitivityJson): string {
  const m = r.objective.metric;
  const rows = [...r.effects]
    .sort((a, b) => (b.effect[m] ?? -1) - (a.effect[m] ?? -1))
    .map((e) => {
      const scored = e.points.filter((p) => p.state === 'complete' && Number.isFinite(p.values[m]));
      const vs = scored.map((p) => p.values[m]!);
      return [e.param, e.effect[m] === null || e.effect[m] === undefined ? '' : num(e.effect[m]), vs.length ? `${num(Math.min(...vs))} .. ${num(Math.max(...vs))}` : '', `${scored.length}/${e.points.length}`];
    });
  const tips = r.suggestions.length ? r.suggestions.map((s) => `  ${s.param}: ${suggestionText(s)} (${s.reason})`).join('\n') : '  none: every parameter matters over its whole range';
  return (
    `${r.study} (${r.state}${r.stop_reason ? `: ${r.stop_reason}` : ''}), effect on ${m} (${r.objective.direction})\n` +
    table(['parameter', 'effect', `${m} range`, 'points'], rows) +
    `Suggestions:\n${tips}\nReport: ${r.report}\n`
  );
}
