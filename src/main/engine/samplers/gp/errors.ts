// Typed failures of the GP sampler (after BoTorch's `exceptions/errors.py`): the sampler catches these on
// purpose and falls back to quasi-random search, recording the reason; anything else is a bug and propagates.
import { SamplerError } from '../types.js';

/** The surrogate could not be fitted: too few or degenerate observations, or a covariance that will not factor. */
export class GPFitError extends SamplerError {
  constructor(message: string) {
    super(message, 'gp');
    this.name = 'GPFitError';
  }
}
