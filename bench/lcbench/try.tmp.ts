import { LcbenchSurrogate } from './surrogate.js';
import { runNightshift } from './nightshift.js';
const s = await LcbenchSurrogate.load('/work/shared/bench-data');
for (const m of ['nightshift-gp-asha', 'nightshift-gp-hyperband'] as const) {
  const t0 = performance.now();
  const r = await runNightshift(m, process.argv[2] ?? '167168', 0, s, Number(process.argv[3] ?? 6544));
  console.log(m, 'best', r.trajectory.at(-1), 'trials', r.trials, 'configs', r.configs, 'decide s', r.decideSeconds.toFixed(1), 'wall', ((performance.now() - t0) / 1000).toFixed(1), r.note ?? '');
}
