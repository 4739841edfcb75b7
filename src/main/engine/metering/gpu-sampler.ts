// Streams GPU samples from one long-lived `nvidia-smi --query-gpu=... -lms N` child. A single child costs far
// less than spawning nvidia-smi every interval (each spawn initialises NVML), and reading its stdout line by line
// never blocks the event loop — unlike systeminformation's graphics(), which uses execFileSync.
import { spawn, type ChildProcess } from 'node:child_process';
import { GPU_STREAM_FIELDS, parseGpuLine } from './csv-parse.js';
import type { GpuSample } from './types.js';
import { reapedCpu } from './reaped-cpu.js';

export type SamplerEvent =
  | { type: 'stale'; at: number; silent_ms: number }
  | { type: 'recovered'; at: number }
  | { type: 'restart'; at: number; attempt: number; reason: string }
  | { type: 'unavailable'; at: number; reason: string }
  | { type: 'vanished'; at: number; index: number }
  | { type: 'garbage'; at: number; line: string };

export interface GpuSamplerOptions {
  command: string;
  intervalMs: number;
  now: () => number;
  /** Wall clock (epoch ms) to compare nvidia-smi's timestamps with (default Date.now). */
  wallNow?: () => number;
  onSample: (s: GpuSample) => void;
  onEvent?: (e: SamplerEvent) => void;
  /** No line for staleFactor × interval means the child hangs (default 10). */
  staleFactor?: number;
  /** A GPU whose rows stop for this many intervals while others keep coming has vanished (default 6). */
  vanishFactor?: number;
  /** First restart delay; doubles per failed attempt up to maxBackoffMs (defaults 1 s and 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export type SamplerState = 'starting' | 'running' | 'stale' | 'unavailable' | 'stopped';

/**
 * Largest lag between nvidia-smi's timestamp and the line's arrival that is taken as a delayed read; beyond it
 * (or with the reading in the future) the two clocks disagree, e.g. the wall clock was set, and the arrival
 * time is used.
 */
const MAX_READ_LAG_MS = 60_000;
/** The timestamp has millisecond resolution and Date.now may tick just before it: a small lead is no lag. */
const CLOCK_SLACK_MS = 50;

// Drivers ≥ 535 rename "throttle" reasons to "event" reasons; older ones know only the first name.
const THROTTLE_FIELD_NAMES = ['clocks_throttle_reasons.active', 'clocks_event_reasons.active'];

export class GpuSampler {
  private child: ChildProcess | null = null;
  private fields: string[] = [...GPU_STREAM_FIELDS];
  private state_: SamplerState = 'starting';
  private lastLineAt = 0;
  private lastCheckAt = 0;
  private readonly lastSeen = new Map<number, number>();
  private readonly vanished = new Set<number>();
  private attempt = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private partial = '';
  private stderrTail = '';
  private readonly staleMs: number;
  private readonly vanishMs: number;

  constructor(private readonly opts: GpuSamplerOptions) {
    this.staleMs = (opts.staleFactor ?? 10) * opts.intervalMs;
    this.vanishMs = Math.max((opts.vanishFactor ?? 6) * opts.intervalMs, 1000);
  }

  get state(): SamplerState {
    return this.state_;
  }

  /** GPU indices whose rows stopped while the others kept coming. */
  vanishedGpus(): number[] {
    return [...this.vanished];
  }

  start(): void {
    this.lastCheckAt = this.opts.now();
    this.spawnChild();
    this.watchdog = setInterval(() => this.check(), this.opts.intervalMs);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    this.state_ = 'stopped';
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      // A child stuck in the driver (uninterruptible sleep) may never report its exit; don't wait for it forever.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }

  private emit(e: SamplerEvent): void {
    this.opts.onEvent?.(e);
  }

  private spawnChild(): void {
    if (this.state_ === 'stopped') return;
    const args = [`--query-gpu=${this.fields.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(this.opts.intervalMs)];
    let child: ChildProcess;
    try {
      child = spawn(this.opts.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      this.giveUp(`cannot start ${this.opts.command}: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    this.partial = '';
    this.stderrTail = '';
    this.lastLineAt = this.opts.now();
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child !== child) return;
      this.child = null;
      if (err.code === 'ENOENT') this.giveUp(`${this.opts.command} not found on PATH`);
      else this.scheduleRestart(`${this.opts.command}: ${err.message}`);
    });
    reapedCpu.follow(child);
    child.on('exit', (code, signal) => {
      if (this.child !== child) return; // killed by us on purpose, or replaced
      this.child = null;
      const msg = (this.stderrTail + this.partial).trim();
      if (this.adaptFields(msg)) {
        this.spawnChild();
        return;
      }
      this.scheduleRestart(`${this.opts.command} exited (${signal ?? `code ${String(code)}`})${msg ? `: ${msg.split('\n')[0]}` : ''}`);
    });
  }

