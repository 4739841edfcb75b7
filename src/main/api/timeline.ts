// Every started trial of a study as a bar on a lane over wall-clock time, for the study page's timeline.
// The store does not keep which slot a trial ran in, so lanes are rebuilt from the trials themselves: a
// trial metered on one GPU goes to that GPU's lanes, and trials are packed into the first lane free at
// their start (interval partitioning, which needs exactly as many lanes as trials ever ran at once — the
// number of slots the campaign had busy).
import type { TrialProvenance } from '../../shared/provenance.js';
import type { StudyTimeline } from '../../shared/study-views.js';
import { TRIAL_STATES } from '../../shared/types.js';
import type { StoreReader, StudyRecord, TrialRecord } from '../engine/storage/types.js';
import { noMemo, type Memo } from './read-cache.js';

/** Gaps shorter than this share of the whole span are launch overhead, not idle time worth marking. */
const GAP_SHARE = 0.005;
const GAP_MIN_MS = 1000;

/** The GPU a trial was metered on, when exactly one (provenance.gpu.energy_by_gpu_j has its index). */
function gpuOf(p: TrialProvenance | undefined): number | null {
  const by = p?.gpu?.energy_by_gpu_j;
  if (!by) return null;
  const keys = Object.keys(by).map(Number).filter(Number.isInteger);
  return keys.length === 1 ? keys[0]! : null;
}

/** The lanes a trial belongs to: its Slurm node (and the GPUs Slurm gave it), else the GPU it was metered on. */
function groupOf(t: TrialRecord, p: TrialProvenance | undefined): string {
  if (t.node !== null) return t.gpus ? `${t.node} GPU ${t.gpus}` : t.node;
  const gpu = gpuOf(p);
  return gpu === null ? '' : `GPU ${gpu}`;
}

/** The trial a promoted one continues from (its lineage parent), or -1. */
function parentOf(t: TrialRecord): number {
  return t.lineage.kind === 'promote' ? (t.lineage.parentNumber ?? -1) : -1;
}

interface Placed {
  t: TrialRecord;
  start: number;
  end: number;
  group: string;
}

/**
 * `memo` keeps the bars while the data is unchanged and no trial runs (a running trial's bar ends now, so it
 * grows with the clock); `now_ms` is always the clock's.
 */
export function studyTimeline(store: StoreReader, study: StudyRecord, now: number, memo: Memo = noMemo): StudyTimeline {
  if (store.counts(study.id).running > 0) return timelineOf(store, study, now);
  return { ...memo('timeline', () => timelineOf(store, study, now)), now_ms: now };
}

function timelineOf(store: StoreReader, study: StudyRecord, now: number): StudyTimeline {
  const provenance = store.provenanceOfStudy(study.id);
  const placed: Placed[] = [];
  for (const t of store.trials(study.id)) {
    if (t.startedAt === null) continue;
    const start = Date.parse(t.startedAt);
    const end = t.endedAt !== null ? Date.parse(t.endedAt) : t.state === 'running' ? now : start;
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    placed.push({ t, start, end: Math.max(start, end), group: groupOf(t, provenance.get(t.id)) });
  }
  placed.sort((a, b) => a.start - b.start || a.t.number - b.t.number);

  // Per group (one GPU, or the shared pool), the first lane whose last trial has ended.
  const lanesOf = new Map<string, { label: number; free: number }[]>();
  const laneIndex = new Map<string, number>();
  const labels: string[] = [];
  const laneOfBar: number[] = [];
  for (const p of placed) {
    let lanes = lanesOf.get(p.group);
    if (!lanes) lanesOf.set(p.group, (lanes = []));
    let k = lanes.findIndex((l) => l.free <= p.start);
    if (k < 0) {
      lanes.push({ label: lanes.length, free: p.end });
      k = lanes.length - 1;
    } else lanes[k]!.free = p.end;
    const key = `${p.group}#${k}`;
    let index = laneIndex.get(key);
    if (index === undefined) {
      index = labels.length;
      laneIndex.set(key, index);
      labels.push(p.group === '' ? `lane ${k + 1}` : k === 0 ? p.group : `${p.group} · ${k + 1}`);
    }
    laneOfBar.push(index);
  }
  // Lanes in a stable, readable order: GPUs by index, then slots; shared lanes by number.
  const order = labels.map((l, i) => ({ l, i })).sort((a, b) => a.l.localeCompare(b.l, 'en', { numeric: true }));
  const remap = new Map(order.map((o, k) => [o.i, k]));
  const lane = laneOfBar.map((i) => remap.get(i)!);

  const startMs = placed.length ? placed[0]!.start : null;
  const endMs = placed.length ? placed.reduce((m, p) => Math.max(m, p.end), -Infinity) : null;
  const span = startMs !== null && endMs !== null ? endMs - startMs : 0;
  const gapMin = Math.max(GAP_MIN_MS, span * GAP_SHARE);
  const gaps: StudyTimeline['gaps'] = [];
  let idle = 0;
  const byLane = new Map<number, Placed[]>();
  placed.forEach((p, i) => {
    let list = byLane.get(lane[i]!);
    if (!list) byLane.set(lane[i]!, (list = []));
    list.push(p);
  });
  for (const [l, list] of byLane) {
    // A lane exists from its first trial on (a running trial is not metered yet, so its GPU lane is unknown
    // and it opens a lane of its own); idle time counts from there to the study's last end.
    let free = list[0]!.start;
    for (const p of list) {
      if (p.start > free) {
        idle += p.start - free;
        if (p.start - free >= gapMin) gaps.push({ lane: l, start_ms: free, end_ms: p.start });
      }
      free = Math.max(free, p.end);
    }
    if (endMs! > free) {
      idle += endMs! - free;
      if (endMs! - free >= gapMin) gaps.push({ lane: l, start_ms: free, end_ms: endMs! });
    }
  }
  return {
    study: study.name,
    now_ms: now,
    start_ms: startMs,
    end_ms: endMs,
    lanes: order.map((o) => o.l),
    states: [...TRIAL_STATES],
    bars: {
      number: placed.map((p) => p.t.number),
      lane,
      start: placed.map((p) => p.start - startMs!),
      duration: placed.map((p) => p.end - p.start),
      state: placed.map((p) => TRIAL_STATES.indexOf(p.t.state)),
      parent: placed.map((p) => parentOf(p.t)),
    },
    // Sparse: only trials that ran as batch jobs (the Slurm executor) have one.
    jobs: Object.fromEntries(placed.filter((p) => p.t.jobId !== null).map((p) => [p.t.number, p.t.jobId!])),
    gaps,
    gap_min_ms: gapMin,
    idle_fraction: span > 0 && byLane.size > 0 ? idle / (span * byLane.size) : null,
  };
}
