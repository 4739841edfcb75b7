// The protocol between the engine and a reused trainer process (the built-in trainer, or a Python script
// that calls `nightshift.run(train)`): one process runs trial after trial, so each trial pays the trainer's
// fixed cost (an interpreter, TF.js or PyTorch, a backend or CUDA context, data loaded at start) once per
// process instead of once per trial, as Ray Tune's `reuse_actors` does for its trainables. The engine starts
// such a process with NIGHTSHIFT_WORKER=1 in its environment.
//
// Engine → worker, one JSON object per line on stdin:
//   {"run": {"env": {...}, "argv": [...]}}   start a trial with these trial-protocol variables (NIGHTSHIFT_PARAMS,
//                             ...) and this argv (the trial's command line, placeholders filled; a Python
//                             worker sets sys.argv from it, the built-in trainer has no use for it)
//   {"stop": true}            end the running trial at the next batch (what SIGTERM is to a trial process)
//   {"go": 3}                 the report at step 3, a rung step (NIGHTSHIFT_RUNG_STEPS, set for a stop-based
//                             scheduler), passed: train on. A trial waits for this or a stop after reporting a rung
//                             step (at most 2 s; the built-in trainer's worker.ts, the Python helper's report()),
//                             so one stopped there trains no further epoch before the stop arrives
//   end of stdin              exit (the engine is gone)
// Worker → engine: the trial's own lines (reports on stdout, logs on stderr), then on each stream a fence
//   @nightshift-worker {"exit": 0, "tensors": 12}     (stdout: the trial's exit code, live tensors after it)
//   @nightshift-worker {"exit": 0}                    (stderr: nothing more of this trial follows)
// so every line between two fences belongs to the one trial.

export const WORKER_FENCE = '@nightshift-worker ';

/** Set to 1 in a reused process's environment: serve trials from stdin instead of running one. */
export const WORKER_ENV = 'NIGHTSHIFT_WORKER';

/**
 * The trial-protocol variables that change from trial to trial; the rest of the environment is the worker's.
 * The Python helper (resources/python/nightshift.py, _PER_TRIAL_ENV) keeps the same list; a test compares them.
 */
export const PER_TRIAL_ENV = [
  'NIGHTSHIFT_PARAMS',
  'NIGHTSHIFT_PARAMS_FILE',
  'NIGHTSHIFT_TRIAL_ID',
  'NIGHTSHIFT_TRIAL_NUMBER',
  'NIGHTSHIFT_CHECKPOINT_DIR',
  'NIGHTSHIFT_SEED',
  'NIGHTSHIFT_BUDGET',
  'NIGHTSHIFT_FINALIST',
  'NIGHTSHIFT_FOLD',
  'NIGHTSHIFT_FOLDS',
  'NIGHTSHIFT_TRIAL_TOKEN',
] as const;

export interface WorkerExit {
  exit: number;
  /** Live TF.js tensors once the trial was disposed (stdout fence only): growth means a leak. */
  tensors?: number;
}

export type WorkerCommand = { run: { env: Record<string, string>; argv?: string[] } } | { stop: true } | { go: number };

/** Parses a fence line's JSON; null when the line is not a well-formed fence. */
export function parseFence(line: string): WorkerExit | null {
  if (!line.startsWith(WORKER_FENCE)) return null;
  try {
    const v = JSON.parse(line.slice(WORKER_FENCE.length)) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const exit = (v as { exit?: unknown }).exit;
    const tensors = (v as { tensors?: unknown }).tensors;
    if (typeof exit !== 'number' || !Number.isInteger(exit)) return null;
    return typeof tensors === 'number' ? { exit, tensors } : { exit };
  } catch {
    return null;
  }
}
