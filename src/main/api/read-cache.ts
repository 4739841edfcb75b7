// The study page asks for its summary, trials page, morning summary and timeline at once, and each reads
// every trial of the study: at 10,000 trials one `store.trials` costs about half a second on the build
// machine, four of them two seconds. The router reads through this cache instead: each study's trials (and
// its curves, provenance and events) are read once and shared for a short while. Everything this router
// writes, and every engine event, clears it; a writer in another process (`nightshift run` in a terminal)
// is seen within TTL_MS, well inside the page's 5-second poll.
import type { StoreReader } from '../engine/storage/types.js';

export const TTL_MS = 1500;

type Cached = 'trials' | 'metricSeries' | 'provenanceOfStudy' | 'events' | 'counts';
const CACHED: readonly Cached[] = ['trials', 'metricSeries', 'provenanceOfStudy', 'events', 'counts'];

export class ReadCache {
  private entries = new Map<string, { at: number; value: unknown }>();

  constructor(private readonly now: () => number = Date.now) {}

  clear(): void {
    this.entries.clear();
  }

  /**
   * A read-only view of `store` whose whole-study reads are shared while fresh. Callers must not mutate what
   * they get (the API's queries only filter, map and copy).
   */
  reader(store: StoreReader): StoreReader {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (!(CACHED as readonly (string | symbol)[]).includes(prop)) return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          const key = `${String(prop)}\u0000${JSON.stringify(args)}`;
          const hit = this.entries.get(key);
          const t = this.now();
          if (hit && t - hit.at < TTL_MS) return hit.value;
          const fresh = (value as (...a: unknown[]) => unknown).apply(target, args);
          this.entries.set(key, { at: t, value: fresh });
          return fresh;
        };
      },
    });
  }
}
