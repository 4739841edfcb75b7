// One trial's measurement window while it runs: its GPUs, CPU tree, peak memory and the flags that qualify
// its figures. Samples and sampler events update the open windows here; the meter owns the timers.
import { newCpuTrial, type CpuTrial } from './cpu-energy.js';
import type { SamplerEvent } from './gpu-sampler.js';
import type { GpuSample, MeasurementFlag } from './types.js';

// NVML clocks event reasons that mean the GPU is being held back: SW power cap, HW slowdown, SW thermal,
// HW thermal, HW power brake. (GpuIdle, application clocks, sync boost and display clocks are not throttling.)
const THROTTLE_BITS = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

export interface TrialWindow {
  key: string;
  gpus: number[];
  start: number;
  end: number | null;
  cpu: CpuTrial;
  flags: Set<MeasurementFlag>;
  notes: Set<string>;
  peakProcMemMb: number | null;
  peakDeviceMemMb: number | null;
  deviceMemShared: boolean;
}

export function openWindow(key: string, pid: number, gpuIndices: readonly number[], start: number): TrialWindow {
  return {
    key,
    gpus: [...new Set(gpuIndices)],
    start,
    end: null,
    cpu: newCpuTrial(pid),
    flags: new Set(),
    notes: new Set(),
    peakProcMemMb: null,
    peakDeviceMemMb: null,
    deviceMemShared: false,
  };
}

/** Flags throttling and tracks device memory for the open windows on the sample's GPU. */
export function applyGpuSample(windows: Iterable<TrialWindow>, s: GpuSample): void {
  const on = [...windows].filter((w) => w.end === null && w.gpus.includes(s.index));
  for (const w of on) {
    if (s.throttle_mask !== null && (s.throttle_mask & THROTTLE_BITS) !== 0) w.flags.add('throttled');
    // Device memory is a trial's own only while it is alone on the GPU.
    if (on.length === 1 && s.mem_used_mb !== null) w.peakDeviceMemMb = Math.max(w.peakDeviceMemMb ?? 0, s.mem_used_mb);
    if (on.length > 1) w.deviceMemShared = true;
  }
}

/**
 * Marks the windows a sampler event affects and returns the line the meter keeps about it (null for events
 * that need no note). A stale or restarting stream leaves a gap in every open GPU window; a vanished GPU ends
 * the samples of the trials on it.
 */
export function applySamplerEvent(windows: Iterable<TrialWindow>, e: SamplerEvent): string | null {
  if (e.type === 'garbage' || e.type === 'recovered') return null;
  const stamp = new Date(e.at).toISOString();
  if (e.type === 'vanished') {
    for (const w of windows) {
      if (w.gpus.includes(e.index)) {
        w.flags.add('gpu_vanished');
        w.notes.add(`${stamp} GPU ${e.index} stopped reporting; its samples end here`);
      }
    }
    return null;
  }
  const what = e.type === 'stale' ? `nvidia-smi silent for ${e.silent_ms} ms` : e.type === 'restart' ? `nvidia-smi restart #${e.attempt} (${e.reason})` : e.reason;
  const note = `${stamp} ${what}`;
  for (const w of windows) {
    if (w.end === null && w.gpus.length > 0) {
      w.flags.add('stale_sampler');
      w.notes.add(note);
    }
  }
  return note;
}

/** Peak GPU memory of the trial: its processes' own when nvidia-smi listed them, else the device's when unshared. */
export function peakGpuMemory(w: TrialWindow): { mb: number | null; source: 'per_process' | 'device' | 'none' } {
  if (w.peakProcMemMb !== null) return { mb: w.peakProcMemMb, source: 'per_process' };
  if (!w.deviceMemShared && w.peakDeviceMemMb !== null) return { mb: w.peakDeviceMemMb, source: 'device' };
  return { mb: null, source: 'none' };
}
