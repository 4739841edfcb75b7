// `nightshift importance NAME`: which parameters mattered, per objective (fANOVA on a random forest of
// the finished trials), and what to freeze or narrow in the next study.
import type { Objective } from '../../../shared/types.js';
import type { NarrowingSuggestion, ParamImportance } from '../../engine/importance/index.js';
import { searchTrials } from '../../engine/finalists/stage.js';
import { importanceByObjective } from '../../engine/importance/report.js';
import { suggestionText } from '../../engine/report/sensitivity.js';
import { onePositional, parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { table } from '../format.js';
import { openForRead, requireStudy } from '../store.js';

export const IMPORTANCE_HELP = `Usage: nightshift importance <study> [--objective METRIC] [--db FILE] [--json]

How much of each objective's variation each parameter explains (fANOVA on a random forest fitted on
the complete trials; the shares sum to 100%), and which parameters to freeze or narrow next time.

Options:
  --objective METRIC   only this objective (default: every objective of the study)
  --db FILE            database to read (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --json               print {study, objectives: [{objective, trials, importance, suggestions}]}
`;

export interface ImportanceJson {
  study: string;
  objectives: { objective: Objective; trials: number; importance: ParamImportance[]; suggestions: NarrowingSuggestion[] }[];
}

export function importanceCommand(argv: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parse('importance', argv, { objective: { type: 'string' } });
  if (values.help) return void out.write(IMPORTANCE_HELP), 0;
  const name = onePositional('importance', positionals, 'study name');
  const { store: maybe, paths } = openForRead(values.db);
  const { store, study } = requireStudy(maybe, name, paths.db);
  try {
    const objectives = values.objective ? study.objectives.filter((o) => o.metric === values.objective) : study.objectives;
    if (objectives.length === 0) {
      throw new CliError(`importance: study "${name}" has no objective "${values.objective}"; its objectives: ${study.objectives.map((o) => o.metric).join(', ')}`, EXIT.usage);
    }
    const result: ImportanceJson = { study: study.name, objectives: importanceByObjective(searchTrials(store, study.id), study.searchSpace, objectives) };
    out.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatImportance(result));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function formatImportance(r: ImportanceJson): string {
  return r.objectives
    .map(({ objective, trials, importance: imp, suggestions }) => {
      const head = `${objective.metric} (${objective.direction}), from ${trials} complete trials\n`;
      if (imp.length === 0) return `${head}  not enough complete trials (at least 2 with a value of ${objective.metric})\n`;
      const rows = imp.map((i) => [i.param, `${(i.importance * 100).toFixed(1)}%`, '#'.repeat(Math.round(i.importance * 40))]);
      const tips = suggestions.length ? `Suggestions:\n${suggestions.map((s) => `  ${s.param}: ${suggestionText(s)} (${s.reason})`).join('\n')}\n` : 'Suggestions: none\n';
      return head + table(['parameter', 'importance', ''], rows) + tips;
    })
    .join('\n');
}
