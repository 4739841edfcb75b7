// The API contract between the engine-side router (src/main/api) and every client: the renderer through
// Electron IPC (src/preload) or HTTP + WebSocket (`nightshift serve`). One typed map of methods
// (name → request/response) and one of pushed events (name → payload). Types only, plus the name lists the
// transports register, so the renderer bundle pulls in nothing from the engine.
import type { CompareView, Download, DownloadFormat, ImportanceJson, SensitivityView, SourceStudy } from './analysis.js';
import type { FinalistsJson } from './finalists.js';
import type { TrialProvenance } from './provenance.js';
import type { ParamSpec, StudySpec } from './spec.js';
import type { MorningSummary, StudyTimeline } from './study-views.js';
import type { Objective, ParamValue, Params, StateCounts, StudyExportJson, StudyState, TrialJson, TrialState } from './types.js';

export type { MorningSummary, StudyTimeline } from './study-views.js';

/** Sort keys of the trials table: a column, or `value.<metric>` / `metric.<name>` / `param.<name>`. */
export type TrialSortKey = 'number' | 'state' | 'started_at' | 'ended_at' | `value.${string}` | `metric.${string}` | `param.${string}`;

export interface TrialsQuery {
  study: string;
  offset?: number;
  /** At most 1000 rows per page. */
  limit?: number;
  sort?: { key: TrialSortKey; direction: 'asc' | 'desc' };
  filter?: { states?: TrialState[]; /** Substring matched against the trial's params and reason. */ text?: string; ranges?: TrialRange[] };
}

/** A brushed axis: trials whose value at `key` lies in [min, max] (either end open), or is one of `values`. */
export interface TrialRange {
  key: TrialSortKey;
  min?: number;
  max?: number;
  values?: ParamValue[];
}

export interface StudyListItem {
  name: string;
  state: StudyState;
  created_at: string;
  /** Time of the last trial start or end, null before the first trial. */
  updated_at: string | null;
  counts: StateCounts;
  objectives: Objective[];
  /** The best value of each objective over complete trials. */
  best: Record<string, number>;
  /**
   * Objectives whose best value is an energy figure below the meter's resolution (its trial's window was
   * flagged short_window, or it is a stored 0 J): shown as "below resolution", never as the number.
   */
  best_below_resolution: string[];
  /** Sum of the measured `energy_j` of all trials (0 until metering reports it). */
  energy_j: number;
  stop_reason: string | null;
  /** Whether a campaign for it runs in this process (and can be paused or stopped from here). */
  active: boolean;
}

export interface BudgetUse {
  /** Spent so far, in the unit of the budget (trials, seconds, joules, grams). */
  used: number;
  /** The budget's limit, or null when the study sets none. */
  limit: number | null;
}

/** One complete trial as a point of the objective space (all objectives present and finite). */
export interface ObjectivePoint {
  number: number;
  values: Record<string, number>;
  params: Params;
  /** 0 for the Pareto set (the single best for one objective), 1 for the next front, and so on. */
  front: number;
  /**
   * Present (true) when the meter flagged the trial's window short_window: too short for its sampling, so
   * its energy figures (energy_j, co2_g, cost) are rough and shown as below resolution. Absent otherwise,
   * which keeps a 10,000-point summary small.
   */
  short_window?: true;
  /**
   * Present (true) on the first front of the trials whose energy objectives were measured (none below the
   * meter's resolution), only in a study that has trials below it: the front an energy axis draws, since the
   * trials below resolution cannot be placed on it.
   */
  front_measured?: true;
}

export interface SeriesPoint {
  x: number;
  y: number;
}

