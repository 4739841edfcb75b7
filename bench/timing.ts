// Bench (d): seconds per suggestion with 100, 500 and 1000 finished trials in 6 dimensions (Hartmann6 at
// uniform random points), Nightshift GP against Optuna TPE. Each method first answers one untimed ask (a
// running study is always warm: JIT compiled, previous hyperparameters at hand), then `repeats` timed asks,
// each followed by telling its result; the median is reported. Optuna's time is measured around
// `study.ask` inside Python, so the bridge's pipe is not counted against it.
import { createGpSampler } from '../src/main/engine/samplers/gp/sampler.js';
import { Rng } from '../src/main/engine/samplers/rng.js';
import type { TrialView } from '../src/main/engine/samplers/types.js';
import { SearchSpace } from '../src/main/engine/study/space.js';
import { FUNCTIONS } from './functions.js';
import type { OptunaBridge } from './optuna.js';

export interface TimingResult {
  method: string;
  trials: number;
  /** Wall-clock seconds per timed ask. */
  seconds: number[];
  median: number;
  /** CPU seconds of the asking process per ask: what the wall time would be on an idle core. */
  cpuSeconds: number[];
  cpuMedian: number;
}

const H6 = FUNCTIONS.find((f) => f.name === 'hartmann6')!;
const NAMES = H6.bounds.map((_, i) => `x${i}`);

function history(n: number, seed: number): { params: Record<string, number>; y: number }[] {
  const rng = new Rng(seed, n);
  return Array.from({ length: n }, () => {
    const x = NAMES.map(() => rng.uniform());
    return { params: Object.fromEntries(NAMES.map((name, i) => [name, x[i]!])), y: H6.f(x) };
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runTiming(bridge: OptunaBridge, sizes: number[], repeats: number, log: (m: string) => void): Promise<TimingResult[]> {
  const out: TimingResult[] = [];
  const space = new SearchSpace(Object.fromEntries(NAMES.map((n) => [n, { type: 'float' as const, low: 0, high: 1, log: false, step: null, when: null }])));
  for (const n of sizes) {
    const hist = history(n, 1);
    // Nightshift GP.
    const trials: TrialView[] = hist.map((h, i) => ({ number: i, state: 'complete', params: h.params, values: { y: h.y }, intermediate: new Map(), budget: null }));
    const sampler = createGpSampler({ type: 'gp', options: {} }, space);
    const gpTimes: number[] = [];
    const gpCpu: number[] = [];
    for (let r = -1; r < repeats; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const s = sampler.ask({ space, objectives: [{ metric: 'y', direction: 'minimize' }], trials, seed: 1 });
      const c1 = process.cpuUsage(c0);
      const dt = (performance.now() - t0) / 1000;
      if (s.kind !== 'params') throw new Error('exhausted');
      if (r >= 0) {
        gpTimes.push(dt);
        gpCpu.push((c1.user + c1.system) / 1e6);
      }
      const x = NAMES.map((name) => Number(s.params[name]));
      trials.push({ number: trials.length, state: 'complete', params: s.params, values: { y: H6.f(x) }, intermediate: new Map(), budget: null });
    }
    out.push({ method: 'nightshift-gp', trials: n, seconds: gpTimes, median: median(gpTimes), cpuSeconds: gpCpu, cpuMedian: median(gpCpu) });
    // Optuna TPE on the same history.
    await bridge.create('tpe', 1, Object.fromEntries(NAMES.map((name) => [name, { type: 'float', low: 0, high: 1 }])), ['minimize']);
    await bridge.preload(hist.map((h) => ({ params: h.params, values: [h.y] })));
    const tpeTimes: number[] = [];
    const tpeCpu: number[] = [];
    for (let r = -1; r < repeats; r++) {
      const { params, seconds, cpu_seconds } = await bridge.ask();
      if (r >= 0) {
        tpeTimes.push(seconds);
        tpeCpu.push(cpu_seconds);
      }
      await bridge.tell([H6.f(NAMES.map((name) => Number(params[name])))]);
    }
    out.push({ method: 'optuna-tpe', trials: n, seconds: tpeTimes, median: median(tpeTimes), cpuSeconds: tpeCpu, cpuMedian: median(tpeCpu) });
    log(`timing n=${n}: gp ${median(gpTimes).toFixed(3)} s (cpu ${median(gpCpu).toFixed(3)}), tpe ${median(tpeTimes).toFixed(3)} s (cpu ${median(tpeCpu).toFixed(3)})`);
  }
  return out;
}
