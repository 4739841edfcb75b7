// What the search runs next, with the sampler's next suggestion prepared while every slot is busy
// (`resources.ask_ahead`). A trial that ends frees a process that waits, idle, for the sampler's answer:
// once the GP took over, its ask took 12-94 ms on the 2-core build machine (`realtrain-gaps --marks true`),
// and a reused breast_cancer trainer process waited 21 ms (median) between trials of 30-70 ms. Asked ahead, the suggestion is ready when the slot frees and
// the process waits only for the store's writes (4 ms median where the CPU is free while trials train, as
// with GPU trials; bench/results/2026-12-01-03-30-ask-ahead-gaps.md). The price: that suggestion did not
// see the result that freed the slot (nor any that came while it was prepared), as if one more trial were
// running, which asynchronous parallel BO assumes anyway (running trials are pending in the sampler's
// view). `auto` pays that price only where the wait is worth it: more than one slot, and recent asks taking
// at least ASK_SHARE of a slot's time per trial. An hour-long GPU trial never asks ahead.
import type { Suggestion, TrialView } from '../samplers/types.js';
import { askSampler, planOf, promotionPlan, type Plan, type PlannerDeps } from './planner.js';

export type AskAheadMode = 'auto' | boolean;

/** `auto` asks ahead when recent asks take at least this share of the time a slot spends per trial. */
export const ASK_SHARE = 0.05;
/** Asks and trial starts remembered for `auto` (recent ones: the GP's asks grow with the study). */
const WINDOW = 8;

export class SearchPlanner {
  private ahead: Promise<Suggestion> | null = null;
  private readonly askMs: number[] = [];
  private readonly takenAt: number[] = [];
  private told = false;

  constructor(
    private readonly deps: PlannerDeps,
    private readonly mode: AskAheadMode,
    private readonly clock: () => number = () => performance.now(),
    /** Told once, when the first suggestion is asked ahead (a run's log says why its trials start sooner). */
    private readonly log: (message: string) => void = () => {},
  ) {}

  /**
   * The plan for a slot that is free now: a promotion the scheduler asks for as the trials stand (a
   * prepared suggestion keeps for later), else the suggestion prepared ahead, else one asked now.
   */
  async take(trials: readonly TrialView[]): Promise<Plan> {
    this.remember(this.takenAt, this.clock());
    const promotion = promotionPlan(this.deps, trials);
    if (promotion) return promotion;
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead) {
      const s = await ahead;
      // Exhausted as the trials stood then: asked again as they stand now (rare, and cheap when it happens).
      if (s.kind === 'params') return planOf(this.deps, s, trials);
    }
    return planOf(this.deps, await this.ask(trials), trials);
  }

  /** Every slot is busy: prepares the next suggestion when asking ahead pays (see `enabled`). */
  prepare(trials: readonly TrialView[], slots: number): void {
    if (this.ahead || !this.enabled(slots)) return;
    if (!this.told) {
      this.told = true;
      const why = this.mode === 'auto' ? `asks take ${Math.round(100 * this.share(slots))}% of a slot's time per trial` : 'resources.ask_ahead: true';
      this.log(`ask_ahead: the sampler's next suggestion is prepared while every slot is busy (${why})`);
    }
    this.ahead = this.ask(trials);
    // Its failure is the next take's (as an ask's failure is now); never an unhandled rejection meanwhile.
    this.ahead.catch(() => {});
  }

  /** Whether a suggestion is prepared or being prepared. */
  get prepared(): boolean {
    return this.ahead !== null;
  }

  enabled(slots: number): boolean {
    if (this.mode !== 'auto') return this.mode;
    if (slots < 2 || this.askMs.length === 0 || this.takenAt.length < 3) return false;
    return this.share(slots) >= ASK_SHARE;
  }

  /** Recent asks' mean time over a slot's time per trial (the interval between trial starts, times the slots). */
  private share(slots: number): number {
    if (this.askMs.length === 0 || this.takenAt.length < 2) return 0;
    const ask = this.askMs.reduce((a, b) => a + b, 0) / this.askMs.length;
    const first = this.takenAt[0]!;
    const last = this.takenAt[this.takenAt.length - 1]!;
    const perSlot = ((last - first) / (this.takenAt.length - 1)) * slots;
    return perSlot > 0 ? ask / perSlot : 1;
  }

  private async ask(trials: readonly TrialView[]): Promise<Suggestion> {
    const t0 = this.clock();
    const s = await askSampler(this.deps, trials);
    this.remember(this.askMs, this.clock() - t0);
    return s;
  }

  private remember(list: number[], value: number): void {
    list.push(value);
    if (list.length > WINDOW) list.shift();
  }
}
