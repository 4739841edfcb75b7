// `node bench/render/run.mjs`: bundles bench/render/main.ts with esbuild (as scripts/bench.mjs does) and runs it.
// Needs the renderer built (`npx electron-vite build`) and /usr/bin/chromium.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
if (!existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  process.stderr.write('bench/render: build the renderer first: npx electron-vite build\n');
  process.exit(1);
}
// Inside the package (out/ is ignored) so the bundle resolves playwright-core and better-sqlite3 from node_modules.
const tmp = path.join(root, 'out', 'bench-render');
try {
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'bench/render/main.ts' },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const r = spawnSync(process.execPath, [path.join(tmp, 'main.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, NIGHTSHIFT_ROOT: root } });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
