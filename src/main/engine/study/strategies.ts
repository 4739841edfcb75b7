// What the study validator asks of samplers and schedulers, and the registry shape both use. Each strategy
// type is one entry `{validate, create}`; `create` reads its options through the very function `validate`
// runs, so a study that validates is a study whose sampler and scheduler can be built. The registries
// themselves live with their strategies (samplers/index.ts, schedulers/index.ts): the validator only sees
// this interface, so study/ stays below the folders that import it.
import type { Objective } from '../../../shared/types.js';
import { closest } from './did-you-mean.js';
import { StudySpecError, type SpecIssue } from './errors.js';
import type { SearchSpace } from './space.js';
import type { ConstraintSpec, FidelitySpec, SamplerSpec } from './types.js';

/** The parts of a study a strategy may check its options against (all already valid on their own). */
export interface StrategyContext {
  space: SearchSpace;
  objectives: readonly Objective[];
  constraints: readonly ConstraintSpec[];
  fidelity: FidelitySpec | null;
}

export type StrategyOptions = Readonly<Record<string, unknown>>;

/** One sampler or scheduler type. Both methods throw StudySpecError (paths `sampler.<key>`) on bad options. */
export interface StrategyEntry<T, V, C extends V> {
  validate(options: StrategyOptions, ctx: V): void;
  create(options: StrategyOptions, ctx: C): T;
}

/** An entry whose `create` builds from what `validate`'s reading returned, so the two cannot disagree. */
export function strategyEntry<O, T, V, C extends V>(read: (options: StrategyOptions, ctx: V) => O, build: (options: O, ctx: C) => T): StrategyEntry<T, V, C> {
  return {
    validate: (options, ctx) => void read(options, ctx),
    create: (options, ctx) => build(read(options, ctx), ctx),
  };
}

/** What `parseStudySpec` needs: the sampler and scheduler registries' validation. */
export interface StrategyCatalog {
  sampler: { validate(spec: SamplerSpec, ctx: StrategyContext): SpecIssue[] };
  scheduler: { validate(spec: SamplerSpec, ctx: StrategyContext): SpecIssue[] };
}

/** Strategy types by name: validation (unknown types with a "did you mean") and creation. */
export class StrategyRegistry<T, V, C extends V> {
  private readonly entries = new Map<string, StrategyEntry<T, V, C>>();

  constructor(readonly section: 'sampler' | 'scheduler') {}

  /** Adds (or replaces) a type. */
  register(type: string, entry: StrategyEntry<T, V, C>): void {
    this.entries.set(type, entry);
  }

  /** The types this build can create, in registration order. */
  types(): string[] {
    return [...this.entries.keys()];
  }

  /** Every problem with `spec` for this study, as SpecIssues; empty when `create` will succeed. */
  validate(spec: SamplerSpec, ctx: V): SpecIssue[] {
    try {
      this.entry(spec.type).validate(spec.options, ctx);
      return [];
    } catch (e) {
      if (e instanceof StudySpecError) return e.issues;
      throw e;
    }
  }

  create(spec: SamplerSpec, ctx: C): T {
    return this.entry(spec.type).create(spec.options, ctx);
  }

  private entry(type: string): StrategyEntry<T, V, C> {
    const entry = this.entries.get(type);
    if (entry) return entry;
    const guess = closest(type, this.types());
    const hint = guess === null ? '' : ` (did you mean "${guess}"?)`;
    const message = `unknown ${this.section} ${JSON.stringify(type)}${hint}; available: ${this.types().join(', ')}`;
    throw new StudySpecError(null, [{ path: `${this.section}.type`, message }]);
  }
}
