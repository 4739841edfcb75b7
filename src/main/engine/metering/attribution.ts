// Attributes each GPU's energy to the trials running on it.
//
// Between two consecutive samples of a GPU, power is taken as linear (trapezoidal rule). The interval is cut
// at every trial start/end inside it, so a trial gets exactly the part of the interval that overlaps its
// window, with the power interpolated at its boundaries. Within each piece, the energy is split among the
// trials active on that GPU by weights that sum to 1, so the trials' sum can never exceed the device's own
// integral.
//
// Weights: nvidia-smi gives utilization per device only (`pmon`'s per-process SM% is sampled, often `-`, and
// needs a second long-lived child), so each trial's share of the GPU memory held by trial processes
// (`--query-compute-apps`) is the proxy. When any sharing trial's memory is unknown, the split is equal.
// Processes that belong to no trial get no share: their energy stays with the trials, which are then flagged
// `foreign_processes` by the meter.
export interface GpuTrialAccount {
  start: number;
  end: number | null;
  energy_j: number;
  above_idle_j: number;
  /** Time (engine ms) up to which this trial's window has been integrated on this GPU. */
  covered_until: number;
}

interface GpuState {
  last: { t: number; p: number } | null;
  baseline_w: number | null;
  device_energy_j: number;
  weights: Map<string, number>;
  trials: Map<string, GpuTrialAccount>;
}

export class GpuAttributor {
  private readonly gpus = new Map<number, GpuState>();

  private gpu(index: number): GpuState {
    let g = this.gpus.get(index);
    if (!g) {
      g = { last: null, baseline_w: null, device_energy_j: 0, weights: new Map(), trials: new Map() };
      this.gpus.set(index, g);
    }
    return g;
  }

  setBaseline(index: number, watts: number | null): void {
    this.gpu(index).baseline_w = watts;
  }

  baseline(index: number): number | null {
    return this.gpus.get(index)?.baseline_w ?? null;
  }

  /** Memory (MB) each trial's processes hold on this GPU; replaces the previous weights. */
  setWeights(index: number, weights: Map<string, number>): void {
    this.gpu(index).weights = weights;
  }

  addTrial(key: string, index: number, start: number): void {
    this.gpu(index).trials.set(key, { start, end: null, energy_j: 0, above_idle_j: 0, covered_until: start });
  }

  endTrial(key: string, index: number, end: number): void {
    const acc = this.gpus.get(index)?.trials.get(key);
    if (acc && acc.end === null) acc.end = end;
  }

  /** Removes and returns a finished trial's account on this GPU. */
  takeTrial(key: string, index: number): GpuTrialAccount | null {
    const g = this.gpus.get(index);
    const acc = g?.trials.get(key) ?? null;
    g?.trials.delete(key);
    g?.weights.delete(key);
    return acc;
  }

  account(key: string, index: number): GpuTrialAccount | null {
    return this.gpus.get(index)?.trials.get(key) ?? null;
  }

  lastSampleAt(index: number): number | null {
    return this.gpus.get(index)?.last?.t ?? null;
  }

  deviceEnergy(index: number): number {
    return this.gpus.get(index)?.device_energy_j ?? 0;
  }

  /** Integrates the interval since the previous valid power sample of this GPU. Null power is skipped. */
  addSample(index: number, t: number, powerW: number | null): void {
    if (powerW === null) return;
    const g = this.gpu(index);
    const prev = g.last;
    g.last = { t, p: powerW };
    if (!prev || t <= prev.t) return;
    const t0 = prev.t;
    const p0 = prev.p;
    g.device_energy_j += ((p0 + powerW) / 2) * ((t - t0) / 1000);
    if (g.trials.size === 0) return;
    const powerAt = (x: number): number => p0 + ((powerW - p0) * (x - t0)) / (t - t0);
    const cuts = new Set<number>([t0, t]);
    for (const acc of g.trials.values()) {
      if (acc.start > t0 && acc.start < t) cuts.add(acc.start);
      if (acc.end !== null && acc.end > t0 && acc.end < t) cuts.add(acc.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i] as number;
      const b = points[i + 1] as number;
      const active = [...g.trials.entries()].filter(([, acc]) => acc.start <= a && (acc.end === null || acc.end >= b));
      if (active.length === 0) continue;
      const dt = (b - a) / 1000;
      const energy = ((powerAt(a) + powerAt(b)) / 2) * dt;
      const idle = (g.baseline_w ?? 0) * dt;
      const shares = splitShares(active.map(([key]) => g.weights.get(key)));
      active.forEach(([, acc], j) => {
        const share = shares[j] ?? 0;
        acc.energy_j += share * energy;
        acc.above_idle_j += share * (energy - idle);
        acc.covered_until = Math.max(acc.covered_until, b);
      });
    }
  }
}

/** Shares proportional to known positive weights; equal when any weight is unknown or all are zero. */
export function splitShares(weights: ReadonlyArray<number | undefined>): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const known = weights.every((w) => w !== undefined && Number.isFinite(w) && w >= 0);
  const total = known ? weights.reduce<number>((s, w) => s + (w ?? 0), 0) : 0;
  if (!known || total <= 0) return weights.map(() => 1 / n);
  return weights.map((w) => (w ?? 0) / total);
}

/** Trapezoidal integral of (t ms, W) points, in joules. */
export function trapezoidJoules(points: ReadonlyArray<{ t: number; w: number }>): number {
  let j = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { t: number; w: number };
    const b = points[i] as { t: number; w: number };
    j += ((a.w + b.w) / 2) * ((b.t - a.t) / 1000);
  }
  return j;
}
