// `node bench/render/run.mjs`: bundles and runs bench/render/main.ts (scripts/lib/run-ts.mjs).
// `--out FILE` also writes the tables to FILE. Needs the renderer built (`npx electron-vite build`) and /usr/bin/chromium.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root, runTs } from '../../scripts/lib/run-ts.mjs';

if (!existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  process.stderr.write('bench/render: build the renderer first: npx electron-vite build\n');
  process.exit(1);
}
process.exitCode = await runTs('bench/render/main.ts', process.argv.slice(2));