export interface StudySummary {
  name: string;
  state: StudyState;
  stop_reason: string | null;
  created_at: string;
  objectives: Objective[];
  counts: StateCounts;
  /** The study as written (normalized); null for a study from another tool (an Optuna storage). */
  spec: StudySpec | null;
  /** The search space: the spec's, or for a study from another tool the one its trials were drawn from. */
  search_space: Record<string, ParamSpec>;
  /**
   * Trials on the first front (one best trial for a single objective), in trial order; a front of more than
   * 100 trials is sampled evenly along the first objective (every front point is in `points`).
   */
  pareto: TrialJson[];
  /** Trials on the first front. */
  pareto_total: number;
  /**
   * The finalists stage's validated winner (its search trial): what the study calls best once it has one;
   * null before, when `pareto` is the best. Finalist runs never enter the search's fronts, points or series.
   */
  validated_best: TrialJson | null;
  /** The finalists stage's results, null when the study has no finalist runs. */
  finalists: FinalistsJson | null;
  /** Finalist runs by state; `counts` is the search's trials alone. */
  finalist_counts: StateCounts;
  /**
   * Complete trials with all objective values, with their front: every front point, and at 10,000 trials one
   * dominated point per small cell of the objective space (see `points_total`).
   */
  points: ObjectivePoint[];
  /** Complete trials with all objective values, before decimation. */
  points_total: number;
  /** Best value of the first objective so far, against trial number and against cumulative energy_j. */
  best_so_far: {
    by_trial: SeriesPoint[];
    by_energy: SeriesPoint[];
    /** Complete trials left out: their first objective is an energy below the meter's resolution (no figure to be best with). */
    below_resolution: number;
  };
  budget: BudgetSummary;
  active: boolean;
  /** Every trial's curve of the first objective against step, downsampled; null without objectives. */
  curves: LearningCurves | null;
  /**
   * Hypervolume of the front so far (all objectives turned into minimization, reference point: the worst
   * value of each objective over the complete trials plus a margin), against trial number and against
   * cumulative energy_j; trials below the meter's resolution on an energy objective count in neither.
   * Null for one objective or more than three; empty series (no reference) when every trial is below.
   */
  hypervolume: {
    reference: Record<string, number>;
    by_trial: SeriesPoint[];
    by_energy: SeriesPoint[];
    /** Complete trials left out of the volume and the reference: an energy objective of theirs is below the meter's resolution. */
    below_resolution: number;
  } | null;
  /** GPU power and memory: the live meter's series while a campaign runs here, else the stored series. */
  gpu: { live: boolean; gpus: GpuTrace[] };
}

export interface BudgetSummary {
  trials: BudgetUse;
  wall_time_s: BudgetUse;
  energy_j: BudgetUse;
  co2_g: BudgetUse;
}

/** Quantiles of many learning curves' values at one step (or step bin); `n` curves had a value there. */
export interface CurveBand {
  x: number;
  q10: number;
  q25: number;
  q50: number;
  q75: number;
  q90: number;
  n: number;
}

export interface LearningCurves {
  metric: string;
  /**
   * Each trial's curve; with bands (many trials), only the best few and the running ones, drawn over them.
   */
  trials: {
    number: number;
    state: TrialState;
    budget: number | null;
    points: SeriesPoint[];
    /**
     * Running trials under a curve-predicting scheduler (`scheduler: {type: curve}`): the value its curve is
     * heading for at step `horizon`, with the central 90% band. Absent otherwise.
     */
    predicted?: { mean: number; lo: number; hi: number; horizon: number };
  }[];
  /** Quantile bands over every trial's curve when there are too many to draw one by one, else null. */
  bands: CurveBand[] | null;
  /** Trials with a curve (all of them, also those summarised by the bands). */
  trial_count: number;
  /** Distinct fidelity budgets of the trials (the rungs a multi-fidelity scheduler stops at), ascending. */
  rungs: number[];
  /** Report points over all trials before downsampling. */
  total_points: number;
}

/** One GPU's power and memory over time (epoch milliseconds); null where a sample could not be read. */
export interface GpuTrace {
  gpu: number;
  points: { t_ms: number; power_w: number | null; memory_mb: number | null }[];
}

export interface TrialsPage {
  total: number;
  offset: number;
  trials: TrialJson[];
}

