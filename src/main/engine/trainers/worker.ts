// A reused trainer process (`builtin-trainer.mjs --worker`): runs one trial after another, each started by a
// line on stdin, so Node, TF.js and the backend load once per process rather than once per trial. The
// protocol is in worker-protocol.ts; each trial behaves as in a process of its own (same reports,
// same exit codes), and a stop ends it between two batches instead of by a signal.
import { createInterface } from 'node:readline';
import { PER_TRIAL_ENV, WORKER_FENCE, type WorkerCommand } from './worker-protocol.js';
import { EXIT_USER_ERROR, TrainerUserError } from './errors.js';
import { trainFromEnv } from './from-env.js';
import { StartupClock } from './startup-clock.js';
import * as tf from './tf.js';
import { TrialStopped } from './train.js';

/** The exit code of a trial ended by a stop: what a process killed by SIGTERM reports (128 + 15). */
export const EXIT_STOPPED = 143;
/**
 * How long a trial waits at a rung for the engine's verdict before training on anyway: the answer takes
 * milliseconds (a store write and a ranking), so this only bounds an engine that is stuck or never answers.
 */
const VERDICT_WAIT_MS = 2000;

const perTrial = new Set<string>(PER_TRIAL_ENV);

function parseCommand(line: string): WorkerCommand | null {
  try {
    const v = JSON.parse(line) as Partial<{ run: { env?: unknown }; stop: unknown; go: unknown }>;
    if (v.stop === true) return { stop: true };
    if (typeof v.go === 'number' && Number.isFinite(v.go)) return { go: v.go };
    const env = v.run?.env;
    if (typeof env === 'object' && env !== null && !Array.isArray(env)) {
      const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return { run: { env: vars } };
    }
  } catch {
    // reported below
  }
  return null;
}

async function runOne(vars: Record<string, string>, clock: StartupClock, isStopped: () => boolean, awaitVerdict: (step: number) => Promise<void>): Promise<number> {
  // Per-trial variables come only from the command, never from an earlier trial or the worker's start.
  const lookup = (name: string): string | undefined => {
    const v = perTrial.has(name) ? vars[name] : process.env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  try {
    await trainFromEnv(lookup, {
      clock,
      report: (m) => void process.stdout.write(`@nightshift ${JSON.stringify(m)}\n`),
      log: (line) => void process.stderr.write(`[nightshift] ${line}\n`),
      shouldStop: isStopped,
      awaitVerdict,
      keepData: true,
    });
    return 0;
  } catch (err) {
    if (err instanceof TrialStopped) return EXIT_STOPPED;
    if (err instanceof TrainerUserError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USER_ERROR;
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** Live tensors; undefined before a trial got as far as choosing a backend (TF.js has none to ask). */
function liveTensors(): number | undefined {
  try {
    return tf.memory().numTensors;
  } catch {
    return undefined;
  }
}

export async function runWorker(): Promise<void> {
  let stopped = false;
  /** The highest step the engine let the running trial go on from (its `go` verdicts). */
  let goneOn = 0;
  let first = true;
  const queue: Record<string, string>[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const cmd = parseCommand(line);
    if (cmd === null) {
      process.stderr.write(`[nightshift] worker: ignored a malformed command line: ${line.slice(0, 120)}\n`);
    } else if ('go' in cmd) {
      goneOn = Math.max(goneOn, cmd.go);
    } else if ('stop' in cmd) {
      // For the latest run command, started or still queued: the engine may stop a trial it just launched
      // (a campaign that ends), and both lines can arrive in one chunk, before that trial starts.
      stopped = true;
    } else {
      stopped = false;
      goneOn = 0;
      queue.push(cmd.run.env);
    }
    wake?.();
  });
  // The engine is gone (or closed the pipe to retire this worker): nothing more will come, and nobody reads
  // the running trial's reports, so it ends at its next batch rather than training on as an orphan.
  lines.on('close', () => {
    ended = true;
    stopped = true;
    wake?.();
  });
  for (;;) {
    const vars = queue.shift();
    if (vars === undefined) {
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      continue;
    }
    // The first trial pays the process's start-up (Node, TF.js) as a trial process does; later ones do not.
    const clock = first ? new StartupClock() : new StartupClock(performance.now());
    if (first) clock.mark('modules');
    first = false;
    // Resolves on the engine's verdict on `step` (go on, or stop), or after VERDICT_WAIT_MS without one.
    const awaitVerdict = async (step: number): Promise<void> => {
      const until = performance.now() + VERDICT_WAIT_MS;
      while (!stopped && goneOn < step && performance.now() < until) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, until - performance.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    };
    const code = await runOne(vars, clock, () => stopped, awaitVerdict);
    process.stdout.write(`${WORKER_FENCE}${JSON.stringify({ exit: code, tensors: liveTensors() })}\n`);
    process.stderr.write(`${WORKER_FENCE}${JSON.stringify({ exit: code })}\n`);
  }
}
