import { Campaign } from '../../engine/campaign/campaign.js';
import { EngineBusyError } from '../../engine/campaign/recovery.js';
import { studyShowJson } from '../../engine/report/json.js';
import type { EngineEvent } from '../../engine/campaign/events.js';
import { Meter } from '../../engine/metering/index.js';
import { loadStudyFile } from '../../engine/study/spec.js';
import { loadSettingsForCli } from '../settings.js';
import { onePositional, parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { Progress } from '../progress.js';
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

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function runCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('run', argv, {});
  if (values.help) return void out.write(RUN_HELP), 0;
  const file = onePositional('run', positionals, 'study file');

  // Signals are handled from the start: one that arrives while the study is still being opened stops
  // the campaign before it launches anything.
  let interrupted: string | null = null;
  let campaign: Campaign | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // Second signal: leave at once; the next run finds the trials by their lease and cleans up.
      process.stderr.write('\nstopping now\n');
      process.exit(EXIT.interrupted);
    }
    interrupted = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    process.stderr.write(`\n${signal}: stopping running trials (they run again next time; press Ctrl-C again to quit now)\n`);
    void campaign?.stop(interrupted);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    const spec = loadStudyFile(file);
    const settings = loadSettingsForCli();
    const { store, paths } = openForWrite(values.db);
    let meter: Meter | null = null;
    try {
      const progress = new Progress(process.stderr, !values.json && process.stderr.isTTY === true, spec.objectives, spec.budget.trials);
      const emit = (e: EngineEvent) => progress.on(e);
      // Open (and validate) before metering starts: the idle baseline takes a moment.
      campaign = Campaign.open({ store, spec, artifacts: paths.artifacts, emit });
      meter = await Meter.start({
        intervalMs: settings.sample_interval_ms,
        idleSeconds: settings.idle_seconds,
        cpuWatts: settings.cpu_watts,
        gridIntensityGPerKWh: settings.grid_intensity_g_per_kwh,
        pricePerKWh: settings.price_per_kwh,
      });
      campaign.useMeter(meter);
      if (interrupted) void campaign.stop(interrupted);
      const result = await campaign.run();
      progress.end();
      const show = studyShowJson(store, store.getStudy(spec.name)!);
      out.write(values.json ? JSON.stringify(show, null, 2) + '\n' : formatShow(show));
      return result.state === 'idle' ? EXIT.interrupted : EXIT.ok;
    } finally {
      await meter?.stop();
      store.close();
    }
  } catch (e) {
    if (e instanceof EngineBusyError) throw new CliError(e.message, EXIT.failure);
    throw e;
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