export interface TrialDetail {
  study: string;
  trial: TrialJson & {
    origin: string;
    budget: number | null;
    retries: number;
    /** Where it ran: the Slurm job id (null for local trials), node and GPUs when the executor reported them. */
    jobId: string | null;
    node: string | null;
    gpus: string | null;
  };
  /** Reports in step order, downsampled to at most `MAX_REPORT_POINTS` (first and last kept). */
  reports: { step: number; metrics: Record<string, number>; at: string }[];
  report_count: number;
  /** argv and cwd the trial ran with (command.json in its folder), null before it launched. */
  command: { argv: string[]; cwd: string } | null;
  /** The last ~200 lines of each log. */
  logs: { stdout: string; stderr: string };
  /** Study event log entries about this trial (state changes, reasons). */
  events: { at: string; kind: string; message: string }[];
  /** Power and memory of the trial's GPUs within its measured window (empty when nothing was sampled). */
  power: GpuTrace[];
}

export interface SpecIssueJson {
  path: string;
  message: string;
}

export interface DatabaseInfo {
  file: string;
  readonly: boolean;
  artifacts: string;
  /** An Optuna storage is always shown read-only. */
  kind: 'nightshift' | 'optuna';
}

export const MAX_REPORT_POINTS = 2000;
export const LOG_TAIL_LINES = 200;

/** Every method: its request and response. */
export interface ApiMethods {
  'db.info': { request: Record<string, never>; response: DatabaseInfo };
  /** Studies of another database file (Nightshift or Optuna, opened read-only), or of this one without `file`. */
  'compare.sources': { request: { file?: string }; response: { file: string; studies: SourceStudy[] } };
  /** Studies side by side, each from this database or the `file` given: `nightshift compare --json` and its lines. */
  'studies.compare': { request: { studies: { study: string; file?: string }[] }; response: CompareView };
  /** `nightshift importance --json`: fANOVA importance per objective (or the one named) and suggestions. */
  'study.importance': { request: { study: string; objective?: string }; response: ImportanceJson };
  /** The sensitivity follow-up of a study and its effects, null before one was started. */
  'study.sensitivity': { request: { study: string; objective?: string }; response: SensitivityView | null };
  /** Creates `<study>-sensitivity` around the best trial on `objective` (as `nightshift sensitivity`) and runs it here. */
  'sensitivity.start': { request: { study: string; points?: number; objective?: string }; response: { study: string; created: boolean; planned: number } };
  /** A file to save: the HTML report (as `nightshift export --format html`), CSV or JSON. */
  'study.download': { request: { study: string; format: DownloadFormat }; response: Download };
  /** The stored study written back as a study file (object and YAML), to duplicate and edit. */
  'study.source': { request: { study: string }; response: { study: Record<string, unknown>; yaml: string } };
  /** Switches this window/server to another database file (refused while a campaign runs here). */
  'db.open': { request: { file: string; readonly?: boolean }; response: DatabaseInfo };
  'studies.list': { request: Record<string, never>; response: StudyListItem[] };
  'study.summary': { request: { study: string }; response: StudySummary };
  'study.trials': { request: TrialsQuery; response: TrialsPage };
  /** What happened since the last campaign run started ('run', the default), since the study began, or since an ISO time. */
  'study.morning': { request: { study: string; since?: string }; response: MorningSummary };
  /** Every started trial as a bar on its GPU slot or parallel lane over wall-clock time. */
  'study.timeline': { request: { study: string }; response: StudyTimeline };
  'study.export': { request: { study: string }; response: StudyExportJson };
  /** Parses study text and reports every problem with its path; `name` when it is valid. */
  'study.validate': { request: { text: string; format?: 'yaml' | 'json'; file?: string }; response: { ok: boolean; issues: SpecIssueJson[]; name: string | null } };
  'trial.detail': { request: { study: string; number: number }; response: TrialDetail };
  /** Ends a running trial of a campaign running here; it ends as `stopped` and is not run again. */
  'trial.stop': { request: { study: string; number: number; reason?: string }; response: { stopped: boolean } };
  /** Queues a configuration (checked against the search space); a running campaign runs it next. */
  'trial.enqueue': { request: { study: string; params: Params }; response: { number: number } };
  /**
   * Writes a study (checked as `study.validate` does) to a new file: YAML, or JSON when the name ends in
   * .json. Never overwrites. A relative path is taken from the database's folder. `start` runs it too.
   */
  'study.create': { request: { file: string; study: Record<string, unknown>; start?: boolean }; response: { file: string; name: string; started: boolean } };
  /** Starts (or resumes) a campaign from a study file, or resumes an existing study by name. */
  'campaign.start': { request: { file: string } | { study: string }; response: { study: string; state: StudyState } };
  /** Stops launching and interrupts running trials; they run again on resume. The study becomes idle. */
  'campaign.pause': { request: { study: string }; response: { study: string; state: StudyState } };
  /** Like pause, then marks the study finished with the reason. */
  'campaign.stop': { request: { study: string; reason?: string }; response: { study: string; state: StudyState } };
}

