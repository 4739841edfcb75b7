// `npm start` on a machine without Electron's binary (like this one and CI) says what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const hasBinary = existsSync(path.join(ROOT, 'node_modules', 'electron', 'path.txt'));

describe.skipIf(hasBinary)('npm start without the Electron binary', () => {
  it('exits 1 and names the command that fetches it', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start-app.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Electron's binary is not downloaded yet");
    expect(r.stderr).toContain('npx install-electron');
    expect(r.stderr).toContain('nightshift serve');
  });
});
