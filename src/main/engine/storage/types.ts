// The Store contract, in two halves. `StoreReader` is everything that only looks: listing, showing,
// exporting, comparing, reports and `serve --readonly` need nothing more, and foreign sources (an Optuna
// storage) implement only it. `Store extends StoreReader` adds the writes a campaign makes; only a
// Nightshift database opened writable implements it. Every implementation must pass
// test/engine/storage/store-contract.ts (the reader half: store-reader-contract.ts).
// Rules the engine relies on:
// - Every state change of a trial happens in one transaction together with what it records
//   (reports, values, events), so a crash at any instant leaves the database consistent.
// - Finished trials (complete, pruned, failed, stopped) are immutable: any later write to them throws
//   `ImmutableTrialError`.
// - Trials are numbered 0, 1, 2, ... per study, in creation order, without gaps.
// - A running trial carries a lease (owner id + heartbeat time + the trial's process group id) so a new
//   engine can tell trials orphaned by a dead engine from trials another live engine is running.
import type { TrialProvenance } from '../../../shared/provenance.js';
import type { ParamSpec, StudySpec } from '../../../shared/spec.js';
import type { Objective, Params, StateCounts, StudyState, TrialState } from '../../../shared/types.js';
import type { NewLineage, TrialLineage } from './lineage.js';

export type { LineageKind, NewLineage, TrialLineage } from './lineage.js';
export { LINEAGE_KINDS, originText } from './lineage.js';

/** A study as any source shows it. */
export interface StudyRecord {
  id: number;
  name: string;
  /**
   * The study file as Nightshift validated it; null for a foreign source (an Optuna storage), which has
   * no trainer, sampler, budget or resources to speak of. Its search space and objectives are below.
   */
  spec: StudySpec | null;
  /** The search space (the spec's, or for a foreign source the one its trials were drawn from). */
  searchSpace: Record<string, ParamSpec>;
  objectives: Objective[];
  state: StudyState;
  stopReason: string | null;
  createdAt: string;
  /** The engine running the study and its last heartbeat (null when no engine runs it). */
  owner: string | null;
  heartbeatAt: string | null;
}

/** A study Nightshift created: its spec is always there. */
export interface NightshiftStudyRecord extends StudyRecord {
  spec: StudySpec;
  /** Hash of the parts that must not change on resume (search space, objectives, fidelity). */
  specHash: string;
}

export interface ReportRecord {
  step: number;
  metrics: Record<string, number>;
  at: string;
}

export interface TrialRecord {
  id: number;
  studyId: number;
  number: number;
  state: TrialState;
  params: Params;
  /** Fidelity value the trial runs with (e.g. epochs), or null. */
  budget: number | null;
  /** Final values of the objectives. */
  values: Record<string, number>;
  /** Other final metrics: last reported non-objective metrics and measured ones. */
  metrics: Record<string, number>;
  reason: string | null;
  /** What this trial was made from (its kind, parent trial and detail); `originText` gives it as text. */
  lineage: TrialLineage;
  /** How many times this configuration has been re-queued after an engine crash. */
  retries: number;
  startedAt: string | null;
  endedAt: string | null;
  /** Lease of a running trial. */
  owner: string | null;
  heartbeatAt: string | null;
  pgid: number | null;
  /** Slurm job id of a trial run by the Slurm executor (part of its lease), else null. */
  jobId: string | null;
  /** Where the trial ran, when the executor reported it (Slurm: the node and the GPUs it was given). */
  node: string | null;
  gpus: string | null;
}

export interface NewTrial {
  params: Params;
  budget: number | null;
  /** A parent must be an earlier trial of the same study. */
  lineage: NewLineage;
  retries?: number;
}

export interface FinishTrial {
  state: Exclude<TrialState, 'queued' | 'running'>;
  values: Record<string, number>;
  metrics: Record<string, number>;
  reason: string | null;
  /** How the measured metrics were obtained (metering provenance), kept with the trial. */
  provenance?: TrialProvenance | null;
}

/** What makes a trial a run of the finalists stage (a retry of one carries the same). */
export interface FinalistRunInfo {
  /** The search trial standing for the configuration this run validates. */
  parentNumber: number;
  seedIndex: number;
  /** The seed the run gets (NIGHTSHIFT_SEED), shared by every finalist's run of the same index. */
  seed: number;
  /** 0-based fold held out and the fold count, or both null. */
  fold: number | null;
  folds: number | null;
}

/** One point of a GPU's downsampled power and memory series (for plots). */
export interface GpuSample {
  gpu: number;
  atMs: number;
  powerW: number | null;
  memoryMb: number | null;
}

export class ImmutableTrialError extends Error {
  constructor(trialId: number, state: TrialState) {
    super(`trial ${trialId} is ${state} and can no longer change`);
    this.name = 'ImmutableTrialError';
  }
}

/** The engine that holds a study's lease: its id, last heartbeat, and when it took the study. */
export interface StudyLeaseHolder {
  owner: string;
  heartbeatAt: string | null;
  since: string | null;
}

export type StudyLeaseResult = { acquired: true } | { acquired: false; holder: StudyLeaseHolder };

/** A claim by an engine that no longer holds the study's lease (another engine took the study over). */
export class StudyLeaseLostError extends Error {
  constructor(
    readonly studyId: number,
    readonly holder: StudyLeaseHolder,
  ) {
    super(`study id ${studyId} is now held by another engine (${holder.owner})`);
    this.name = 'StudyLeaseLostError';
  }
}

