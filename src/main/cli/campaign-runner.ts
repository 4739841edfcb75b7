// Running one campaign from a command: progress on stderr, metering with the user's settings, and
// Ctrl-C / SIGTERM / SIGHUP stopping running trials (they run again next time; a second signal quits at once).
// Shared by the commands that run campaigns, so they all stop and meter the same way.
import { Campaign, type CampaignResult } from '../engine/campaign/campaign.js';
import type { EngineEvent } from '../engine/campaign/events.js';
import { EngineBusyError } from '../engine/campaign/recovery.js';
import { Meter } from '../engine/metering/index.js';
import { openAnyStudySource } from '../engine/optuna/index.js';
import { isDiskFullError } from '../engine/storage/open.js';
import type { Store } from '../engine/storage/types.js';
import type { StudySpec } from '../engine/study/types.js';
import { CliError, EXIT } from './errors.js';
import { Progress } from './progress.js';
import { loadSettingsForCli } from './settings.js';
import { meterOptions } from '../engine/settings.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface CampaignRunOptions {
  store: Store;
  /** The study to create or resume. */
  spec: StudySpec;
  /** Folder that holds `studies/<study>/trials/<n>/`. */
  artifacts: string;
  /** No progress on stderr (the command prints JSON at the end). */
  quiet: boolean;
  /** Run only the finalists stage (`nightshift validate`), for the top `top` configurations. */
  finalistsOnly?: { top: number | null };
}

/**
 * Opens (creates or resumes) the study and runs it until its budget is spent or a signal stops it.
 * The store stays open (the caller reads the results, then closes it). State `idle` means interrupted.
 */
export async function runCampaign(opts: CampaignRunOptions): Promise<CampaignResult> {
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
  let meter: Meter | null = null;
  try {
    const settings = loadSettingsForCli();
    const { spec, store } = opts;
    const progress = new Progress(process.stderr, !opts.quiet && process.stderr.isTTY === true, spec.objectives, spec.budget.trials);
    const emit = (e: EngineEvent) => progress.on(e);
    // Open (and validate) before metering starts: the idle baseline takes a moment.
    campaign = Campaign.open({ store, spec, artifacts: opts.artifacts, emit, openSource: openAnyStudySource });
    meter = await Meter.start(meterOptions(settings));
    campaign.useMeter(meter);
    if (interrupted) void campaign.stop(interrupted);
    const result = await campaign.run(opts.finalistsOnly ? { finalistsOnly: true, top: opts.finalistsOnly.top } : {});
    progress.end();
    return result;
  } catch (e) {
    if (e instanceof EngineBusyError) throw new CliError(e.message, EXIT.failure);
    if (isDiskFullError(e)) {
      throw new CliError(
        `the disk holding the database is full (${(e as Error).message}); free some space and run the same command again: the trials that were running will run again`,
        EXIT.failure,
      );
    }
    throw e;
  } finally {
    await meter?.stop();
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
