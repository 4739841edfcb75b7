// The host side of the GP worker thread. GP fits and acquisition optimisation take 0.05-0.2 s per ask (more
// at 1,000 trials); on the event loop that serves the window, HTTP, WebSocket pushes and the meter's nvidia-smi
// stream, that time is a frozen dashboard and smeared GPU samples. One worker per process takes the plain-data
// step (suggest.ts) through the engine's TaskThread; the sampler's state stays with the caller.
import { fileURLToPath } from 'node:url';
import { bundledWorkerEntry, TaskThread, WorkerUnavailableError } from '../../task-thread.js';
import { SamplerError } from '../types.js';
import type { GpOutcome, GpTask } from './suggest.js';

/** The worker bundle is missing (a source checkout that was never built): callers compute inline instead. */
export class GpWorkerUnavailableError extends Error {
  override readonly name = 'GpWorkerUnavailableError';
}

/**
 * The bundled worker entry. Bundles put it beside themselves (out/cli/gp-worker.mjs next to the CLI,
 * out/main/gp-worker.js next to Electron's main); run from sources (vitest), the CLI build's copy is used.
 */
export function gpWorkerEntry(from: string = fileURLToPath(import.meta.url)): string | null {
  return bundledWorkerEntry('gp-worker', from);
}

/** A sampler error thrown in the worker stays a SamplerError here, so the campaign reports it as one. */
function revive(e: { name: string; message: string; stack: string }): Error {
  const err = e.name === 'SamplerError' ? new SamplerError(e.message, 'gp') : new Error(e.message);
  err.stack = e.stack;
  return err;
}

export class GpWorker {
  private readonly thread: TaskThread<GpTask, GpOutcome>;

  constructor(entry: () => string | null = () => gpWorkerEntry()) {
    this.thread = new TaskThread('GP', entry, revive);
  }

  /** Runs one model-based step in the worker; resolves with its outcome and the thread that computed it. */
  async run(task: GpTask): Promise<{ outcome: GpOutcome; threadId: number }> {
    try {
      const { result, threadId } = await this.thread.run(task);
      return { outcome: result, threadId };
    } catch (e) {
      if (e instanceof WorkerUnavailableError) throw new GpWorkerUnavailableError('the GP worker bundle is missing (out/cli/gp-worker.mjs); run `npm run build:cli`');
      throw e;
    }
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

let shared: GpWorker | null = null;

/** The process's one GP worker, started on first use. */
export function sharedGpWorker(): GpWorker {
  shared ??= new GpWorker();
  return shared;
}
