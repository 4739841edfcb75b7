// Which trial each `nvidia-smi --query-compute-apps` row belongs to, as pure functions of the rows, the active
// trials and two lookups (bus id → GPU index, pid → trial root), so the attribution rules are testable
// without a GPU, a process tree or a clock.
import { normalizeBusId, type GpuIdentity } from './csv-parse.js';
import type { ComputeApp } from './types.js';

/** What attribution needs to know about one running trial. */
export interface AppTrial {
  key: string;
  /** The trial's root process. */
  pid: number;
  /** Every pid seen in the trial's process tree so far. */
  pids: ReadonlySet<number>;
  gpus: readonly number[];
}

export interface AppLookups {
  /** GPU index of a compute app's bus id (null: not one of the GPUs this meter knows). */
  indexOfBus: (bus: string | null) => number | null;
  /** The root in `roots` that `pid` descends from, or null. */
  descendsFrom: (pid: number, roots: ReadonlySet<number>) => number | null;
  /** This engine's own pid: it may hold a CUDA context (TF.js) and is neither a trial nor foreign. */
  selfPid: number;
}

export interface AppAttribution {
  /** Per GPU the trials' memory shares; an empty map means split equally (some trial's memory unknown). */
  weights: Map<number, Map<string, number>>;
  /** Trials sharing a GPU with a process that belongs to no trial. */
  foreign: Set<string>;
  /** Per trial the GPU memory its processes hold now, summed over its GPUs (only when > 0). */
  memoryMb: Map<string, number>;
}

export function attributeComputeApps(apps: readonly ComputeApp[], active: readonly AppTrial[], look: AppLookups): AppAttribution {
  const roots = new Map(active.map((t) => [t.pid, t] as const));
  const rootSet = new Set(roots.keys());
  const perGpu = new Map<number, { mem: Map<string, number>; unknown: boolean; foreign: boolean }>();
  const memoryMb = new Map<string, number>();
  for (const app of apps) {
    const index = look.indexOfBus(app.bus_id);
    if (index === null) continue;
    const slot = perGpu.get(index) ?? { mem: new Map<string, number>(), unknown: false, foreign: false };
    perGpu.set(index, slot);
    let owner = active.find((t) => t.pids.has(app.pid)) ?? null;
    if (!owner) {
      const root = look.descendsFrom(app.pid, rootSet);
      owner = root === null ? null : (roots.get(root) ?? null);
    }
    if (!owner || !owner.gpus.includes(index)) {
      if (app.pid !== look.selfPid) slot.foreign = true;
      continue;
    }
    if (app.used_mb === null) slot.unknown = true;
    slot.mem.set(owner.key, (slot.mem.get(owner.key) ?? 0) + (app.used_mb ?? 0));
    memoryMb.set(owner.key, (memoryMb.get(owner.key) ?? 0) + (app.used_mb ?? 0));
  }
  for (const [key, mb] of memoryMb) if (!(mb > 0)) memoryMb.delete(key);
  const foreign = new Set<string>();
  for (const t of active) if (t.gpus.some((g) => perGpu.get(g)?.foreign)) foreign.add(t.key);
  const weights = new Map<number, Map<string, number>>();
  for (const g of new Set(active.flatMap((t) => t.gpus))) {
    const slot = perGpu.get(g);
    const w = new Map<string, number>();
    if (slot && !slot.unknown) {
      // Every trial on this GPU needs a figure, else the split falls back to equal shares.
      for (const t of active) if (t.gpus.includes(g) && slot.mem.has(t.key)) w.set(t.key, slot.mem.get(t.key) ?? 0);
    }
    weights.set(g, w);
  }
  return { weights, foreign, memoryMb };
}

/**
 * GPUs that processes other than this engine's trials compute on (another user's job, a notebook), with one
 * such pid each; they would skew both a trial's speed and its energy.
 */
export function foreignBusyGpus(apps: readonly ComputeApp[], trialPids: ReadonlySet<number>, look: AppLookups): Map<number, number> {
  const busy = new Map<number, number>();
  for (const app of apps) {
    const index = look.indexOfBus(app.bus_id);
    if (index === null || app.pid === look.selfPid || trialPids.has(app.pid)) continue;
    if (look.descendsFrom(app.pid, trialPids) !== null) continue;
    if (!busy.has(index)) busy.set(index, app.pid);
  }
  return busy;
}

/** Bus id → GPU index; a row without a bus id can only be placed on a single-GPU machine. */
export function gpuIndexOfBus(identities: readonly GpuIdentity[], bus: string | null): number | null {
  if (bus === null) return identities.length === 1 ? (identities[0]?.index ?? null) : null;
  const hit = identities.find((g) => g.bus_id !== null && normalizeBusId(g.bus_id) === bus);
  return hit ? hit.index : null;
}
