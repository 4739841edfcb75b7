// Loads the engine's metering module in a plain Node script (gpu-check, the metering overhead bench):
// a prebuilt bundle when given (GPU machines without esbuild), else an esbuild bundle of
// src/main/engine/metering/index.ts written under out/ so its packages resolve from node_modules.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..', '..');

export async function loadMetering(prebuilt) {
  if (prebuilt) return import(pathToFileURL(path.resolve(prebuilt)).href);
  const { build, stop } = await import('esbuild');
  mkdirSync(path.join(root, 'out'), { recursive: true });
  const tmp = mkdtempSync(path.join(root, 'out', 'metering-'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: ['src/main/engine/metering/index.ts'],
      outfile: path.join(tmp, 'metering.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }),
      logLevel: 'warning',
    });
    // esbuild keeps a service process and its pipe; stop it so its leftovers are not billed to the meter.
    await stop();
    return await import(pathToFileURL(path.join(tmp, 'metering.mjs')).href);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
