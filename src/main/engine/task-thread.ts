// One worker thread that takes plain-data tasks of one kind, in order, and answers each with a plain result.
// This is the host side; the worker side is ./task-worker.ts, a module of its own so that a bundler never puts
// the two in one chunk shared by both entries, where import.meta.url would no longer be the host bundle's.
// The process that serves the window, HTTP, WebSocket pushes and the meter's nvidia-smi stream hands its long
// computations (importance forests, the GP's model-based step) to one, so its event loop keeps answering.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface TaskRequest<T> {
  id: number;
  task: T;
}

export type TaskReply<R> =
  | { id: number; ok: true; result: R; threadId: number }
  | { id: number; ok: false; error: { name: string; message: string; stack: string }; threadId: number };

/** The worker bundle is missing (a source checkout that was never built): callers compute inline instead. */
export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/**
 * The bundled worker entry `name` (without extension). Bundles put it beside themselves (out/cli/<name>.mjs
 * next to the CLI, out/main/<name>.js next to Electron's main); run from sources (vitest), the CLI build's
 * copy is used, which the test setup rebuilds before every run.
 */
export function bundledWorkerEntry(name: string, from: string = fileURLToPath(import.meta.url)): string | null {
  const here = path.dirname(from);
  for (const file of [`${name}.mjs`, `${name}.js`].map((f) => path.join(here, f))) {
    if (existsSync(file)) return file;
  }
  for (let dir = here; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const file = path.join(dir, 'out', 'cli', `${name}.mjs`);
      return existsSync(file) ? file : null;
    }
  }
  return null;
}

interface Pending<R> {
  resolve: (r: { result: R; threadId: number }) => void;
  reject: (e: Error) => void;
}

/** The host side: starts its worker on the first task, and restarts it after a crash. */
export class TaskThread<T, R> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<R>>();

  constructor(
    /** Said in errors: what the worker computes. */
    private readonly label: string,
    private readonly entry: () => string | null,
    /** Rebuilds a worker's error on this side (a caller may test for its own error classes). */
    private readonly revive: (e: { name: string; message: string; stack: string }) => Error = (e) =>
      Object.assign(new Error(e.message), { name: e.name, stack: e.stack }),
  ) {}

  /** Runs one task in the worker; resolves with its result and the id of the thread that computed it. */
  run(task: T): Promise<{ result: R; threadId: number }> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held only while a task is out: an idle worker must not keep a finished process alive.
      worker.ref();
      worker.postMessage({ id, task } satisfies TaskRequest<T>);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const file = this.entry();
    if (!file) throw new WorkerUnavailableError(`the ${this.label} worker bundle is missing; run \`npm run build:cli\``);
    const w = new Worker(file);
    w.unref();
    w.on('message', (reply: TaskReply<R>) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve({ result: reply.result, threadId: reply.threadId });
      else p.reject(this.revive(reply.error));
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (err) => fail(new Error(`${this.label} worker crashed: ${err.message}`)));
    w.on('exit', (code) => fail(new Error(`${this.label} worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }
}
