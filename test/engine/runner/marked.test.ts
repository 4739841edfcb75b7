// The environment-marker scan that finds a trial's escaped processes reads /proc/<pid>/environ in chunks
// into one reused buffer: a marker anywhere in an environment, however large, and one that straddles the
// edge of a chunk, must be found; a marker that is only a prefix of a longer value must not.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processesWithEnv } from '../../../src/main/engine/runner/marked.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A sleeping process whose environment is `padding` bytes of filler, then the marker. */
async function sleeper(padding: number, marker: string): Promise<number> {
  // One variable may hold at most 128 kB (MAX_ARG_STRLEN): the filler is split over several.
  const env: Record<string, string> = {};
  for (let i = 0, left = padding; left > 0; i++, left -= 50_000) env[`PAD${i}`] = 'x'.repeat(Math.min(left, 50_000));
  env.NS_MARK = marker;
  const child = spawn('/bin/sleep', ['60'], { env, stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child.pid!;
}

describe.skipIf(process.platform !== 'linux')('processesWithEnv', () => {
  it('finds a marker past the first chunk and across a chunk edge, and not a prefix of a longer value', async () => {
    const token = `t${process.pid}${Date.now()}`;
    const pids = [];
    // 64 kB is the chunk: the marker lands well past it, and around its edge at several offsets.
    for (const pad of [10, 100_000, 65_520, 65_530, 65_536 - 12, 200_000]) pids.push(await sleeper(pad, token));
    const longer = await sleeper(65_530, `${token}-longer`);
    const found = processesWithEnv([`NS_MARK=${token}`]);
    expect(found.sort()).toEqual(pids.sort());
    expect(found).not.toContain(longer);
  });
});
