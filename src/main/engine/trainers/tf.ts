// The one door to TF.js for the trainer: tfjs-core and its gradient functions, not the @tensorflow/tfjs
// umbrella package. Every short trial of a multi-fidelity study pays the trainer's start-up again, and two
// parts of it were TF.js loading, not training (profiled with --cpu-prof, 2-core build machine):
// - the umbrella also loads tfjs-layers, tfjs-converter, tfjs-data and the webgl and cpu backends (about
//   5.8 MB of JavaScript) that a trainer built on core ops never calls;
// - an ES `import` of a CommonJS package makes Node scan its whole source for export names
//   (cjs-module-lexer: about 100 ms of CPU for tfjs-core and the wasm backend); `require` does not.
// The gradient functions ship only as ES modules inside tfjs-core/dist: scripts/build-cli.mjs bundles them
// into the trainer, where they register into tfjs-core's global registry, as the umbrella's own bundle does.
// Order matters: tf-core.js first (it says why), then the gradients.
import { core } from './tf-core.js';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export type { GradSaveFunc, Scalar, Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';

// The ops the built-in models, losses and optimizers use; tsc names any new one that is missing here.
export const {
  add,
  addN,
  argMax,
  cast,
  conv2d,
  customGrad,
  dispose,
  div,
  dropout,
  elu,
  equal,
  keep,
  losses,
  matMul,
  memory,
  maxPool,
  mul,
  oneHot,
  ready,
  Reduction,
  relu,
  reshape,
  scalar,
  setBackend,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  tensor,
  tensor1d,
  tensor2d,
  tidy,
  transpose,
  variable,
  variableGrads,
  zeros,
  zerosLike,
} = core;
