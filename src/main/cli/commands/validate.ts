import { studyShowJson } from '../../engine/report/json.js';
import { CliError, EXIT } from '../errors.js';
import { onePositional, parse } from '../args.js';
import { runCampaign } from '../campaign-runner.js';
import { openForWrite } from '../store.js';
import { formatShow } from './show.js';

export const VALIDATE_HELP = `Usage: nightshift validate <study> [--top K] [--db FILE] [--json]

Runs the finalists stage of a study now: its top K configurations (by the study file's
finalists.objective, or knee points of the Pareto set for several objectives) are run again with each
seed and fold of the study's \`finalists\` key (default: top 3, 3 seeds, no overrides), as trials of
their own kind that the sampler never learns from. Prints each finalist's validated mean and 95%
interval against its search value; the validated winner is what \`show\`, reports and the dashboard
call best from then on. Stop it at any time: running again continues without losing or repeating a
finalist run.

Options:
  --top K     validate the top K configurations (default: finalists.top of the study, else 3)
  --db FILE   database to use
  --json      print no progress; at the end print the \`show --json\` object
`;

export async function validateCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('validate', argv, { top: { type: 'string' } });
  if (values.help) return void out.write(VALIDATE_HELP), 0;
  const name = onePositional('validate', positionals, 'study name');
  let top: number | null = null;
  if (values.top !== undefined) {
    top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 100) {
      throw new CliError(`validate: --top must be a whole number from 1 to 100, got "${values.top}"`, EXIT.usage);
    }
  }
  const { store, paths } = openForWrite(values.db);
  try {
    const study = store.getStudy(name);
    if (!study) throw new CliError(`no study named "${name}" in ${paths.db}; \`nightshift ls\` lists them`, EXIT.usage);
    const result = await runCampaign({ store, spec: study.spec, artifacts: paths.artifacts, quiet: values.json === true, finalistsOnly: { top } });
    const show = studyShowJson(store, store.getStudy(name)!);
    out.write(values.json ? JSON.stringify(show, null, 2) + '\n' : formatShow(show));
    return result.state === 'idle' ? EXIT.interrupted : EXIT.ok;
  } finally {
    store.close();
  }
}
