// View state, one class per page. Arrays and API answers are $state.raw and replaced whole on each refresh
// (no deep proxies over 10,000 trials); events only schedule a refresh, throttled, of what is on screen.
import type { DatabaseInfo, StudyListItem, StudySummary, TrialDetail, TrialSortKey, TrialsPage } from '../../../shared/api.js';
import type { TrialState } from '../../../shared/types.js';
import { untrack } from 'svelte';
import { api, ApiCallError } from './api.js';

export function message(e: unknown): string {
  return e instanceof ApiCallError || e instanceof Error ? e.message : String(e);
}

/** Runs `fn` at most once per `ms`, trailing call kept (bursts of reports cost one refresh); `cancel` drops a pending call. */
export function throttle(fn: () => void, ms: number): (() => void) & { cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  return Object.assign(run, {
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  });
}

/**
 * Calls `refresh` (throttled) on every tick after the one the component mounted with, and drops a pending
 * call when the component goes. Pages load themselves once at mount; an effect that also refreshed on its
 * first run loaded every page twice, and on a 10,000-trial study that second whole-study read ran on the
 * single-threaded server ahead of the page's other requests (bench/render: 2-3 summaries per page load).
 * A library left for a study page likewise must not ask for its list after the click.
 * Call it while the component initialises.
 */
export function refreshOnTick(tick: () => number, refresh: (() => void) & { cancel: () => void }): void {
  let seen = untrack(tick);
  $effect(() => {
    const now = tick();
    if (now === seen) return;
    seen = now;
    refresh();
  });
  $effect(() => () => refresh.cancel());
}

export class LibraryModel {
  studies = $state.raw<StudyListItem[]>([]);
  db = $state.raw<DatabaseInfo | null>(null);
  error = $state<string | null>(null);
  loaded = $state(false);

  async load(): Promise<void> {
    try {
      const [studies, db] = await Promise.all([api.call('studies.list', {}), api.call('db.info', {})]);
      this.studies = studies;
      this.db = db;
      this.error = null;
    } catch (e) {
      this.error = message(e);
    }
    this.loaded = true;
  }
}

export const PAGE_SIZE = 50;

export class StudyModel {
  summary = $state.raw<StudySummary | null>(null);
  page = $state.raw<TrialsPage | null>(null);
  error = $state<string | null>(null);
  sort = $state.raw<{ key: TrialSortKey; direction: 'asc' | 'desc' }>({ key: 'number', direction: 'desc' });
  states = $state.raw<TrialState[]>([]);
  text = $state('');
  offset = $state(0);

  constructor(readonly name: string) {}

  async load(): Promise<void> {
    try {
      const [summary, page] = await Promise.all([
        api.call('study.summary', { study: this.name }),
        api.call('study.trials', {
          study: this.name,
          offset: this.offset,
          limit: PAGE_SIZE,
          sort: this.sort,
          filter: { states: this.states, text: this.text },
        }),
      ]);
      this.summary = summary;
      this.page = page;
      this.error = null;
    } catch (e) {
      this.error = message(e);
    }
  }

  sortBy(key: TrialSortKey): void {
    this.sort = this.sort.key === key ? { key, direction: this.sort.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'number' ? 'desc' : 'asc' };
    this.offset = 0;
    void this.load();
  }
}

export class TrialModel {
  detail = $state.raw<TrialDetail | null>(null);
  error = $state<string | null>(null);

  constructor(
    readonly study: string,
    readonly number: number,
  ) {}

  async load(): Promise<void> {
    try {
      this.detail = await api.call('trial.detail', { study: this.study, number: this.number });
      this.error = null;
    } catch (e) {
      this.error = message(e);
    }
  }
}
