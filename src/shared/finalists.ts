// The finalists stage's results as `show --json`, the API and the reports give them.
import type { Direction, Params } from './types.js';

/** Mean and 95% t-interval over a finalist's runs (low/high null with a single run). */
export interface IntervalJson {
  n: number;
  mean: number;
  sd: number;
  low: number | null;
  high: number | null;
}

export interface FinalistJson {
  /** Validated rank, 1 = the winner. */
  rank: number;
  /** Rank the search gave the configuration. */
  search_rank: number;
  /** The search trial that stands for the configuration. */
  trial: number;
  /** The configuration as searched. */
  params: Params;
  /** The parameters its finalist runs used (the overrides applied). */
  run_params: Params;
  runs: { planned: number; complete: number; failed: number; pending: number };
  /** Search-time values: the objectives, and energy_j when measured. */
  search: Record<string, number>;
  /** Over the complete finalist runs: each objective, and energy_j when measured. */
  validated: Record<string, IntervalJson>;
  /** Search value minus validated mean, signed so that positive means the search was optimistic. */
  optimism: Record<string, number>;
  /** The `precision` parameter during the search and in the finalist runs, when the study has one. */
  precision: { search: string; validated: string } | null;
}

export interface FinalistsJson {
  /** The objective that ranks finalists (the first objective when several are validated by knee point). */
  objective: string;
  direction: Direction;
  /** Every planned run has finished (complete or failed). */
  done: boolean;
  seeds: number;
  folds: number | null;
  /** In validated order. */
  finalists: FinalistJson[];
  /** The validated winner's search trial number, or null before any run completed. */
  winner: number | null;
  /** The search's own best among the finalists. */
  search_winner: number | null;
  /** Whether the search's best is still the best after validation. */
  winner_kept: boolean | null;
  /** Kendall's tau between search and validated rankings (1: unchanged order). */
  rank_tau: number | null;
  /** Probability that `a` beats `b` on `objective` (trial numbers), for every ordered pair with runs. */
  beats: { a: number; b: number; p: number }[];
}
