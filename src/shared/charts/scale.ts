// Scales and axis ticks as plain functions: the HTML report draws them to SVG strings and the app's
// Svelte charts can use the same numbers, so a report and the app show the same axes.
// "Nice" ticks: Heckbert, "Nice numbers for graph labels", Graphics Gems (1990).

export interface Scale {
  (x: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
  log: boolean;
  ticks(count?: number): number[];
}

/** Linear map from `domain` to `range`; a zero-width domain is widened so points land mid-range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d1 > d0)) {
    const pad = d0 === 0 ? 1 : Math.abs(d0) * 0.1;
    d0 -= pad;
    d1 += pad;
  }
  const [r0, r1] = range;
  const f = ((x: number) => r0 + ((x - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, range, log: false, ticks: (count = 5) => niceTicks(d0, d1, count) });
}

/** Log10 map; the domain must be positive. Ticks at powers of ten (or nice linear ticks inside one decade). */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const lo = Math.log10(Math.max(domain[0], Number.MIN_VALUE));
  const hi = Math.log10(Math.max(domain[1], Number.MIN_VALUE));
  const inner = linearScale([lo, hi], range);
  const f = ((x: number) => inner(Math.log10(Math.max(x, Number.MIN_VALUE)))) as Scale;
  const [d0, d1] = inner.domain;
  return Object.assign(f, {
    domain: [10 ** d0, 10 ** d1] as const,
    range,
    log: true,
    ticks: (count = 5) => {
      const first = Math.ceil(d0 - 1e-9);
      const last = Math.floor(d1 + 1e-9);
      if (last - first < 1) return niceTicks(10 ** d0, 10 ** d1, count);
      const stride = Math.max(1, Math.ceil((last - first + 1) / count));
      const out: number[] = [];
      // Number('1e-4'), not 10 ** -4 (which is 0.00009999999999999999).
      for (let e = first; e <= last; e += stride) out.push(Number(`1e${e}`));
      return out;
    },
  });
}

/**
 * The same scale onto another range (a chart resized): the domain (padded, widened) is kept, so a chart
 * scans its data for the extent once and only this runs when its width changes.
 */
export function withRange(scale: Scale, range: readonly [number, number]): Scale {
  return scale.log ? logScale(scale.domain, range) : linearScale(scale.domain, range);
}

/** The 1, 2, 5 × 10^k number nearest to `x` (rounded) or at least `x` (not rounded). */
export function niceNumber(x: number, round: boolean): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const exp = Math.floor(Math.log10(x));
  const f = x / 10 ** exp;
  const nice = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * 10 ** exp;
}

/** About `count` round tick values covering [min, max] (those inside the interval). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const step = niceNumber(niceNumber(max - min, false) / Math.max(1, count - 1), true);
  const start = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = start; v <= max + step * 1e-9; v += step) out.push(cleanFloat(v, step));
  return out;
}

/** Removes binary noise (0.30000000000000004) at the tick step's precision. */
function cleanFloat(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(decimals, 20)));
}

/** Short label for a number: 3 significant digits, k/M suffixes for large values, exponent for tiny ones. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(x / 1e3).toPrecision(3)}k`;
  if (a < 1e-3) return x.toExponential(1);
  return String(+x.toPrecision(3));
}

/**
 * The scale of one chart axis over `values`: their extent padded by 4% on each side (linear), or a
 * log10 scale over the positive values when `log` is set. The report and the app both call this, so the
 * same data gets the same axis and ticks in both.
 */
export function dataScale(values: readonly number[], range: readonly [number, number], log = false): Scale {
  const e = extent(log ? values.filter((v) => v > 0) : values) ?? [0, 1];
  if (log && e[0] > 0) return logScale(e, range);
  const pad = (e[1] - e[0]) * 0.04;
  return linearScale([e[0] - pad, e[1] + pad], range);
}

/** [min, max] of finite values, or null when there are none. */
export function extent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
