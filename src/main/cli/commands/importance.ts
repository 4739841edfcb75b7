// `nightshift importance NAME`: which parameters mattered, per objective (fANOVA on a random forest of
// the finished trials), and what to freeze or narrow in the next study.
import type { Objective } from '../../../shared/types.js';
import { importance, suggestNarrowing, type NarrowingSuggestion, type ParamImportance } from '../../engine/importance/index.js';
import { suggestionText } from '../../engine/report/sensitivity.js';
import { SearchSpace } from '../../engine/study/space.js';
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

/** Seed and size of the forest, as in the HTML report, so both show the same numbers. */
const FOREST = { seed: 0, trees: 32 };

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
    const space = new SearchSpace(study.searchSpace);
    const trials = store.trials(study.id);
    const result: ImportanceJson = {
      study: study.name,
      objectives: objectives.map((objective) => {
        const imp = importance(trials, space, objective, FOREST);
        const used = trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values[objective.metric])).length;
        return { objective, trials: used, importance: imp, suggestions: imp.length ? suggestNarrowing(imp, trials, space, objective) : [] };
      }),
    };
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
