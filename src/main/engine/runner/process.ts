// Runs one trial process: argv without a shell, its own process group, reports parsed from stdout as they
// arrive, bounded logs, a timeout, and a stop that reaches every process the trial forked.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { isProcessGroupAlive, killProcessGroup, signalProcessGroup } from './groups.js';
import { LineSplitter } from './lines.js';
import { killProcessesWithEnv } from './marked.js';
import { BoundedLog, DEFAULT_MAX_LOG_BYTES } from './logs.js';
import { MAX_REPORT_LINE_CHARS, REPORT_PREFIX, parseReportLine } from './protocol.js';
import { TrialTimeout } from './trial-timeout.js';

export { DEFAULT_MAX_LOG_BYTES };

export interface LaunchOptions {
  /** argv[0] is looked up on PATH (of the merged env) when it has no slash. */
  argv: string[];
  cwd: string;
  /** Merged over process.env. */
  env: Record<string, string>;
  /** `stdout.log` and `stderr.log` are appended here (the folder is created). */
  logDir: string;
  /** Per stream; default DEFAULT_MAX_LOG_BYTES (10 MiB). */
  maxLogBytes?: number;
  timeoutMs: number | null;
  /** Between SIGTERM and SIGKILL to the group, on stop() and on timeout. */
  killGraceMs: number;
  /** Called synchronously, in order, for each valid report line. */
  onReport: (step: number, metrics: Record<string, number>) => void;
  /**
   * `NAME=value` entries of `env` that mark this trial's processes: when the trial ends, processes still
   * carrying one are killed too (a daemonized child has left the process group, not its environment).
   */
  markers?: readonly string[];
  /** Every line the log files keep (reports included); silent once that stream's log is truncated. */
  onLog?: (stream: 'stdout' | 'stderr', line: string) => void;
  /**
   * Called synchronously when Node has just reaped the process, before anything else can be: the meter
   * reads this process's reaped-children CPU counters then (metering/reaped-cpu.ts).
   */
  onReaped?: (pid: number) => void;
}

export interface TrialExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** 'timeout', or the reason given to stop(); null when the trial ended by itself. */
  stoppedBy: 'timeout' | 'user' | string | null;
  /** Why the process could not be started (`command not found: python4`); null when it was. */
  spawnError: string | null;
  /** The last ~2 KB of the trial's stderr, cut at a line start, trailing whitespace trimmed. */
  stderrTail: string;
  reportCount: number;
  durationMs: number;
}

export interface TrialProcess {
  /** Also the process group id. 0 when the process could not be started. */
  pid: number;
  logFiles: { stdout: string; stderr: string };
  /** Resolves after the process exited, the rest of its group is gone, and both pipes were read to the end. */
  done: Promise<TrialExit>;
  /** SIGTERM to the group, SIGKILL after killGraceMs if anything still runs. The first reason given wins. */
  stop(reason: string): Promise<TrialExit>;
  /**
   * Freezes the whole group (SIGSTOP): it keeps its memory and uses no CPU; its timeout does not run
   * meanwhile. False when nothing could be frozen (it ended, or a stop is under way).
   */
  pause(): boolean;
  /** Lets a paused group go on (SIGCONT) with the rest of its timeout. False when it was not paused. */
  resume(): boolean;
}

/** How much of a trial's stderr its exit keeps (the tail); callers keep twice this to cut it at a line. */
export const STDERR_TAIL_CHARS = 2048;
/** After the group is gone, how long a pipe may stay open (held by a process that left the group via setsid). */
const PIPE_DRAIN_MS = 2_000;

function spawnErrorMessage(command: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `command not found: ${command}`;
  if (error.code === 'EACCES') return `command not executable (permission denied): ${command}`;
  return `could not start ${command}: ${error.message}`;
}

/** The last STDERR_TAIL_CHARS of `text`, cut at a line start, trailing whitespace trimmed. */
export function tailOf(text: string): string {
  if (text.length <= STDERR_TAIL_CHARS) return text.trimEnd();
  const cut = text.slice(-STDERR_TAIL_CHARS);
  const firstNewline = cut.indexOf('\n');
  return (firstNewline >= 0 && firstNewline < cut.length - 1 ? cut.slice(firstNewline + 1) : cut).trimEnd();
}

