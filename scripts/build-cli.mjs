// Bundles the headless entry points (CLI, built-in trainer) into out/ with esbuild. Runs on `npm ci`
// (the `prepare` script) so `npx nightshift` works from a fresh clone without a separate build.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// Packages stay external: native addons (better-sqlite3) and TF.js must be loaded from node_modules.
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  ...Object.keys(pkg.devDependencies ?? {}),
];
const entries = {
  'cli/nightshift': 'src/main/cli/index.ts',
  'trainers/builtin-trainer': 'src/main/engine/trainers/main.ts',
  'executors/slurm-node': 'src/main/engine/executors/slurm/node-main.ts',
  // Beside the CLI, where the bundled engine looks for it (samplers/gp/worker-client.ts); tests use this copy too.
  'cli/gp-worker': 'src/main/engine/samplers/gp/worker.ts',
  // Likewise for the importance forests of `serve` (importance/threaded.ts, engine/task-thread.ts).
  'cli/importance-worker': 'src/main/engine/importance/worker.ts',
};
// tfjs-core ships its gradient functions only as ES modules under dist/ (no extensions, no "type": "module"),
// which Node cannot load from node_modules; bundle them (src/main/engine/trainers/tf.ts says why). The main
// entry stays external, and the bundled copy registers into tfjs-core's global registries.
const bundleTfjsCoreEsm = {
  name: 'bundle-tfjs-core-esm',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\// }, (args) => ({
      path: createRequire(path.join(root, 'package.json')).resolve(`${args.path}.js`),
    }));
  },
};
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(path.join(root, file))),
);
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'out',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external,
  logLevel: 'warning',
  plugins: [bundleTfjsCoreEsm],
  banner: {
    // Bundled ESM still meets CommonJS-style code in some dependencies' helpers.
    js: "import { createRequire as __nsCreateRequire } from 'node:module'; const require = __nsCreateRequire(import.meta.url);",
  },
});
