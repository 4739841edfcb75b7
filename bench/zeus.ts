// Bench (c): the Zeus trace (You, Chung & Chowdhury, NSDI'23) as an accuracy-versus-energy problem:
// cifar100/shufflenetv2 on a V100, choosing batch size (2^3..2^12), GPU power limit (100..250 W) and epochs
// (1..200). Accuracy after e epochs = the best target_metric a run reached by epoch e, averaged over the
// trace's runs (this reading reproduces the bench-data README's 30-point true front over 14,000
// configurations); energy = epochs x time_per_epoch x average_power (adadelta, the trace's optimizer).
// Every method sees the same space and objectives: maximize accuracy, minimize log10 joules.
// Hypervolume ratio = HV(front found so far) / HV(true front), reference point (max log10 J over all
// configurations, accuracy 0).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createGpSampler } from '../src/main/engine/samplers/gp/sampler.js';
import type { TrialView } from '../src/main/engine/samplers/types.js';
import { hypervolume, nonDominatedIndices } from '../src/main/engine/study/hypervolume.js';
import { SearchSpace } from '../src/main/engine/study/space.js';
import type { BridgeParam, OptunaBridge, OptunaSamplerName } from './optuna.js';

export interface ZeusRun {
  method: string;
  seed: number;
  evals: number;
  ratios: { evals: number; ratio: number }[];
  seconds: number;
}

const CHECKPOINTS = [30, 100];

interface Problem {
  evaluate(batchExp: number, power: number, epochs: number): { accuracy: number; log10J: number };
  trueHv: number;
  ref: [number, number];
}

function readCsv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

export function loadZeus(dataDir: string): Problem {
  const dir = path.join(dataDir, 'zeus_nsdi23_trace');
  const train = readCsv(path.join(dir, 'summary_train.csv')).filter((r) => r.dataset === 'cifar100' && r.target_epoch !== 'nan');
  const power = readCsv(path.join(dir, 'summary_power_v100.csv')).filter((r) => r.dataset === 'cifar100' && r.optimizer === 'adadelta');
  // runs[bs][run] = [(epoch, metric)]
  const runs = new Map<number, Map<string, [number, number][]>>();
  for (const r of train) {
    const bs = Number(r.batch_size);
    const byRun = runs.get(bs) ?? new Map<string, [number, number][]>();
    runs.set(bs, byRun);
    const list = byRun.get(r.run!) ?? [];
    list.push([Number(r.target_epoch), Number(r.target_metric)]);
    byRun.set(r.run!, list);
  }
  const accuracy = (bs: number, epochs: number): number => {
    const byRun = [...(runs.get(bs)?.values() ?? [])];
    if (byRun.length === 0) throw new Error(`zeus: no training runs for batch size ${bs}`);
    const per = byRun.map((list) => Math.max(0, ...list.filter(([e]) => e <= epochs).map(([, m]) => m)));
    return per.reduce((a, b) => a + b, 0) / per.length;
  };
  const perEpochJ = new Map(power.map((r) => [`${r.batch_size}/${r.power_limit}`, Number(r.time_per_epoch) * Number(r.average_power)]));
  const evaluate = (batchExp: number, pl: number, epochs: number) => {
    const bs = 2 ** batchExp;
    const j = perEpochJ.get(`${bs}/${pl}`);
    if (j === undefined) throw new Error(`zeus: no power measurement for batch ${bs} at ${pl} W`);
    return { accuracy: accuracy(bs, epochs), log10J: Math.log10(epochs * j) };
  };
  const all: number[][] = [];
  for (let b = 3; b <= 12; b++) for (let pl = 100; pl <= 250; pl += 25) for (let e = 1; e <= 200; e++) {
    const v = evaluate(b, pl, e);
    all.push([v.log10J, -v.accuracy]);
  }
  const ref: [number, number] = [Math.max(...all.map((p) => p[0]!)), 0];
  const front = nonDominatedIndices(all).map((i) => all[i]!);
  return { evaluate, ref, trueHv: hypervolume(front, ref) };
}

const SPACE = {
  batch_exp: { type: 'int' as const, low: 3, high: 12, log: false, step: 1, when: null },
  power_limit: { type: 'int' as const, low: 100, high: 250, log: false, step: 25, when: null },
  epochs: { type: 'int' as const, low: 1, high: 200, log: true, step: 1, when: null },
};
const BRIDGE_SPACE: Record<string, BridgeParam> = {
  batch_exp: { type: 'int', low: 3, high: 12 },
  power_limit: { type: 'int', low: 100, high: 250, step: 25 },
  epochs: { type: 'int', low: 1, high: 200, log: true },
};

function ratios(problem: Problem, points: number[][]): { evals: number; ratio: number }[] {
  return CHECKPOINTS.map((k) => ({ evals: k, ratio: hypervolume(points.slice(0, k), problem.ref) / problem.trueHv }));
}

function runGp(problem: Problem, seed: number, evals: number): ZeusRun {
  const space = new SearchSpace(SPACE);
  const objectives = [
    { metric: 'accuracy', direction: 'maximize' as const },
    { metric: 'log10_energy_j', direction: 'minimize' as const },
  ];
  const sampler = createGpSampler({ type: 'gp', options: {} }, space);
  const trials: TrialView[] = [];
  const points: number[][] = [];
  const t0 = performance.now();
  for (let i = 0; i < evals; i++) {
    const s = sampler.ask({ space, objectives, trials, seed });
    if (s.kind !== 'params') break;
    const v = problem.evaluate(Number(s.params.batch_exp), Number(s.params.power_limit), Number(s.params.epochs));
    points.push([v.log10J, -v.accuracy]);
    trials.push({ number: i, state: 'complete', params: s.params, values: { accuracy: v.accuracy, log10_energy_j: v.log10J }, intermediate: new Map(), budget: null });
  }
  return { method: 'nightshift-gp', seed, evals, ratios: ratios(problem, points), seconds: (performance.now() - t0) / 1000 };
}

async function runOptuna(bridge: OptunaBridge, sampler: OptunaSamplerName, problem: Problem, seed: number, evals: number): Promise<ZeusRun> {
  await bridge.create(sampler, seed, BRIDGE_SPACE, ['maximize', 'minimize']);
  const points: number[][] = [];
  const t0 = performance.now();
  for (let i = 0; i < evals; i++) {
    const { params } = await bridge.ask();
    const v = problem.evaluate(Number(params.batch_exp), Number(params.power_limit), Number(params.epochs));
    points.push([v.log10J, -v.accuracy]);
    await bridge.tell([v.accuracy, v.log10J]);
  }
  return { method: `optuna-${sampler}`, seed, evals, ratios: ratios(problem, points), seconds: (performance.now() - t0) / 1000 };
}

export async function runZeus(bridge: OptunaBridge, dataDir: string, seeds: number, log: (m: string) => void): Promise<ZeusRun[]> {
  const problem = loadZeus(dataDir);
  const evals = Math.max(...CHECKPOINTS);
  const runs: ZeusRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const line: string[] = [];
    const gp = runGp(problem, seed, evals);
    runs.push(gp);
    line.push(`gp ${gp.ratios.map((r) => r.ratio.toFixed(3)).join('/')}`);
    for (const s of ['nsga2', 'motpe', 'random'] as const) {
      const r = await runOptuna(bridge, s, problem, seed, evals);
      runs.push(r);
      line.push(`${s} ${r.ratios.map((x) => x.ratio.toFixed(3)).join('/')}`);
    }
    log(`zeus seed ${seed} (HV ratio at ${CHECKPOINTS.join('/')}): ${line.join(', ')}`);
  }
  return runs;
}
