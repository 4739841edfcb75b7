// `npm run bench [-- --only synthetic,timing,zeus --seeds N]`: bundles bench/main.ts with esbuild (as
// scripts/build-cli.mjs does for the CLI) into a temporary folder and runs it. A script, not a test: it
// takes minutes, and what it measures goes to bench/results/.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nightshift-bench-'));
try {
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'bench/main.ts' },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const r = spawnSync(process.execPath, [path.join(tmp, 'main.mjs'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NIGHTSHIFT_ROOT: root },
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
