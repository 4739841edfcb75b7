// A trial that daemonizes (fork, setsid, fork) leaves its process group; the engine must still leave no
// process of it alive: when the trial ends, when the campaign ends, and when the engine is SIGKILLed and
// run again. Every trial process carries a marker in its environment (here the study's own TEST_MARK),
// and /proc is scanned for it, as a user would check.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, collect, ROOT, runCli, startCli, tempDir } from '../../helpers/cli.js';
import { pidAlive, waitFor } from '../../helpers/procs.js';

const SCRIPT = path.join(ROOT, 'test/fixtures/trials/daemonize.py');

function markedProcesses(mark: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, 'latin1').split('\0').includes(mark)) out.push(Number(e));
    } catch {
      // gone, or not readable
    }
  }
  return out;
}

function setup(budget: number): { dir: string; file: string; db: string; log: string; hang: string; mark: string } {
  const dir = tempDir('nightshift-daemon-');
  const log = path.join(dir, 'daemons.txt');
  const hang = path.join(dir, 'hang');
  const mark = `TEST_MARK=${randomBytes(8).toString('hex')}`;
  const file = path.join(dir, 'daemons.yaml');
  writeFileSync(
    file,
    `name: daemons
trainer:
  command: [/usr/bin/python3, ${JSON.stringify(SCRIPT)}]
  env: {DAEMON_LOG: ${JSON.stringify(log)}, HANG_FILE: ${JSON.stringify(hang)}, TEST_MARK: ${mark.split('=')[1]}}
  kill_grace: 1s
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: loss, direction: minimize}
sampler: {type: random}
budget: {trials: ${budget}}
resources: {parallel: 1}
seed: 5
`,
  );
  return { dir, file, db: path.join(dir, 'daemons.db'), log, hang, mark };
}

const daemons = (log: string): number[] => readFileSync(log, 'utf8').trim().split('\n').map(Number);

describe('trials that daemonize', () => {
  it('leave nothing alive once each trial ends, nor when the campaign ends', async () => {
    const s = setup(3);
    const r = await runCli(['run', s.file, '--db', s.db, '--json'], { env: cliEnv(s.dir) });
    expect(r.code, r.stderr).toBe(0);
    const show = JSON.parse(r.stdout) as { counts: { complete: number } };
    expect(show.counts.complete).toBe(3);
    const trials = JSON.parse((await runCli(['export', 'daemons', '--db', s.db, '--format', 'json'], { env: cliEnv(s.dir) })).stdout) as {
      trials: { number: number; metrics: Record<string, number> }[];
    };
    // Each trial found the sleepers of the trials before it already dead.
    expect(trials.trials.map((t) => t.metrics.stale_daemons)).toEqual([0, 0, 0]);
    expect(daemons(s.log)).toHaveLength(3);
    expect(daemons(s.log).filter(pidAlive)).toEqual([]);
    expect(markedProcesses(s.mark)).toEqual([]);
  });

  it('leave nothing alive when the engine is SIGKILLed and run again', async () => {
    const s = setup(1);
    writeFileSync(s.hang, '');
    const env = cliEnv(s.dir);
    const engine = startCli(['run', s.file, '--db', s.db, '--json'], { env });
    const killed = collect(engine);
    await waitFor(() => readFileSync(s.log, { encoding: 'utf8', flag: 'a+' }).trim() !== '', 30_000, 'the first sleeper');
    engine.kill('SIGKILL');
    expect((await killed).signal).toBe('SIGKILL');
    // The engine is gone; the trial and its sleeper are not (nothing could stop them).
    const [first] = daemons(s.log);
    expect(pidAlive(first!)).toBe(true);
    expect(markedProcesses(s.mark).length).toBeGreaterThanOrEqual(2);

    rmSync(s.hang);
    const again = await runCli(['run', s.file, '--db', s.db, '--json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).counts.complete).toBe(1);
    expect(daemons(s.log)).toHaveLength(2);
    expect(daemons(s.log).filter(pidAlive)).toEqual([]);
    expect(markedProcesses(s.mark)).toEqual([]);
  });
});