export type ApiMethod = keyof ApiMethods;
export type ApiRequest<M extends ApiMethod> = ApiMethods[M]['request'];
export type ApiResponse<M extends ApiMethod> = ApiMethods[M]['response'];

export const API_METHODS = [
  'db.info',
  'db.open',
  'studies.list',
  'study.summary',
  'study.trials',
  'study.morning',
  'study.timeline',
  'study.export',
  'study.validate',
  'study.create',
  'trial.detail',
  'trial.stop',
  'trial.enqueue',
  'campaign.start',
  'campaign.pause',
  'campaign.stop',
  'compare.sources',
  'studies.compare',
  'study.importance',
  'study.sensitivity',
  'sensitivity.start',
  'study.download',
  'study.source',
] as const satisfies readonly ApiMethod[];

// Compile-time check that the list names every method exactly.
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

/** Pushed events: name → payload. */
export interface ApiEvents {
  study: { study: string; state: StudyState; reason: string | null };
  'trial-state': { study: string; number: number; state: TrialState; reason: string | null };
  report: { study: string; number: number; step: number; metrics: Record<string, number> };
  /** What Nightshift measured for a trial that just finished (only when it measured something). */
  measurement: { study: string; number: number; metrics: Record<string, number>; provenance: TrialProvenance | null };
  /** Budget use after each finished trial. */
  budget: { study: string; budget: BudgetSummary };
  log: { level: 'info' | 'warn'; message: string };
  /** The database this client looks at changed (`db.open`). */
  db: DatabaseInfo;
}

export type ApiEventName = keyof ApiEvents;
export const API_EVENTS = ['study', 'trial-state', 'report', 'measurement', 'budget', 'log', 'db'] as const satisfies readonly ApiEventName[];

export type ApiEvent = { [E in ApiEventName]: { event: E; payload: ApiEvents[E] } }[ApiEventName];

export type ApiErrorCode = 'unknown_method' | 'invalid_request' | 'not_found' | 'conflict' | 'invalid_study' | 'readonly' | 'internal';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** For `invalid_request` and `invalid_study`: each problem with its path. */
  issues?: SpecIssueJson[];
}

export type ApiResult<M extends ApiMethod> = { ok: true; result: ApiResponse<M> } | { ok: false; error: ApiError };

/** The desktop-only calls: native dialogs, each on its own IPC channel; null when the user cancels. */
export interface DesktopDialogs {
  pickFile(kind: 'study' | 'database'): Promise<string | null>;
  saveExport(study: string, format: 'json' | 'csv'): Promise<string | null>;
  /** The study's HTML report printed to PDF where a save dialog says; the file's path, null on cancel. */
  saveReportPdf(study: string): Promise<string | null>;
}
export type DesktopChannel = keyof DesktopDialogs;

/** What the preload exposes as `window.nightshift` (Electron only). */
export interface DesktopBridge extends DesktopDialogs {
  invoke<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResult<M>>;
  /** Returns the function that unsubscribes. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** IPC channel names (Electron). Main registers exactly these handlers. */
export const IPC_INVOKE_PREFIX = 'nightshift:api:';
export const IPC_EVENT_CHANNEL = 'nightshift:event';
/** One channel per desktop call, by name: the preload and main both look channels up here, never by position. */
export const IPC_DESKTOP_CHANNELS = {
  pickFile: 'nightshift:pick-file',
  saveExport: 'nightshift:save-export',
  saveReportPdf: 'nightshift:save-report-pdf',
} as const satisfies { [C in DesktopChannel]: `nightshift:${string}` };
export function ipcChannel(method: ApiMethod): string {
  return IPC_INVOKE_PREFIX + method;
}
