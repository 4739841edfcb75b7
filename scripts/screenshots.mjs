// `node scripts/screenshots.mjs`: the README's screenshots. The Chromium end-to-end tests drive real
// campaigns through `nightshift serve` and save what they see in test-output/screenshots; this runs them and
// copies the views the README shows, light and dark, into docs/screenshots; then screenshots-analysis.mjs
// takes the compare, understand and new-study views. Needs /usr/bin/chromium and a built renderer.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const from = path.join(root, 'test-output', 'screenshots');
const to = path.join(root, 'docs', 'screenshots');
const SHOTS = ['library', 'study', 'study-dark', 'trial', 'summary', 'summary-dark', 'timeline', 'timeline-dark', 'finalists', 'finalists-dark'];

const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/e2e'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('screenshots: the end-to-end tests failed; docs/screenshots left as it was\n');
  process.exit(r.status ?? 1);
}
mkdirSync(to, { recursive: true });
for (const name of SHOTS) {
  const file = path.join(from, `${name}.png`);
  if (!existsSync(file)) {
    process.stderr.write(`screenshots: ${name}.png was not taken\n`);
    process.exitCode = 1;
    continue;
  }
  copyFileSync(file, path.join(to, `${name}.png`));
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

const more = spawnSync(process.execPath, [path.join(root, 'scripts', 'screenshots-analysis.mjs')], { cwd: root, stdio: 'inherit' });
if (more.status !== 0) process.exitCode = more.status ?? 1;
