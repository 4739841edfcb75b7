// tfjs-core, loaded with require (see tf.ts for why). A module of its own so that tf.ts can load it before
// the bundled gradient functions: the first copy of tfjs-core to load owns the global Tensor class, and only
// the package's own copy wires that class to the ops (tensor.clone() failed in AddN's gradient otherwise).
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';

export const core = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof Core;
