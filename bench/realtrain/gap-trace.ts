// `npm run bench -- --only realtrain-gaps [--problem breast_cancer|digits|gpu-sim] [--seed 0] [--epochs 60] [--epoch-s 0.03]
// [--marks true] [--ask-ahead auto|true|false]`: where the time
// between two trials of a reused trainer process goes (issue 16). Runs one GP + ASHA stop study of the
// real-training benchmark (60 epochs, 2 at a time) and prints the gaps from a trial's end to the next
// trial's start, with the time spent in the store's writes and the sampler's ask; `--marks true` also
// prints the timeline. Trains for a few seconds; writes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Campaign } from '../../src/main/engine/campaign/campaign.js';
import type { EngineEvent } from '../../src/main/engine/campaign/events.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { TrainerWorkers } from '../../src/main/engine/executors/trainer-workers.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../src/main/engine/study/spec.js';
import { arg } from './args.js';
import { loadProblem } from './problems.js';
import { studyYaml, type Problem } from './space.js';

const name = arg('problem') ?? 'breast_cancer';
const seed = Number(arg('seed') ?? 0);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-gap-'));
// gpu-sim: a trainer whose epochs sleep (bench/realtrain/gpu_bound_trial.py), as a GPU's leave the CPU idle.
const trainer: Pick<Problem, 'builtin' | 'command'> =
  name === 'gpu-sim'
    ? { builtin: {}, command: { argv: ['/usr/bin/python3', path.resolve('bench/realtrain/gpu_bound_trial.py')], cwd: dir, env: { EPOCH_S: arg('epoch-s') ?? '0.03' } } }
    : { builtin: loadProblem(name, path.join(dir, 'data'), path.resolve('bench')).builtin };
const problem: Problem = { ...trainer, metric: 'val_accuracy', minEpochs: 1, maxEpochs: 9, eta: 3, epochBudget: Number(arg('epochs') ?? 60), parallel: 2 };
const file = path.join(dir, 'study.yaml');
const ahead = arg('ask-ahead');
const askAhead = ahead === null ? undefined : ahead === 'auto' ? 'auto' : ahead === 'true';
writeFileSync(file, studyYaml(problem, { name: 'gap', sampler: 'gp', scheduler: 'asha', mode: 'stop', seed, askAhead }));
const store = openStore(path.join(dir, 'study.db'));
const spent: Record<string, number[]> = {};
const marks: [string, number][] = [];
function timed<T extends object>(o: T, names: string[], prefix: string): void {
  for (const n of names) {
    const f = (o as Record<string, unknown>)[n] as (...a: unknown[]) => unknown;
    (o as Record<string, unknown>)[n] = (...a: unknown[]) => {
      const t = performance.now();
      marks.push([prefix + n + ':start', t]);
      const r = f.apply(o, a);
      const done = (): void => {
        marks.push([prefix + n + ':end', performance.now()]);
        (spent[prefix + n] ??= []).push(performance.now() - t);
      };
      if (r instanceof Promise) void r.then(done, done);
      else done();
      return r;
    };
  }
}
// What the process itself waits: from its trial's fence (back in the pool) to the next trial's run command.
const idleSince = new Map<number, number>();
const idles: number[] = [];
const pool = TrainerWorkers.prototype as unknown as { idle(w: { pid: number }): void; launch(t: unknown): { pid: number } };
const idle0 = pool.idle;
const launch0 = pool.launch;
pool.idle = function (w) {
  idleSince.set(w.pid, performance.now());
  marks.push([`worker ${w.pid} idle`, performance.now()]);
  idle0.call(this, w);
};
pool.launch = function (t) {
  const r = launch0.call(this, t);
  const since = idleSince.get(r.pid);
  if (since !== undefined) idles.push(performance.now() - since);
  idleSince.delete(r.pid);
  marks.push([`worker ${r.pid} run`, performance.now()]);
  return r;
};
timed(store, ['enqueueTrial', 'claimQueued', 'finishTrial', 'addReport', 'setPgid', 'addEvent', 'transaction', 'startTrial'], 'store.');
let epochs = 0;
let campaign: Campaign | null = null;
const ends: number[] = [];
const gaps: number[] = [];
const emit = (e: EngineEvent): void => {
  const now = performance.now();
  if (e.type === 'trial-state') marks.push([`trial ${e.number} ${e.state}`, now]);
  if (e.type === 'trial-state' && e.state === 'running') {
    const prev = ends.shift();
    if (prev !== undefined) gaps.push(now - prev);
  } else if (e.type === 'trial-state') ends.push(now);
  else if (e.type === 'report' && e.metrics[problem.metric] !== undefined && ++epochs >= problem.epochBudget) void campaign?.stop('budget');
};
campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir, emit });
timed((campaign as unknown as { sampler: object }).sampler, ['ask'], 'sampler.');
const began = performance.now();
await campaign.run();
const wallMs = performance.now() - began;
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
console.log(`${name} seed ${seed}: ${gaps.length} gaps, median ${med(gaps).toFixed(1)} ms, mean ${(gaps.reduce((s, x) => s + x, 0) / gaps.length).toFixed(1)} ms`);
console.log(`worker idle between trials: ${idles.length}, median ${med(idles).toFixed(1)} ms, mean ${(idles.reduce((s, x) => s + x, 0) / idles.length).toFixed(1)} ms, total ${idles.reduce((s, x) => s + x, 0).toFixed(0)} ms`);
console.log(`campaign wall ${wallMs.toFixed(0)} ms for ${epochs} epochs: ${(wallMs / epochs).toFixed(1)} ms per epoch`);
for (const [k, v] of Object.entries(spent)) console.log(`${k.padEnd(22)} n=${String(v.length).padStart(4)} median ${med(v).toFixed(2)} ms, total ${v.reduce((s, x) => s + x, 0).toFixed(0)} ms`);
store.close();
rmSync(dir, { recursive: true, force: true });
if (arg('marks') === 'true') {
  const t0 = marks[0]![1];
  for (const [what, at] of marks) if (!what.includes('addReport') && !what.includes('transaction')) console.log(((at - t0)).toFixed(1).padStart(9), what);
}
