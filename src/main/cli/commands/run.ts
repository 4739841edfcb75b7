import { studyDiskUse } from '../../engine/campaign/disk.js';
import { STRATEGIES } from '../../engine/campaign/strategy.js';
import { studyShowJson } from '../../engine/report/json.js';
import { loadStudyFile } from '../../engine/study/spec.js';
import { onePositional, parse } from '../args.js';
import { runCampaign } from '../campaign-runner.js';
import { EXIT } from '../errors.js';
import { openForWrite } from '../store.js';
import { formatShow } from './show.js';

export const RUN_HELP = `Usage: nightshift run <study.yaml|study.json> [--db FILE] [--json]

Creates the study, or resumes the study of the same name, and runs trials until its budget is
spent. Stop it at any time (Ctrl-C, or kill): running trials are stopped and run again on the next
\`nightshift run\`; finished trials are never lost or repeated. Press Ctrl-C twice to stop at once.

Options:
  --db FILE   database to use (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --json      print no progress; at the end print the \`show --json\` object
`;

export async function runCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('run', argv, {});
  if (values.help) return void out.write(RUN_HELP), 0;
  const file = onePositional('run', positionals, 'study file');
  const spec = loadStudyFile(file, STRATEGIES);
  const { store, paths } = openForWrite(values.db);
  try {
    const result = await runCampaign({ store, spec, artifacts: paths.artifacts, quiet: values.json === true });
    const show = { ...studyShowJson(store, store.getStudy(spec.name)!), disk: studyDiskUse(paths.artifacts, spec.name) };
    out.write(values.json ? JSON.stringify(show, null, 2) + '\n' : formatShow(show));
    if (result.failed) {
      // The study could not produce a result: scripts and schedulers must see a failure, not a finished run.
      process.stderr.write(`nightshift run: study "${spec.name}" stopped: ${result.reason ?? 'failed'}\n`);
      return EXIT.failure;
    }
    return result.state === 'idle' ? EXIT.interrupted : EXIT.ok;
  } finally {
    store.close();
  }
}
