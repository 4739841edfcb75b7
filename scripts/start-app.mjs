// `npm start`: launches the desktop app, or says exactly what is missing. Electron ≥ 42 downloads its binary
// on first use (`npx install-electron`), and better-sqlite3 needs a build for Electron's ABI, which differs
// from the Node build the CLI and tests use.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const fail = (lines) => {
  process.stderr.write(`nightshift: cannot start the desktop app.\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  process.exit(1);
};

if (!existsSync(path.join(electronDir, 'package.json'))) fail(['Electron is not installed (node_modules/electron is missing). Run `npm ci`.']);
const pathFile = path.join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
if (!binary || !existsSync(binary)) {
  fail([
    "Electron's binary is not downloaded yet (Electron fetches it on first use).",
    'Run `npx install-electron` (needs internet, about 100 MB), then `npm start` again.',
    'Without a display or internet, use the browser dashboard instead: `npx nightshift serve`.',
  ]);
}
if (!existsSync(path.join(root, 'out', 'main', 'index.js')) || !existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  fail(['The app is not built. Run `npm run build`, then `npm start`.']);
}

// Load better-sqlite3 the way the app will: inside Electron's own Node.
const probe = spawnSync(binary, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
  cwd: root,
  env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  encoding: 'utf8',
  timeout: 30_000,
});
if (probe.status !== 0) {
  const abiFile = path.join(electronDir, 'abi_version');
  const electronAbi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : 'unknown';
  const detail = /NODE_MODULE_VERSION (\d+)/.exec(probe.stderr ?? '');
  fail([
    `better-sqlite3 is not built for Electron${detail ? ` (it was built for NODE_MODULE_VERSION ${detail[1]}, Electron needs ${electronAbi})` : ''}.`,
    'Build it for Electron: `npx @electron/rebuild -f -w better-sqlite3` (needs internet for Electron\'s headers).',
    'The CLI and tests need the Node build: `npm rebuild better-sqlite3` switches back.',
    ...(detail ? [] : [`Electron said: ${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}`]),
  ]);
}

const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
