// Where trials run. With `resources.gpus` set and NVIDIA GPUs present, each GPU offers `trials_per_gpu`
// slots and a trial sees only its GPU (CUDA_VISIBLE_DEVICES). Otherwise `resources.parallel` slots share
// the machine, and energy is attributed over all GPUs the meter sees.
import type { ResourcesSpec } from '../study/types.js';

export interface Slot {
  id: number;
  /** GPUs this slot's trial is metered on. */
  gpus: number[];
  /** CUDA_VISIBLE_DEVICES for the trial, or null to leave the environment as it is. */
  cudaVisibleDevices: string | null;
}

export function planSlots(
  resources: ResourcesSpec,
  available: readonly number[],
  busy: ReadonlyMap<number, number> = new Map(),
): { slots: Slot[]; note: string | null } {
  const shared = (n: number): Slot[] => Array.from({ length: n }, (_, id) => ({ id, gpus: [...available], cudaVisibleDevices: null }));
  if (resources.gpus === null) return { slots: shared(resources.parallel), note: null };
  if (available.length === 0) {
    return {
      slots: shared(resources.parallel),
      note: `resources.gpus is set but no NVIDIA GPU can be seen; running ${resources.parallel} trial(s) at a time without GPU placement`,
    };
  }
  const present = resources.gpus === 'all' ? [...available] : resources.gpus.filter((g) => available.includes(g));
  const missing = resources.gpus === 'all' ? [] : resources.gpus.filter((g) => !available.includes(g));
  const skipBusy = resources.allow_busy_gpus ? [] : present.filter((g) => busy.has(g));
  const wanted = present.filter((g) => !skipBusy.includes(g));
  const notes = [
    missing.length ? `resources.gpus: GPU ${missing.join(', ')} not found (found ${available.join(', ')}); skipped` : '',
    ...skipBusy.map((g) => `GPU ${g} skipped: another process (pid ${busy.get(g)}) is using it; set resources.allow_busy_gpus: true to share it`),
  ].filter(Boolean);
  const note = notes.length ? notes.join('\n') : null;
  if (wanted.length === 0 && present.length > 0) {
    return { slots: shared(resources.parallel).map((s) => ({ ...s, gpus: [] })), note: `${note}\nno free GPU left; running ${resources.parallel} trial(s) at a time without GPU placement` };
  }
  if (wanted.length === 0) return { slots: shared(resources.parallel), note };
  const slots: Slot[] = [];
  for (const g of wanted) {
    for (let k = 0; k < resources.trials_per_gpu; k++) slots.push({ id: slots.length, gpus: [g], cudaVisibleDevices: String(g) });
  }
  return { slots, note };
}