  /** Drops or renames a field this driver rejects; true when the stream should be retried at once. */
  private adaptFields(message: string): boolean {
    const m = /Field "([^"]+)" is not a valid field/.exec(message);
    if (!m || m[1] === undefined) return false;
    const bad = m[1];
    const i = this.fields.indexOf(bad);
    if (i < 0 || bad === 'index') return false;
    const next = THROTTLE_FIELD_NAMES.find((n) => n !== bad && !this.triedFields.has(n));
    this.triedFields.add(bad);
    if (THROTTLE_FIELD_NAMES.includes(bad) && next) this.fields[i] = next;
    else this.fields.splice(i, 1);
    return true;
  }
  private readonly triedFields = new Set<string>();

  private onData(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 4096) this.partial = ''; // a runaway line without newline is garbage
    const t = this.opts.now();
    const wall = (this.opts.wallNow ?? Date.now)();
    for (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      this.lastLineAt = t;
      const s = parseGpuLine(line, t, this.fields);
      if (!s) {
        // nvidia-smi prints its own errors ("Field ... is not a valid field") on stdout; keep them for exit.
        this.stderrTail = `${this.stderrTail}${line.slice(0, 300)}\n`.slice(-2000);
        this.emit({ type: 'garbage', at: t, line: line.slice(0, 200) });
        continue;
      }
      if (this.state_ !== 'running') {
        if (this.state_ === 'stale') this.emit({ type: 'recovered', at: t });
        this.state_ = 'running';
        this.attempt = 0;
      }
      this.lastSeen.set(s.index, t);
      this.vanished.delete(s.index);
      s.t = this.readingTime(s, t, wall);
      this.opts.onSample(s);
    }
  }

  /**
   * The reading's time on the engine clock: the arrival time moved back by how long the line waited (pipe,
   * busy event loop), never before this GPU's previous reading so the integral only moves forward.
   */
  private readingTime(s: GpuSample, arrival: number, wall: number): number {
    let t = arrival;
    if (s.smi_at_ms !== null) {
      const lag = wall - s.smi_at_ms;
      if (lag >= -CLOCK_SLACK_MS && lag <= MAX_READ_LAG_MS) t = arrival - Math.max(0, lag);
    }
    const prev = this.lastReading.get(s.index);
    if (prev !== undefined && t < prev) t = prev;
    this.lastReading.set(s.index, t);
    return t;
  }
  private readonly lastReading = new Map<number, number>();

  private check(): void {
    if (this.state_ === 'stopped' || this.state_ === 'unavailable') return;
    const now = this.opts.now();
    const sinceCheck = now - this.lastCheckAt;
    this.lastCheckAt = now;
    // The watchdog itself ran late: the engine's event loop was blocked, and nvidia-smi's lines are waiting
    // in the pipe (timers run before I/O callbacks). Judge silence on the next round, after they are read.
    if (sinceCheck > 3 * this.opts.intervalMs) return;
    if (this.child && now - this.lastLineAt > this.staleMs) {
      this.state_ = 'stale';
      this.emit({ type: 'stale', at: now, silent_ms: now - this.lastLineAt });
      const child = this.child;
      this.child = null;
      child.kill('SIGKILL');
      this.scheduleRestart(`no output for ${now - this.lastLineAt} ms`);
      return;
    }
    // Rows of one GPU stopped while the stream is alive: that GPU fell off the bus or was reset.
    if (this.state_ === 'running' && now - this.lastLineAt < 3 * this.opts.intervalMs) {
      for (const [index, seen] of this.lastSeen) {
        if (!this.vanished.has(index) && now - seen > this.vanishMs) {
          this.vanished.add(index);
          this.emit({ type: 'vanished', at: now, index });
        }
      }
    }
  }

  private scheduleRestart(reason: string): void {
    if (this.state_ === 'stopped' || this.state_ === 'unavailable') return;
    if (this.state_ !== 'stale') this.state_ = 'stale';
    const base = this.opts.backoffMs ?? 1000;
    const delay = Math.min(base * 2 ** this.attempt, this.opts.maxBackoffMs ?? 30_000);
    this.attempt += 1;
    this.emit({ type: 'restart', at: this.opts.now(), attempt: this.attempt, reason });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawnChild();
    }, delay);
    this.restartTimer.unref();
  }

  private giveUp(reason: string): void {
    this.state_ = 'unavailable';
    this.emit({ type: 'unavailable', at: this.opts.now(), reason });
  }
}
