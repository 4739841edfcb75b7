// A trial frozen at a rung cannot notice its engine's death. When the engine is SIGKILLed while trials are
// paused, the pause watchdog ends them (SIGTERM, then SIGCONT so they handle it) within seconds, rather than
// leaving them frozen with their memory until the study is run again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, collect, startCli, tempDir } from '../../helpers/cli.js';
import { loggedPids, writeEpochsStudy } from '../../helpers/epochs-study.js';
import { pidAlive, waitFor } from '../../helpers/procs.js';

function stateOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return null;
  }
}

describe.runIf(process.platform === 'linux')('the pause watchdog', () => {
  it('ends the frozen trials of an engine that was SIGKILLed, without a new engine', async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    const file = writeEpochsStudy(dir, { name: 'frozen', scheduler: '{type: asha, mode: pause}', budget: 40, seed: 3, epochMs: 400, pidLog });
    const engine = startCli(['run', file, '--db', path.join(dir, 'p.db')], { env: cliEnv(dir) });
    const done = collect(engine);
    const pids = (): number[] => loggedPids(pidLog);
    // The first trial to reach rung 1 waits there, frozen (stopped, state T).
    await waitFor(() => pids().some((p) => stateOf(p) === 'T'), 30_000, 'a frozen trial');
    engine.kill('SIGKILL');
    await done;
    const left = pids().filter(pidAlive);
    expect(left.some((p) => stateOf(p) === 'T')).toBe(true);
    // Generous: the watchdog notices within a second, but a loaded machine can be slow to run it.
    await waitFor(() => pids().every((p) => !pidAlive(p)), 30_000, 'the trials of the dead engine to end');
  }, 60_000);
});
