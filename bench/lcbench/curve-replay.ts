// Replays a stopping rule on the configurations a curve-diagnose.ts run proposed (their whole surrogate curves
// are in its JSON), in the same order and under the same 6,544-epoch budget, without the GP: an open-loop
// check of how many epochs a rule spends, what it ends with, and how many future-best trials it stops. The
// GP's reaction to different stops is left out; the closed-loop answer is bench/lcbench/main.ts.
//   npm run bench -- --only curve-replay --files out/curve-diagnose-167168-0.json[,...] [--options '{"threshold":0.01}']
import { readFileSync } from 'node:fs';
import type { TrialView } from '../../src/main/engine/samplers/types.js';
import { createScheduler } from '../../src/main/engine/schedulers/index.js';
import type { FidelitySpec } from '../../src/main/engine/study/types.js';
import { EPOCH_BUDGET, MIN_EPOCH } from './space.js';
import { MAX_EPOCH } from './surrogate.js';

const objectives = [{ metric: 'val_accuracy', direction: 'maximize' as const }];
const fidelity: FidelitySpec = { param: 'epoch', min: MIN_EPOCH, max: MAX_EPOCH, eta: 3 };

function replay(curves: number[][], options: Record<string, unknown>): { best: number; spent: number; trials: number; wrong: number; missedBest: number } {
  const scheduler = createScheduler({ type: 'curve', options }, fidelity);
  const trials: TrialView[] = [];
  let spent = 0;
  let best = -Infinity;
  let wrong = 0;
  let missedBest = 0;
  const runBest = Math.max(...curves.map((c) => c[MAX_EPOCH - 1]!));
  for (const curve of curves) {
    if (spent >= EPOCH_BUDGET) break;
    const intermediate = new Map<number, number>();
    const trial: TrialView = { number: trials.length, state: 'running', params: {}, values: null, intermediate, budget: MAX_EPOCH };
    trials.push(trial);
    const bestDone = Math.max(-Infinity, ...trials.filter((t) => t.state === 'complete').map((t) => t.values!['val_accuracy']!));
    let last = 0;
    let pruned = false;
    for (let e = 1; e <= MAX_EPOCH && spent < EPOCH_BUDGET; e++) {
      spent++;
      last = e;
      if (e < MIN_EPOCH) continue;
      intermediate.set(e, curve[e - 1]!);
      if (scheduler.onReport({ objectives, trials }, trial.number, e).action === 'prune') {
        pruned = true;
        break;
      }
    }
    if (pruned && curve[MAX_EPOCH - 1]! > bestDone) wrong++;
    if (pruned && curve[MAX_EPOCH - 1]! >= runBest) missedBest++;
    const value = curve[last - 1]!;
    trials[trial.number] = { ...trial, state: pruned || last < MAX_EPOCH ? 'pruned' : 'complete', values: { val_accuracy: value } };
    best = Math.max(best, value);
  }
  return { best, spent, trials: trials.length, wrong, missedBest };
}

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const files = (flag('--files') ?? '').split(',').filter(Boolean);
if (files.length === 0) throw new Error('--files a.json,b.json: the JSON files curve-diagnose wrote');
const options = JSON.parse(flag('--options') ?? '{}') as Record<string, unknown>;
for (const file of files) {
  const run = JSON.parse(readFileSync(file, 'utf8')) as { task: string; seed: number; rows: { curve: number[] }[] };
  const curves = run.rows.map((r) => r.curve);
  const r = replay(curves, options);
  const top = Math.max(...curves.map((c) => c[MAX_EPOCH - 1]!));
  console.log(`${run.task} seed ${run.seed} ${JSON.stringify(options)}: best ${r.best.toFixed(2)} (best final among the ${curves.length} configs ${top.toFixed(2)}), ${r.trials} configs in ${r.spent} epochs, wrong stops ${r.wrong}, stopped the configs' best ${r.missedBest}`);
}
