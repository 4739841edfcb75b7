// The search space: parameter definitions, which parameters are active (conditional `when`), and the
// mapping between configurations and the unit cube that quasi-random and model-based samplers work in.
import type { ParamValue, Params } from '../../../shared/types.js';
import type { ParamSpec } from './types.js';

export class SearchSpace {
  /** Parameter names, parents before children (conditions only refer to earlier names). */
  readonly names: readonly string[];

  constructor(readonly params: Readonly<Record<string, ParamSpec>>) {
    this.names = topologicalOrder(params);
  }

  get dimension(): number {
    return this.names.length;
  }

  /** Whether `name` is active given the (partial) configuration of its parents. */
  isActive(name: string, config: Params): boolean {
    const when = this.params[name]?.when;
    if (!when) return true;
    return Object.entries(when).every(([parent, allowed]) => {
      if (!this.isActive(parent, config)) return false;
      const v = config[parent];
      return v !== undefined && allowed.some((a) => a === v);
    });
  }

  /** Maps u in [0,1] to a value of parameter `name` (respecting log, step and integer rules). */
  fromUnit(name: string, u: number): ParamValue {
    const p = this.spec(name);
    const t = Math.min(Math.max(u, 0), 1);
    if (p.type === 'categorical') {
      return p.choices[Math.min(p.choices.length - 1, Math.floor(t * p.choices.length))]!;
    }
    let x: number;
    if (p.log) {
      x = Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low)));
    } else if (p.type === 'int' || p.step !== null) {
      // Stretch by half a step on each side so every grid value gets an equal share of [0,1].
      const step = p.step ?? 1;
      const width = p.high - p.low + step;
      x = Number.isFinite(width) ? p.low - step / 2 + t * width : lerp(p.low - step / 2, p.high + step / 2, t);
    } else {
      x = lerp(p.low, p.high, t);
    }
    return this.snap(name, x);
  }

  /** Inverse of `fromUnit` (the centre of the value's share for discrete parameters). */
  toUnit(name: string, value: ParamValue): number {
    const p = this.spec(name);
    if (p.type === 'categorical') {
      const i = p.choices.findIndex((c) => c === value);
      return (Math.max(i, 0) + 0.5) / p.choices.length;
    }
    const x = Number(value);
    if (p.log) return (Math.log(x) - Math.log(p.low)) / (Math.log(p.high) - Math.log(p.low));
    if (p.type === 'int' || p.step !== null) {
      const step = p.step ?? 1;
      const width = p.high - p.low + step;
      return Number.isFinite(width) ? (x - p.low + step / 2) / width : unlerp(p.low - step / 2, p.high + step / 2, x);
    }
    return p.high === p.low ? 0.5 : unlerp(p.low, p.high, x);
  }

  /** Rounds a numeric value onto the parameter's grid and range. */
  snap(name: string, x: number): ParamValue {
    const p = this.spec(name);
    if (p.type === 'categorical') throw new Error(`snap: ${name} is categorical`);
    let v = x;
    if (p.step !== null) {
      const steps = Number.isFinite(v - p.low) ? (v - p.low) / p.step : (v / 2 - p.low / 2) / (p.step / 2);
      v = p.low + Math.round(steps) * p.step;
    }
    if (p.type === 'int') v = Math.round(v);
    v = Math.min(Math.max(v, p.low), p.high);
    // Keep decimal steps free of binary noise (0.1 * 3 = 0.30000000000000004).
    if (p.step !== null && p.type === 'float') v = Number(v.toPrecision(12));
    return v;
  }

  /** A configuration from a point of the unit cube (one coordinate per name, in `names` order). */
  fromUnitVector(u: readonly number[]): Params {
    const config: Params = {};
    this.names.forEach((name, i) => {
      if (this.isActive(name, config)) config[name] = this.fromUnit(name, u[i] ?? 0.5);
    });
    return config;
  }

  /** Drops inactive parameters and checks that every active one has a valid value. Returns a message on error. */
  check(config: Params): string | null {
    for (const name of Object.keys(config)) {
      if (!(name in this.params)) return `unknown parameter "${name}"`;
    }
    for (const name of this.names) {
      const active = this.isActive(name, config);
      const v = config[name];
      if (!active) {
        if (v !== undefined) return `parameter "${name}" is set but inactive (its "when" condition does not hold)`;
        continue;
      }
      if (v === undefined) return `parameter "${name}" is missing`;
      const p = this.spec(name);
      if (p.type === 'categorical') {
        if (!p.choices.some((c) => c === v)) return `${name}: ${JSON.stringify(v)} is not one of ${JSON.stringify(p.choices)}`;
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${name}: expected a number, got ${JSON.stringify(v)}`;
      if (v < p.low || v > p.high) return `${name}: ${v} is outside [${p.low}, ${p.high}]`;
      if (p.type === 'int' && !Number.isInteger(v)) return `${name}: expected an integer, got ${v}`;
    }
    return null;
  }

  /** Canonical key of a configuration, for duplicate detection. */
  key(config: Params): string {
    return JSON.stringify(this.names.filter((n) => config[n] !== undefined).map((n) => [n, config[n]]));
  }

  /** Number of distinct configurations, or Infinity when some parameter is continuous. */
  cardinality(): number {
    return countConfigs(this, 0, {});
  }

  /** Every value of a discrete parameter (null for continuous ones). */
  values(name: string): ParamValue[] | null {
    const p = this.spec(name);
    if (p.type === 'categorical') return [...p.choices];
    if (p.log && p.type === 'float' && p.step === null) return null;
    if (p.type === 'float' && p.step === null) return null;
    const step = p.step ?? 1;
    const n = Math.floor((p.high - p.low) / step + 1e-9) + 1;
    if (n > 1e6) return null;
    return Array.from({ length: n }, (_, i) => this.snap(name, p.low + i * step));
  }

  spec(name: string): ParamSpec {
    const p = this.params[name];
    if (!p) throw new Error(`unknown parameter "${name}"`);
    return p;
  }
}

function countConfigs(space: SearchSpace, i: number, config: Params): number {
  if (i === space.names.length) return 1;
  const name = space.names[i]!;
  if (!space.isActive(name, config)) return countConfigs(space, i + 1, config);
  const vals = space.values(name);
  if (!vals) return Infinity;
  let total = 0;
  for (const v of vals) {
    total += countConfigs(space, i + 1, { ...config, [name]: v });
    if (total > 1e9) return Infinity;
  }
  return total;
}

/** Orders names so that every parent of a `when` comes first; throws on cycles (validation reports them earlier). */
export function topologicalOrder(params: Readonly<Record<string, ParamSpec>>): string[] {
  const order: string[] = [];
  const mark = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const m = mark.get(name);
    if (m === 'done') return;
    if (m === 'visiting') throw new Error(`circular "when": ${[...path, name].join(' -> ')}`);
    mark.set(name, 'visiting');
    for (const parent of Object.keys(params[name]?.when ?? {})) {
      if (parent in params) visit(parent, [...path, name]);
    }
    mark.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(params)) visit(name, []);
  return order;
}

/**
 * The point a fraction t of the way from a to b. Ranges wider than the largest double (low -1e308, high
 * 1e308) overflow `b - a` to Infinity, which made every draw the upper bound; there the halves are used.
 */
export function lerp(a: number, b: number, t: number): number {
  const width = b - a;
  return Number.isFinite(width) ? a + t * width : 2 * (a / 2 + t * (b / 2 - a / 2));
}

/** Inverse of `lerp`: how far x lies from a towards b, as a fraction. */
export function unlerp(a: number, b: number, x: number): number {
  const width = b - a;
  return Number.isFinite(width) && Number.isFinite(x - a) ? (x - a) / width : (x / 2 - a / 2) / (b / 2 - a / 2);
}
