// Shapes of the analysis views (compare, importance, sensitivity) and of downloads, shared by the engine's
// CLI output (`nightshift compare --json`, `importance --json`), the API and the renderer; and the one line
// that says what a suggestion means, so the CLI, the reports and the dashboard word it alike.
import { formatNumber } from './charts/scale.js';
import type { Objective, ParamValue, Params, StateCounts } from './types.js';

/** A trial as a comparison names it. */
export interface ComparedTrial {
  number: number;
  values: Record<string, number>;
  params: Params;
  /** Present (true) when the meter flagged the trial's window short_window: its energy figures are below resolution. */
  short_window?: true;
}

/** `nightshift compare --json`. */
export interface ComparisonJson {
  /** Objectives (metric and direction) every study has. */
  objectives: Objective[];
  studies: {
    label: string;
    name: string;
    source: string;
    counts: StateCounts;
    /** Best trial per shared objective (null when none is complete). */
    best: Record<string, { number: number; value: number; params: Params; /** Present (true) when the value is an energy below the meter's resolution. */ below_resolution?: true } | null>;
    /** Pareto set on the shared objectives. */
    front: ComparedTrial[];
    total_energy_j: number | null;
  }[];
}

export interface SeriesXY {
  x: number;
  y: number;
}

/** What the compare view draws: the CLI's numbers plus the convergence lines of its HTML report. */
export interface CompareView extends ComparisonJson {
  /**
   * Per study (same order): the Pareto set of its trials whose shared objectives were all measured (none an
   * energy below the meter's resolution), which an energy axis draws; its `front` when none is below.
   */
  measured_fronts: ComparedTrial[][];
  /** Per study (same order), per shared objective: best so far as steps, by trial and by kJ spent (null unmeasured). */
  convergence: Record<string, { by_trial: SeriesXY[]; by_energy_kj: SeriesXY[] | null; /** Complete trials left out: their value is an energy below the meter's resolution. */ below_resolution: number }>[];
}

/** One study another database holds, as the compare picker lists it. */
export interface SourceStudy {
  name: string;
  objectives: Objective[];
  counts: StateCounts;
}

export interface ParamImportance {
  param: string;
  /** Share of the objective's variance this parameter explains alone; the list sums to 1 (or is all 0). */
  importance: number;
}

export type NarrowingSuggestion =
  | { param: string; kind: 'freeze'; value: ParamValue; reason: string }
  | { param: string; kind: 'narrow'; low: number; high: number; reason: string }
  | { param: string; kind: 'choices'; choices: ParamValue[]; reason: string };

/** `nightshift importance --json`. */
export interface ImportanceJson {
  study: string;
  objectives: { objective: Objective; trials: number; importance: ParamImportance[]; suggestions: NarrowingSuggestion[] }[];
}

export interface EffectPointJson {
  value: ParamValue;
  number: number;
  state: string;
  values: Record<string, number>;
  /** The best configuration (the follow-up's baseline). */
  best: boolean;
}

/** The sensitivity follow-up of a study as the dashboard shows it (the CLI's `sensitivity --json` less the file). */
export interface SensitivityView {
  /** The follow-up study, `<source>-sensitivity`. */
  study: string;
  source: string;
  objective: Objective;
  objectives: Objective[];
  state: string;
  stop_reason: string | null;
  counts: StateCounts;
  /** Trials planned when it was created (the best configuration included). */
  planned: number;
  effects: { param: string; points: EffectPointJson[]; effect: Record<string, number | null> }[];
  suggestions: NarrowingSuggestion[];
}

export type DownloadFormat = 'html' | 'csv' | 'json';

export interface Download {
  filename: string;
  mime: string;
  text: string;
}

/** One line for a suggestion: `freeze at 0.001`, `narrow to [0.01, 0.1]`, `keep only adam, sgd`. */
export function suggestionText(s: NarrowingSuggestion): string {
  if (s.kind === 'freeze') return `freeze at ${typeof s.value === 'number' ? String(+s.value.toPrecision(6)) : String(s.value)}`;
  if (s.kind === 'narrow') return `narrow to [${formatNumber(s.low)}, ${formatNumber(s.high)}]`;
  return `keep only ${s.choices.map(String).join(', ')}`;
}
