// The GP sampler with its model-based step in the process's worker thread. Asks are answered in order, each
// from the state the previous one left, so suggestions are the inline sampler's, seed for seed.
import type { Sampler, SamplerContext, Suggestion } from '../types.js';
import type { GpSampler, GpSamplerState } from './sampler.js';
import { suggestWithModel } from './suggest.js';
import { GpWorkerUnavailableError, sharedGpWorker, type GpWorker } from './worker-client.js';

export interface OffThreadOptions {
  worker?: GpWorker;
  /** Told once when the worker bundle is missing and suggestions are computed on the caller's thread. */
  log?: (message: string) => void;
  /** Called with the worker's thread id after each model-based step that ran there. */
  onStep?: (threadId: number) => void;
}

/**
 * Runs `gp`'s model-based step off the caller's thread. NIGHTSHIFT_GP_INLINE=1 keeps it on the caller's
 * thread (the event-loop benchmark compares the two).
 */
export function offThread(gp: GpSampler, opts: OffThreadOptions = {}): Sampler<GpSamplerState> {
  if (process.env.NIGHTSHIFT_GP_INLINE === '1') return gp;
  return new ThreadedGpSampler(gp, opts);
}

class ThreadedGpSampler implements Sampler<GpSamplerState> {
  readonly name: string;
  private queue: Promise<unknown> = Promise.resolve();
  private inline = false;

  constructor(
    private readonly gp: GpSampler,
    private readonly opts: OffThreadOptions,
  ) {
    this.name = gp.name;
  }

  ask(ctx: SamplerContext): Promise<Suggestion> {
    const next = this.queue.then(() => this.askNow(ctx));
    this.queue = next.catch(() => undefined);
    return next;
  }

  snapshot(): GpSamplerState {
    return this.gp.snapshot();
  }

  restore(state: GpSamplerState): void {
    this.gp.restore(state);
  }

  private async askNow(ctx: SamplerContext): Promise<Suggestion> {
    const step = this.gp.prepare(ctx);
    if (step.kind === 'done') return step.suggestion;
    if (!this.inline) {
      try {
        const { outcome, threadId } = await (this.opts.worker ?? sharedGpWorker()).run(step.task);
        this.opts.onStep?.(threadId);
        return this.gp.finish(step, outcome);
      } catch (e) {
        if (!(e instanceof GpWorkerUnavailableError)) throw e;
        this.inline = true;
        this.opts.log?.(`${e.message}; the GP computes its suggestions on the main thread`);
      }
    }
    return this.gp.finish(step, suggestWithModel(step.task));
  }
}
