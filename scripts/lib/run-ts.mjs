// Runs a TypeScript entry point of the project (a benchmark) without a TS runtime: bundles it with esbuild
// into a temporary folder under out/ (inside the project, so its external packages resolve from
// node_modules), runs it with Node, and removes the bundle. Returns the exit status.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

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
