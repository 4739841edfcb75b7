#!/usr/bin/env node
// The `nightshift` command: loads the bundle that `npm ci` (prepare) or `npm run build:cli` writes.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/nightshift.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('nightshift: the CLI is not built yet. Run `npm run build:cli` (npm ci does it for you).\n');
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
