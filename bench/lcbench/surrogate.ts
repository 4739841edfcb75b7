// The YAHPO Gym LCBench surrogate (Pfisterer et al., AutoML-Conf 2022): an ONNX network that predicts an
// MLP's learning curve on an OpenML task. Evaluated here, in Node, for every method (the Optuna bridge asks
// Node for curves), so all methods see exactly the same numbers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Params } from '../../src/shared/types.js';

/** The surrogate's continuous inputs after the epoch, in its column order (bench-data README). */
export const CONT_PARAMS = ['batch_size', 'learning_rate', 'momentum', 'weight_decay', 'num_layers', 'max_units', 'max_dropout'] as const;
export const MAX_EPOCH = 52;
/** Output column of val_accuracy (%). */
const VAL_ACCURACY = 1;
const OUTPUTS = 6;

export class LcbenchSurrogate {
  private readonly cache = new Map<string, Float64Array>();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly taskIndex: ReadonlyMap<string, number>,
  ) {}

  static async load(dataDir: string): Promise<LcbenchSurrogate> {
    const folder = path.join(dataDir, 'yahpo_lcbench');
    // One thread: the benchmark runs its own processes side by side, and timings stay repeatable.
    const session = await ort.InferenceSession.create(path.join(folder, 'model.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const encoding = JSON.parse(readFileSync(path.join(folder, 'encoding.json'), 'utf8')) as { OpenML_task_id: Record<string, number> };
    return new LcbenchSurrogate(session, new Map(Object.entries(encoding.OpenML_task_id)));
  }

  /** val_accuracy (%) after epochs 1..52: element e-1 is epoch e. Cached per (task, configuration). */
  async curve(task: string, params: Params): Promise<Float64Array> {
    const key = task + JSON.stringify(CONT_PARAMS.map((p) => params[p]));
    const hit = this.cache.get(key);
    if (hit) return hit;
    const index = this.taskIndex.get(task);
    if (index === undefined) throw new Error(`LCBench task ${task} is not in encoding.json`);
    const xCat = new Int32Array(MAX_EPOCH).fill(index);
    const xCont = new Float32Array(MAX_EPOCH * 8);
    for (let e = 1; e <= MAX_EPOCH; e++) {
      xCont[(e - 1) * 8] = e;
      CONT_PARAMS.forEach((p, j) => {
        xCont[(e - 1) * 8 + 1 + j] = Number(params[p]);
      });
    }
    const out = await this.session.run({
      x_cat: new ort.Tensor('int32', xCat, [MAX_EPOCH, 1]),
      x_cont: new ort.Tensor('float32', xCont, [MAX_EPOCH, 8]),
    });
    const data = out[this.session.outputNames[0]!]!.data as Float32Array;
    const curve = Float64Array.from({ length: MAX_EPOCH }, (_, i) => data[i * OUTPUTS + VAL_ACCURACY]!);
    if (this.cache.size > 20000) this.cache.clear();
    this.cache.set(key, curve);
    return curve;
  }
}
