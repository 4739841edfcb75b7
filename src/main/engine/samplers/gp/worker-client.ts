// The host side of the GP worker thread. GP fits and acquisition optimisation take 0.05-0.2 s per ask (more
// at 1,000 trials); on the event loop that serves the window, HTTP, WebSocket pushes and the meter's nvidia-smi
// stream, that time is a frozen dashboard and smeared GPU samples. One worker per process takes the plain-data
// step (suggest.ts); the sampler's state stays with the caller.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SamplerError } from '../types.js';
import type { GpOutcome, GpTask } from './suggest.js';

export interface WorkerRequest {
  id: number;
  task: GpTask;
}

export type WorkerReply =
  | { id: number; ok: true; outcome: GpOutcome; threadId: number }
  | { id: number; ok: false; error: { name: string; message: string; stack: string }; threadId: number };

/** The worker bundle is missing (a source checkout that was never built): callers compute inline instead. */
export class GpWorkerUnavailableError extends Error {
  override readonly name = 'GpWorkerUnavailableError';
}

/**
 * The bundled worker entry. Bundles put it beside themselves (out/cli/gp-worker.mjs next to the CLI,
 * out/main/gp-worker.js next to Electron's main); run from sources (vitest), this module finds the CLI
 * build's copy, which the test setup rebuilds before every run.
 */
export function gpWorkerEntry(from: string = fileURLToPath(import.meta.url)): string | null {
  const here = path.dirname(from);
  for (const name of ['gp-worker.mjs', 'gp-worker.js']) {
    const file = path.join(here, name);
    if (existsSync(file)) return file;
  }
  for (let dir = here; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const file = path.join(dir, 'out', 'cli', 'gp-worker.mjs');
      return existsSync(file) ? file : null;
    }
  }
  return null;
}

interface Pending {
  resolve: (r: { outcome: GpOutcome; threadId: number }) => void;
  reject: (e: Error) => void;
}

export class GpWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly entry: () => string | null = () => gpWorkerEntry()) {}

  /** Runs one model-based step in the worker; resolves with its outcome and the thread that computed it. */
  run(task: GpTask): Promise<{ outcome: GpOutcome; threadId: number }> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held only while a task is out: an idle worker must not keep a finished CLI run alive.
      worker.ref();
      worker.postMessage({ id, task } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const file = this.entry();
    if (!file) throw new GpWorkerUnavailableError('the GP worker bundle is missing (out/cli/gp-worker.mjs); run `npm run build:cli`');
    const w = new Worker(file);
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve({ outcome: reply.outcome, threadId: reply.threadId });
      else p.reject(revive(reply.error));
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (err) => fail(new Error(`GP worker crashed: ${err.message}`)));
    w.on('exit', (code) => fail(new Error(`GP worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }
}

function revive(e: { name: string; message: string; stack: string }): Error {
  const err = e.name === 'SamplerError' ? new SamplerError(e.message, 'gp') : new Error(e.message);
  err.stack = e.stack;
  return err;
}

let shared: GpWorker | null = null;

/** The process's one GP worker, started on first use. */
export function sharedGpWorker(): GpWorker {
  shared ??= new GpWorker();
  return shared;
}
