// The study page asks for its summary, trials page, morning summary and timeline at once, and each reads
// every trial of the study: at 10,000 trials one `store.trials` costs a few hundred milliseconds on the
// build machine, and the page polls every 5 seconds. The router reads through this cache instead: each
// study's trials (and its curves, provenance and events) are read once and kept for as long as the store's
// `dataVersion` stays the same, which any write through this connection or commit by another (a campaign
// here, `nightshift run` in a terminal, an Optuna script) changes. A finished study is read once, however
// often its page is opened. Everything this router writes, and every engine event, also clears it.
import type { StoreReader } from '../engine/storage/types.js';

type Cached = 'trials' | 'metricSeries' | 'provenanceOfStudy' | 'events' | 'counts';
const CACHED: readonly Cached[] = ['trials', 'metricSeries', 'provenanceOfStudy', 'events', 'counts'];
/** Reads kept at most (a few studies' worth); the oldest goes first. */
export const MAX_ENTRIES = 24;

export class ReadCache {
  private entries = new Map<string, unknown>();
  private version: string | null = null;

  clear(): void {
    this.entries.clear();
    this.version = null;
  }

  /**
   * A read-only view of `store` whose whole-study reads are shared while the data is unchanged. Callers must
   * not mutate what they get (the API's queries only filter, map and copy).
   */
  reader(store: StoreReader): StoreReader {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (!(CACHED as readonly (string | symbol)[]).includes(prop)) return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          const version = target.dataVersion();
          if (version !== this.version) {
            this.entries.clear();
            this.version = version;
          }
          const key = `${String(prop)}\u0000${JSON.stringify(args)}`;
          if (this.entries.has(key)) return this.entries.get(key);
          const fresh = (value as (...a: unknown[]) => unknown).apply(target, args);
          this.entries.set(key, fresh);
          if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
          return fresh;
        };
      },
    });
  }
}
