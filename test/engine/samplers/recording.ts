// A sampler that records every context it is asked with and always proposes x = 0.77: for the
// multi-fidelity wrapper's tests, which check what the wrapped sampler is shown, not what it suggests.
import type { Params } from '../../../src/shared/types.js';
import type { Sampler, SamplerContext, Suggestion } from '../../../src/main/engine/samplers/types.js';

export class Recording implements Sampler {
  readonly name = 'recording';
  seen: SamplerContext[] = [];
  ask(c: SamplerContext): Suggestion {
    this.seen.push(c);
    return { kind: 'params', params: { x: 0.77 } as Params };
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}
