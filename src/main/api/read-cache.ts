// The study page asks for its summary, trials page, morning summary and timeline at once, and each reads
// every trial of the study: at 10,000 trials one `store.trials` costs a few hundred milliseconds on the
// build machine, and the page polls every 5 seconds. The router reads through this cache instead: each
// study's trials (and its curves, provenance and events) are read once and kept for as long as the store's
// `dataVersion` stays the same, which any write through this connection or commit by another (a campaign
// here, `nightshift run` in a terminal, an Optuna script) changes. A finished study is read once, however
// often its page is opened. Everything this router writes, and every engine event, also clears it.
// What the API computes from those reads (a study's fronts, quantile bands, hypervolume, energy ledger, morning
// summary, timeline) is kept the same way through `memo`: with the reads cached, that computation was most
// of a 10,000-trial page load (bench/render: about 270 ms of 290 ms on the server per load).
import type { StoreReader } from '../engine/storage/types.js';

type Cached = 'trials' | 'metricSeries' | 'provenanceOfStudy' | 'events' | 'counts';
const CACHED: readonly Cached[] = ['trials', 'metricSeries', 'provenanceOfStudy', 'events', 'counts'];
/** Reads and computed answers kept at most (a few studies' worth); the oldest goes first. */
export const MAX_ENTRIES = 32;

/** How a query asks for one of its parts to be kept: `compute()` once per key while the data is unchanged. */
export type Memo = <T>(key: string, compute: () => T) => T;
/** No keeping: every call computes (tests, one-off reads). */
export const noMemo: Memo = (_key, compute) => compute();

export class ReadCache {
  private entries = new Map<string, unknown>();
  private version: string | null = null;

  clear(): void {
    this.entries.clear();
    this.version = null;
  }

  /** The entry `key` while `store`'s data is what it was when the entry was made; else `compute()`, kept. */
  private kept<T>(store: StoreReader, key: string, compute: () => T): T {
    const version = store.dataVersion();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const fresh = compute();
    this.entries.set(key, fresh);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return fresh;
  }

  /**
   * A `Memo` over `store`'s data, its keys under `scope` (a study id). What `compute` returns must depend on
   * nothing but the store's data and the key (not on the clock), and callers must not mutate it.
   */
  memo(store: StoreReader, scope: string): Memo {
    return (key, compute) => this.kept(store, `memo\u0000${scope}\u0000${key}`, compute);
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
        return (...args: unknown[]) => this.kept(target, `${String(prop)}\u0000${JSON.stringify(args)}`, () => (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  }
}