function whenClosed(stream: Readable | null): Promise<void> {
  if (stream === null || stream.closed || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function mergedEnv(env: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) merged[k] = v;
  return Object.assign(merged, env);
}

/** Why a trial cannot be launched before spawning it (no command, no log folder, no cwd), or null. */
export function launchProblem(argv: readonly string[], logDir: string, cwd: string): string | null {
  if ((argv[0] ?? '') === '') return 'empty command: the trainer command needs at least one element';
  try {
    mkdirSync(logDir, { recursive: true });
  } catch (e) {
    return `could not create log folder ${logDir}: ${(e as Error).message}`;
  }
  // spawn reports a missing cwd as ENOENT on the command, which would blame the wrong thing.
  try {
    return statSync(cwd).isDirectory() ? null : `working directory is not a folder: ${cwd}`;
  } catch {
    return `working directory not found: ${cwd}`;
  }
}

export function launchTrial(opts: LaunchOptions): TrialProcess {
  const started = performance.now();
  const maxLogBytes = opts.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;
  const logFiles = { stdout: path.join(opts.logDir, 'stdout.log'), stderr: path.join(opts.logDir, 'stderr.log') };
  const command = opts.argv[0] ?? '';

  let stoppedBy: string | null = null;
  let reportCount = 0;
  let stderrText = '';
  let exited = false;
  let resolveDone!: (exit: TrialExit) => void;
  const done = new Promise<TrialExit>((resolve) => (resolveDone = resolve));

  const failBeforeSpawn = (spawnError: string): TrialProcess => {
    resolveDone({
      code: null,
      signal: null,
      stoppedBy: null,
      spawnError,
      stderrTail: '',
      reportCount: 0,
      durationMs: performance.now() - started,
    });
    return { pid: 0, logFiles, done, stop: () => done, pause: () => false, resume: () => false };
  };

  const unlaunchable = launchProblem(opts.argv, opts.logDir, opts.cwd);
  if (unlaunchable !== null) return failBeforeSpawn(unlaunchable);

  let child: ChildProcess;
  try {
    child = spawn(command, opts.argv.slice(1), {
      cwd: opts.cwd,
      env: mergedEnv(opts.env),
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (e) {
    // Synchronous failures: invalid arguments such as a NUL byte in an argv element.
    return failBeforeSpawn(`could not start ${command}: ${(e as Error).message}`);
  }

  const stdoutLog = new BoundedLog(logFiles.stdout, maxLogBytes);
  const stderrLog = new BoundedLog(logFiles.stderr, maxLogBytes);

  const emitLog = (stream: 'stdout' | 'stderr', line: string): void => {
    if (opts.onLog === undefined || (stream === 'stdout' ? stdoutLog : stderrLog).isTruncated) return;
    try {
      opts.onLog(stream, line);
    } catch (e) {
      stderrLog.note(`log handler failed: ${(e as Error).message}`);
    }
  };

  const stdoutLines = new LineSplitter(MAX_REPORT_LINE_CHARS, (line, overlong) => {
    emitLog('stdout', line);
    if (overlong) {
      if (line.startsWith(REPORT_PREFIX)) {
        stderrLog.note(`malformed report line: longer than ${MAX_REPORT_LINE_CHARS} characters`);
      }
      return;
    }
    const parsed = parseReportLine(line);
    if (parsed.kind === 'malformed') {
      stderrLog.note(`malformed report line: ${parsed.error}`);
    } else if (parsed.kind === 'report') {
      reportCount += 1;
      try {
        opts.onReport(parsed.step, parsed.metrics);
      } catch (e) {
        stderrLog.note(`report handler failed: ${(e as Error).message}`);
      }
    }
  });
  const stderrLines = new LineSplitter(MAX_REPORT_LINE_CHARS, (line) => emitLog('stderr', line));

  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutLog.write(chunk);
    stdoutLines.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrLog.write(chunk);
    stderrLines.push(chunk);
    stderrText = (stderrText + chunk.toString('utf8')).slice(-2 * STDERR_TAIL_CHARS);
  });
  const pipesClosed = Promise.all([whenClosed(child.stdout), whenClosed(child.stderr)]);

  const pid = child.pid ?? 0;
  let killing: Promise<void> | null = null;
  const killGroup = (): Promise<void> => (killing ??= killProcessGroup(pid, opts.killGraceMs));

  const timeout = new TrialTimeout(pid > 0 ? opts.timeoutMs : null, () => void stop('timeout'));
  let paused = false;

  let finished = false;
  const finish = async (code: number | null, signal: NodeJS.Signals | null, spawnError: string | null): Promise<void> => {
    if (finished) return;
    finished = true;
    exited = true;
    const durationMs = performance.now() - started;
    timeout.clear();
    if (spawnError === null) {
      // The leader is gone; children it left behind are the trial's too (the NNI lesson: they must not live on).
      if (isProcessGroupAlive(pid)) await killGroup();
      if (killing !== null) await killing;
      const escaped = await killProcessesWithEnv(opts.markers ?? [], opts.killGraceMs);
      if (escaped.length > 0) stderrLog.note(`killed ${escaped.length} process(es) the trial left running outside its process group: ${escaped.join(', ')}`);
      const drained = await Promise.race([pipesClosed.then(() => true), delay(PIPE_DRAIN_MS).then(() => false)]);
      if (!drained) {
        child.stdout?.destroy();
        child.stderr?.destroy();
        stderrLog.note('stopped reading output: a process outside the trial\'s group still holds its pipes');
      }
    } else {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    stdoutLines.end();
    stderrLines.end();
    await Promise.all([stdoutLog.close(), stderrLog.close()]);
    resolveDone({ code, signal, stoppedBy, spawnError, stderrTail: tailOf(stderrText), reportCount, durationMs });
  };

  child.once('exit', (code, signal) => {
    if (pid > 0) opts.onReaped?.(pid);
    void finish(code, signal, null);
  });
  child.on('error', (e: NodeJS.ErrnoException) => {
    // After a successful spawn, 'error' only means a signal could not be delivered; the exit still comes.
    if (child.pid === undefined) void finish(null, null, spawnErrorMessage(command, e));
  });

  function stop(reason: string): Promise<TrialExit> {
    if (exited || pid === 0) return done;
    stoppedBy ??= reason;
    // killProcessGroup follows SIGTERM with SIGCONT, so a paused group wakes up to handle it.
    paused = false;
    void killGroup();
    return done;
  }

  function pause(): boolean {
    if (exited || pid === 0 || paused || killing !== null) return false;
    if (!signalProcessGroup(pid, 'SIGSTOP')) return false;
    paused = true;
    timeout.hold();
    return true;
  }

  function resume(): boolean {
    if (!paused || exited) return false;
    paused = false;
    signalProcessGroup(pid, 'SIGCONT');
    timeout.run();
    return true;
  }

  return { pid, logFiles, done, stop, pause, resume };
}
