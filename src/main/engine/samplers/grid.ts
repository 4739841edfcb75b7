// Grid search: the Cartesian product of every parameter's values, in plain lexicographic order (first
// parameter slowest), which is what users expect to read back from a grid. Discrete parameters use all
// their values; continuous ones get `levels` evenly spaced values (evenly in log space when log), ends
// included. Inactive conditional parameters are not multiplied in.
import type { ParamValue } from '../../../shared/types.js';
import { lerp, type SearchSpace } from '../study/space.js';
import { enumerateConfigs } from './enumerate.js';
import { usedKeys } from './dedupe.js';
import { SamplerError, type Sampler, type SamplerContext, type Suggestion } from './types.js';

export const GRID_DEFAULT_LEVELS = 5;

/** The grid sampler's persisted state: how many grid points (in order) have been issued or skipped. */
export interface GridState {
  position: number;
}

export class GridSampler implements Sampler<GridState> {
  readonly name = 'grid';
  private position: number | null = null;
  /** Live enumeration, kept between asks so each ask costs O(1) grid steps instead of O(position). */
  private cursor: { space: SearchSpace; points: Generator<Record<string, ParamValue>, void, undefined>; position: number } | null = null;
  private valueCache: { space: SearchSpace; values: Map<string, readonly ParamValue[]> } | null = null;

  constructor(private readonly levels = GRID_DEFAULT_LEVELS) {}

  ask(ctx: SamplerContext): Suggestion {
    const space = ctx.space;
    const used = usedKeys(space, ctx.trials);
    // Without persisted state, scanning from the start gives the same answer: every earlier point is
    // already among the trials and is skipped.
    let position = this.position ?? 0;
    const points = this.pointsFrom(space, position);
    for (;;) {
      const next = points.next();
      if (next.done) {
        this.position = position;
        this.cursor = null;
        return { kind: 'exhausted', reason: `grid exhausted: all ${position} points tried` };
      }
      position++;
      this.cursor = { space, points, position };
      if (!used.has(space.key(next.value))) {
        this.position = position;
        return { kind: 'params', params: next.value };
      }
    }
  }

  snapshot(): GridState | null {
    return this.position === null ? null : { position: this.position };
  }

  restore(state: GridState): void {
    const position: unknown = (state as { position?: unknown } | null)?.position;
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
      throw new SamplerError(`cannot restore grid state ${JSON.stringify(state)}: expected {"position": <non-negative integer>}`, this.name);
    }
    this.position = position;
    this.cursor = null;
  }

  /** The values the grid uses for one parameter. */
  gridValues(space: SearchSpace, name: string): readonly ParamValue[] {
    if (this.valueCache?.space !== space) this.valueCache = { space, values: new Map() };
    let values = this.valueCache.values.get(name);
    if (!values) {
      values = space.values(name) ?? evenlySpaced(space, name, this.levels);
      this.valueCache.values.set(name, values);
    }
    return values;
  }

  private pointsFrom(space: SearchSpace, position: number): Generator<Record<string, ParamValue>, void, undefined> {
    if (this.cursor && this.cursor.space === space && this.cursor.position === position) return this.cursor.points;
    const points = enumerateConfigs(space, (name) => this.gridValues(space, name));
    for (let i = 0; i < position && !points.next().done; i++);
    return points;
  }
}

function evenlySpaced(space: SearchSpace, name: string, levels: number): ParamValue[] {
  const p = space.spec(name);
  if (p.type === 'categorical') return [...p.choices];
  const out: ParamValue[] = [];
  for (let i = 0; i < levels; i++) {
    const t = i / (levels - 1);
    const x = p.log ? Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low))) : lerp(p.low, p.high, t);
    // 12 significant digits drop exp/log noise (1e-4 instead of 1.0000000000000002e-4); ends stay exact.
    const v = space.snap(name, i === 0 ? p.low : i === levels - 1 ? p.high : Number(x.toPrecision(12)));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
