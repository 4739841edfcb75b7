// A trial frozen at a rung cannot notice its engine's death. When the engine is SIGKILLed while trials are
// paused, the pause watchdog ends them (SIGTERM, then SIGCONT so they handle it) within seconds, rather than
// leaving them frozen with their memory until the study is run again.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, collect, ROOT, startCli, tempDir } from '../../helpers/cli.js';
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
    writeFileSync(pidLog, '');
    const file = path.join(dir, 'pause.yaml');
    writeFileSync(
      file,
      `name: frozen
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/epochs.mjs'))}]
  env: {PID_LOG: ${JSON.stringify(pidLog)}, EPOCH_MS: "400"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: random}
scheduler: {type: asha, mode: pause}
budget: {trials: 40}
resources: {parallel: 2}
seed: 3
`,
    );
    const engine = startCli(['run', file, '--db', path.join(dir, 'p.db')], { env: cliEnv(dir) });
    const done = collect(engine);
    const pids = (): number[] => readFileSync(pidLog, 'utf8').split('\n').filter(Boolean).map(Number);
    // The first trial to reach rung 1 waits there, frozen (stopped, state T).
    await waitFor(() => pids().some((p) => stateOf(p) === 'T'), 30_000, 'a frozen trial');
    engine.kill('SIGKILL');
    await done;
    const left = pids().filter(pidAlive);
    expect(left.some((p) => stateOf(p) === 'T')).toBe(true);
    await waitFor(() => pids().every((p) => !pidAlive(p)), 10_000, 'the trials of the dead engine to end');
  }, 60_000);
});
