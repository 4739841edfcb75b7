// Every malformed study file, given to the real CLI, ends with exit code 2 and a clear message that
// names the place in the file — never a stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';

const dir = path.join(ROOT, 'test/fixtures/bad-studies');
const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Record<string, { path: string; message: string }>;

describe('nightshift run on malformed study files', () => {
  const home = tempDir();
  const env = cliEnv(home);

  it('has at least 30 cases', () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(30);
  });

  // Several files per CLI process would hide which one failed; one process each, a few at a time.
  it.concurrent.each(Object.entries(cases))('%s', async (file, expected) => {
    const r = await runCli(['run', path.join(dir, file), '--db', path.join(home, 'never.db')], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    if (expected.path) expect(lines[0]).toContain(`${expected.path}:`);
    expect(lines[0]).toContain(expected.message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a missing file with exit code 2', async () => {
    const r = await runCli(['run', path.join(home, 'nope.yaml')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml/);
  });
});
