// `node scripts/bench-lcbench.mjs [--seeds N] [--tasks 167168,189873,189906] [--methods ...] [--workers N]`:
// bench 5b of issue 4 (LCBench surrogate, Nightshift vs Optuna). Bundles bench/lcbench/main.ts with esbuild,
// as scripts/build-cli.mjs does for the CLI, into out/ (packages stay external, so they resolve from the
// project's node_modules) and runs it. Results go to bench/results/lcbench-<date>.md and .json.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'out', 'bench-lcbench');
await build({
  absWorkingDir: root,
  entryPoints: { main: 'bench/lcbench/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [path.join(outdir, 'main.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NIGHTSHIFT_ROOT: root },
});
process.exitCode = r.status ?? 1;
