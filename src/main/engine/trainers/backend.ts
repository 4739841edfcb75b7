// Picks the fastest TF.js backend that loads here: tfjs-node-gpu (CUDA) → tfjs-node (native CPU) → the wasm
// backend for dense models → the plain-JS cpu backend. Each skipped option keeps its reason, because "why is
// my GPU not used" is the first question a user asks; the trainer prints it and writes backend.json.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from './tf.js';
import type { ModelKind } from './config.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** TF.js backend in use ('tensorflow' is the native binding of tfjs-node or tfjs-node-gpu). */
  backend: BackendName;
  /** The package that provides it. */
  package: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs-backend-wasm' | '@tensorflow/tfjs-backend-cpu';
  /** True only when tfjs-node-gpu loaded (TensorFlow may still run on CPU if it finds no usable device). */
  gpu: boolean;
  /** Why each faster option was skipped, in the order tried, e.g. "tfjs-node-gpu: not installed". */
  fallbacks: string[];
  /** One line for logs and `nightshift gpus`: "wasm (tfjs-node-gpu: not installed; tfjs-node: not installed)". */
  summary: string;
}

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Turns a failed import into a short reason: "not installed", "libcudart.so.11.0 missing", or the error's first line. */
export function describeLoadError(pkg: string, err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const missingModule = e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND';
  if (missingModule && message.includes(pkg)) return 'not installed';
  // dlopen failures name the shared library: "libcudart.so.11.0: cannot open shared object file".
  const lib = /\b(lib[\w+-]+\.so(?:\.\d+)*)\b/.exec(message);
  if (lib) return `${lib[1]} missing or not loadable`;
  const first = message.split('\n')[0]?.trim() ?? '';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first || 'failed to load';
}

// Backends load with require, not import: see tf.ts (an ES import of a CommonJS package scans its source).
const require = createRequire(import.meta.url);

function requireOptional(pkg: string): void {
  // A variable specifier keeps TypeScript and esbuild from requiring the optional package at build time.
  const specifier: string = pkg;
  require(specifier);
}

let chosen: { model: ModelKind; info: BackendInfo } | null = null;

/**
 * Loads and activates the backend for `model` (once per process). CNNs never get wasm: TF.js 4.22's wasm
 * backend has no Conv2DBackpropFilter kernel, so conv layers cannot be trained there.
 */
export async function initBackend(model: ModelKind = 'mlp'): Promise<BackendInfo> {
  if (chosen && (chosen.model === model || chosen.info.backend !== 'wasm')) return chosen.info;
  const fallbacks: string[] = chosen ? chosen.info.fallbacks.filter((f) => !f.startsWith('wasm')) : [];
  if (!chosen) {
    for (const pkg of NATIVE) {
      try {
        requireOptional(pkg);
        if (await tf.setBackend('tensorflow')) {
          await tf.ready();
          return remember(model, { backend: 'tensorflow', package: pkg, gpu: pkg.endsWith('-gpu'), fallbacks });
        }
        fallbacks.push(`${short(pkg)}: loaded but the tensorflow backend did not initialise`);
      } catch (err) {
        fallbacks.push(`${short(pkg)}: ${describeLoadError(pkg, err)}`);
      }
    }
  }
  if (model === 'cnn') {
    fallbacks.push('wasm: no conv2d gradient kernel (Conv2DBackpropFilter) in TF.js wasm');
  } else {
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof Wasm;
      // The .wasm files ship in node_modules; never fetch them from a CDN (offline machines, reproducibility).
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return remember(model, { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, fallbacks });
      }
      fallbacks.push('wasm: backend did not initialise');
    } catch (err) {
      fallbacks.push(`wasm: ${describeLoadError('@tensorflow/tfjs-backend-wasm', err)}`);
    }
  }
  // Loaded only here, like every backend: a trial that trains on wasm or tensorflow never needs this one, and
  // loading all of @tensorflow/tfjs (cpu, webgl, layers...) was 360 of the 530 ms a one-epoch trial spent
  // before training on an idle 2-core machine.
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  await tf.ready();
  return remember(model, { backend: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, fallbacks });
}

/** What `nightshift gpus` shows: the backend a dense (MLP) trial would use on this machine, and why. */
export function detectBackend(): Promise<BackendInfo> {
  return initBackend('mlp');
}

function short(pkg: string): string {
  return pkg.replace('@tensorflow/', '');
}

function remember(model: ModelKind, info: Omit<BackendInfo, 'summary'>): BackendInfo {
  const summary = info.fallbacks.length ? `${info.backend} (${info.fallbacks.join('; ')})` : info.backend;
  const full: BackendInfo = { ...info, summary };
  chosen = { model, info: full };
  return full;
}