/** What every study source answers: reading never changes the source. */
export interface StoreReader {
  /** The file it reads, for messages (and to tell whether two sources are one database). */
  readonly file: string;
  getStudy(name: string): StudyRecord | null;
  listStudies(): StudyRecord[];
  counts(studyId: number): StateCounts;

  getTrial(trialId: number): TrialRecord | null;
  trialByNumber(studyId: number, number: number): TrialRecord | null;
  trials(studyId: number): TrialRecord[];
  /** Trials in state running (the engine checks their leases to find those orphaned by a dead engine). */
  runningTrials(studyId: number): TrialRecord[];

  reports(trialId: number): ReportRecord[];
  /**
   * One metric's reports for every trial of a study, by trial id, in step order (one query for plots).
   * `seq` orders reports by when the store received them (rowid), where the store knows it.
   */
  metricSeries(studyId: number, metric: string): Map<number, { step: number; value: number; seq?: number }[]>;
  /** Metering provenance of a finished trial, or null when nothing was measured. */
  provenance(trialId: number): TrialProvenance | null;
  provenanceOfStudy(studyId: number): Map<number, TrialProvenance>;
  gpuSamples(studyId: number): GpuSample[];
  events(studyId: number, limit?: number): StoreEvent[];
  /** The study's latest event of `kind`, or null (one row read, however long the study's log). */
  lastEvent(studyId: number, kind: string): StoreEvent | null;
  /**
   * Changes whenever what the reader answers may have changed (a write through it or through any other
   * connection or process); the same token means every read answers as before. Reading it costs one statement.
   */
  dataVersion(): string;
  /** The study's finalist runs (retries included) by trial id (none for a foreign source). */
  finalistRuns(studyId: number): Map<number, FinalistRunInfo>;
  /** The finalist run a trial is, or null for a search trial. */
  finalistRun(trialId: number): FinalistRunInfo | null;

  close(): void;
}

export interface StoreEvent {
  at: string;
  trialId: number | null;
  kind: string;
  message: string;
}

/** Trial numbers in [from, to): one page of a study's trials. */
export interface TrialNumbers {
  from: number;
  to: number;
}

export const ALL_NUMBERS: TrialNumbers = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** A Nightshift database open for writing: the reader plus every write a campaign makes. */
export interface Store extends StoreReader {
  /** The study's trials, or only those numbered in `numbers` (a long study read in pages). */
  trials(studyId: number, numbers?: TrialNumbers): TrialRecord[];
  /** One past the study's highest trial number (0 for none): where paging through its trials ends. */
  trialNumberEnd(studyId: number): number;
  /** As StoreReader's, or only for the trials numbered in `numbers`. */
  metricSeries(studyId: number, metric: string, numbers?: TrialNumbers): Map<number, { step: number; value: number; seq?: number }[]>;
  /** Creates a study, or returns the existing one of that name unchanged. */
  createStudy(spec: StudySpec, specHash: string): { study: NightshiftStudyRecord; created: boolean };
  getStudy(name: string): NightshiftStudyRecord | null;
  listStudies(): NightshiftStudyRecord[];
  /**
   * Compare-and-set in one IMMEDIATE transaction: `owner` takes the study (state running) unless another
   * engine holds it and `holderIsLive` says that engine still runs. Two engines racing cannot both win.
   */
  acquireStudyLease(studyId: number, owner: string, holderIsLive: (holder: StudyLeaseHolder) => boolean): StudyLeaseResult;
  /** Ends `owner`'s lease with the study's new state; false (nothing written) when `owner` no longer holds it. */
  releaseStudyLease(studyId: number, owner: string, state: StudyState, stopReason: string | null): boolean;
  /** `owner` is the engine running the study (its lease, renewed by `heartbeat`); null when none is. */
  setStudyState(studyId: number, state: StudyState, stopReason: string | null, owner?: string | null): void;

  /** Adds a queued trial with the next number (and, in the same transaction, the sampler's new state if given). */
  enqueueTrial(studyId: number, trial: NewTrial, samplerState?: { name: string; state: unknown }): TrialRecord;
  samplerState(studyId: number, name: string): unknown | null;

  /**
   * Moves the oldest queued trial to running under `owner`, or returns null when none is queued. Throws
   * StudyLeaseLostError when another engine holds the study's lease.
   */
  claimQueued(studyId: number, owner: string): TrialRecord | null;
  /** Records the process group id of a running trial (after spawn). */
  setPgid(trialId: number, pgid: number): void;
  /** Records the Slurm job of a running trial (after sbatch): its lease from then on. */
  setJobId(trialId: number, jobId: string): void;
  /** Records where a running trial runs (node, GPUs as the executor gave them). */
  setPlacement(trialId: number, node: string, gpus: string | null): void;
  /** A restarted engine takes over the lease of a running trial it follows again (its job still runs). */
  adoptTrial(trialId: number, owner: string): void;
  /** Renews the lease of every trial `owner` is running. */
  heartbeat(owner: string): void;

  addReport(trialId: number, step: number, metrics: Record<string, number>): void;
  /** Finishes a running trial: state, values, metrics, reason and an event, in one transaction. */
  finishTrial(trialId: number, finish: FinishTrial): TrialRecord;
  addGpuSamples(studyId: number, samples: readonly GpuSample[]): void;

  /** Queues a finalists-stage run: the trial and what makes it one, in one transaction. */
  enqueueFinalistRun(studyId: number, trial: NewTrial, run: FinalistRunInfo): TrialRecord;

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T;

  /** Appends to the study's event log (state changes are logged by the store itself). */
  addEvent(studyId: number, trialId: number | null, kind: string, message: string): void;
}
