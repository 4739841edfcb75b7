// Runs a TypeScript entry point of the project (a benchmark) without a TS runtime: bundles it with esbuild
// into a temporary folder under out/ (inside the project, so its external packages resolve from
// node_modules), runs it with Node, and removes the bundle. Returns the exit status.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

// A benchmark that trains in-process (bench/realtrain/holdout.ts) imports the trainer's tf.ts, whose
// tfjs-core gradient modules Node cannot load from node_modules: bundle them, as scripts/build-cli.mjs does.
const bundleTfjsCoreEsm = {
  name: 'bundle-tfjs-core-esm',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\// }, (args) => ({
      path: createRequire(path.join(root, 'package.json')).resolve(`${args.path}.js`),
    }));
  },
};

export async function runTs(entry, args = []) {
  mkdirSync(path.join(root, 'out'), { recursive: true });
  const tmp = mkdtempSync(path.join(root, 'out', 'run-'));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { main: entry },
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      plugins: [bundleTfjsCoreEsm],
      logLevel: 'warning',
    });
    const r = spawnSync(process.execPath, [path.join(tmp, 'main.mjs'), ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NIGHTSHIFT_ROOT: root },
    });
    return r.status ?? 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
