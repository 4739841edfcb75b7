// Per-epoch checkpoints in NIGHTSHIFT_CHECKPOINT_DIR: weights, optimizer slots, optimizer step and RNG state
// of every fold's model. Written by hand (JSON manifest + one float32 file) because tfjs `model.save('file://')`
// needs tfjs-node, and the wasm/cpu backends must checkpoint too. Crash-safe: the data file has the epoch in
// its name and the manifest is renamed into place last, so a kill mid-write leaves the previous checkpoint.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from './tf.js';
import { Rng } from './rng.js';
import type { FoldRun } from './train.js';

const MANIFEST = 'checkpoint.json';
const VERSION = 1;

interface RunState {
  rng: number;
  optStep: number;
  weights: number[][];
  slots: number[][];
}

interface Manifest {
  version: number;
  /** Everything that must match for the weights to be reused (params, data, split, seed). */
  fingerprint: string;
  epoch: number;
  /** Reported step = stepOffset + epoch; see `previousLastStep`. */
  stepOffset: number;
  backend: string;
  data: string;
  runs: RunState[];
}

export interface Restored {
  epoch: number;
  stepOffset: number;
}

export async function saveCheckpoint(dir: string, fingerprint: string, epoch: number, stepOffset: number, backend: string, runs: FoldRun[]): Promise<void> {
  const chunks: Float32Array[] = [];
  const states: RunState[] = [];
  for (const run of runs) {
    const weights: number[][] = [];
    const slots: number[][] = [];
    for (const v of run.model.variables) {
      chunks.push((await v.data()) as Float32Array);
      weights.push(v.shape);
    }
    for (const v of run.opt.state) {
      chunks.push((await v.data()) as Float32Array);
      slots.push(v.shape);
    }
    states.push({ rng: run.rng.state, optStep: run.opt.step, weights, slots });
  }
  const dataFile = `weights-${epoch}.bin`;
  const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  writeFileSync(path.join(dir, dataFile), bytes);
  const manifest: Manifest = { version: VERSION, fingerprint, epoch, stepOffset, backend, data: dataFile, runs: states };
  const tmp = path.join(dir, `${MANIFEST}.tmp`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, path.join(dir, MANIFEST));
  for (const f of readdirSync(dir)) {
    if (/^weights-\d+\.bin$/.test(f) && f !== dataFile) rmSync(path.join(dir, f), { force: true });
  }
}

/**
 * Restores `runs` from the checkpoint in `dir` when it was made for the same fingerprint; returns null
 * (and leaves `runs` as initialised) when there is none or it belongs to another configuration.
 */
export function loadCheckpoint(dir: string, fingerprint: string, runs: FoldRun[], log: (line: string) => void): Restored | null {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) return null;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    log(`checkpoint ${file} is unreadable; starting from epoch 0`);
    return null;
  }
  if (manifest.version !== VERSION || manifest.fingerprint !== fingerprint || manifest.runs.length !== runs.length) {
    log(`checkpoint in ${dir} was made for another configuration or fidelity; starting from epoch 0`);
    return null;
  }
  const buf = readFileSync(path.join(dir, manifest.data));
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let at = 0;
  const take = (shape: number[]): Float32Array => {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = floats.subarray(at, at + size);
    at += size;
    return out;
  };
  runs.forEach((run, r) => {
    const state = manifest.runs[r]!;
    run.model.variables.forEach((v, i) => {
      const shape = state.weights[i];
      if (!shape || shape.join('x') !== v.shape.join('x')) throw new Error(`checkpoint weight ${i} has shape ${shape}, expected ${v.shape}`);
      tf.tidy(() => v.assign(tf.tensor(take(shape), v.shape)));
    });
    run.opt.restore(state.optStep, state.slots.map(take));
    run.rng = new Rng(state.rng);
  });
  if (at !== floats.length) throw new Error(`checkpoint data has ${floats.length} values, manifest describes ${at}`);
  return { epoch: manifest.epoch, stepOffset: manifest.stepOffset };
}

/**
 * The last step reported from this checkpoint folder, also when its checkpoint cannot be reused. A trial
 * promoted to a larger data_fraction trains again from scratch, and numbers its epochs after the steps it
 * already reported, so a trial's steps stay unique and increasing.
 */
export function previousLastStep(dir: string): number {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as Partial<Manifest>;
    return typeof m.epoch === 'number' && typeof m.stepOffset === 'number' ? m.stepOffset + m.epoch : 0;
  } catch {
    return 0;
  }
}
