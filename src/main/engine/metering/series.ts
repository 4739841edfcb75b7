// Bounded per-GPU time series for plots. An overnight campaign at 500 ms is ~60k samples per GPU; plots need
// a few thousand points, so buckets double in width whenever the point budget is exceeded (mean power and
// utilization, max memory and temperature per bucket).
import type { GpuSample, GpuSeriesPoint } from './types.js';

interface Bucket {
  start: number;
  n: number;
  powerSum: number;
  powerN: number;
  utilSum: number;
  utilN: number;
  mem: number | null;
  temp: number | null;
}

const maxOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function toPoint(b: Bucket): GpuSeriesPoint {
  return {
    t_ms: b.start,
    power_w: b.powerN > 0 ? b.powerSum / b.powerN : null,
    mem_used_mb: b.mem,
    util_pct: b.utilN > 0 ? b.utilSum / b.utilN : null,
    temp_c: b.temp,
  };
}

function merge(a: Bucket, b: Bucket): Bucket {
  return {
    start: a.start,
    n: a.n + b.n,
    powerSum: a.powerSum + b.powerSum,
    powerN: a.powerN + b.powerN,
    utilSum: a.utilSum + b.utilSum,
    utilN: a.utilN + b.utilN,
    mem: maxOrNull(a.mem, b.mem),
    temp: maxOrNull(a.temp, b.temp),
  };
}

export class SeriesBuffer {
  private buckets: Bucket[] = [];
  private width: number;
  /**
   * Readings come about one interval apart, give or take scheduling: nvidia-smi's own timestamps at 199 and
   * 201 ms apart must stay two points, so a bucket takes a reading only if it starts within its width less
   * a quarter interval.
   */
  private readonly jitter: number;

  constructor(
    intervalMs: number,
    private readonly maxPoints = 2000,
  ) {
    this.width = intervalMs;
    this.jitter = intervalMs / 4;
  }

  get bucketMs(): number {
    return this.width;
  }

  add(s: GpuSample): void {
    const last = this.buckets[this.buckets.length - 1];
    const b: Bucket = {
      start: s.t,
      n: 1,
      powerSum: s.power_w ?? 0,
      powerN: s.power_w === null ? 0 : 1,
      utilSum: s.util_pct ?? 0,
      utilN: s.util_pct === null ? 0 : 1,
      mem: s.mem_used_mb,
      temp: s.temp_c,
    };
    if (last && s.t - last.start < this.width - this.jitter) this.buckets[this.buckets.length - 1] = merge(last, b);
    else this.buckets.push(b);
    if (this.buckets.length > this.maxPoints) this.halve();
  }

  private halve(): void {
    this.width *= 2;
    const out: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i] as Bucket;
      const b = this.buckets[i + 1];
      out.push(b ? merge(a, b) : a);
    }
    this.buckets = out;
  }

  points(): GpuSeriesPoint[] {
    return this.buckets.map(toPoint);
  }
}
