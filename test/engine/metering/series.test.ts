import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from '../../../src/main/engine/metering/series.js';
import type { GpuSample } from '../../../src/main/engine/metering/types.js';

const sample = (t: number, power_w: number): GpuSample => ({
  index: 0,
  t,
  power_w,
  mem_used_mb: 100,
  util_pct: 50,
  temp_c: 40,
  sm_clock_mhz: null,
  power_limit_w: null,
  throttle_mask: null,
  smi_at_ms: null,
});

describe('GPU series buffer', () => {
  it('keeps one point per reading when readings jitter around the interval', () => {
    const buf = new SeriesBuffer(200);
    // nvidia-smi's timestamps of a 200 ms stream: 1-2 ms late one round, on time the next.
    [0, 202, 401, 600, 802, 1001].forEach((t, i) => buf.add(sample(t, 100 + i)));
    expect(buf.points().map((p) => p.power_w)).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it('merges readings that come faster than the interval, and halves when over its point budget', () => {
    const buf = new SeriesBuffer(200, 4);
    for (let i = 0; i < 8; i++) buf.add(sample(i * 100, i % 2 === 0 ? 100 : 200));
    expect(buf.points().map((p) => p.power_w)).toEqual([150, 150, 150, 150]);
    expect(buf.bucketMs).toBe(200);
    for (let i = 8; i < 12; i++) buf.add(sample(i * 100, 300));
    expect(buf.bucketMs).toBe(400);
    // Double-width buckets: [0, 400) and [400, 800) of the first readings, then the 300 W readings from 800 ms on.
    expect(buf.points().map((p) => [p.t_ms, p.power_w])).toEqual([[0, 150], [400, 150], [800, 300]]);
  });
});
