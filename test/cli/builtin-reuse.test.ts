// The built-in trainer's reused processes, as a user meets them through `nightshift run`: an ASHA study runs
// its trials in a couple of processes, each trial charged only its own CPU time; `reuse_process: false`
// gives every trial its own process; and an engine killed mid-trial leaves no trainer process behind.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStoreReader } from '../../src/main/engine/storage/open.js';
import type { TrialRecord } from '../../src/main/engine/storage/types.js';
import { writeSynthetic } from '../engine/trainers/synthetic.js';
import { cliEnv, collect, runCli, startCli, tempDir } from '../helpers/cli.js';
import { pidAlive, waitFor } from '../helpers/procs.js';

/** The CPU estimate's package power (settings default): a trial cannot draw more than all cores at it. */
const CPU_WATTS = 65;

function study(home: string, extra: string[] = [], epochs = 9): string {
  writeSynthetic(path.join(home, 'data.csv'), 400, 5);
  const file = path.join(home, 'study.yaml');
  writeFileSync(
    file,
    [
      'name: reuse',
      'trainer:',
      '  builtin: {model: mlp, dataset: {csv: data.csv, target: y}}',
      ...extra,
      'search_space:',
      '  units: {type: int, low: 8, high: 64}',
      '  lr: {type: float, low: 0.001, high: 0.1, log: true}',
      'objectives: [{metric: val_accuracy, direction: maximize}]',
      `fidelity: {param: epochs, min: 1, max: ${epochs}, eta: 3}`,
      'sampler: {type: random}',
      'scheduler: {type: asha, mode: stop}',
      'budget: {trials: 8}',
      'resources: {parallel: 2}',
      'seed: 4',
    ].join('\n') + '\n',
  );
  return file;
}

function trials(db: string): TrialRecord[] {
  const store = openStoreReader(db);
  try {
    const study = store.getStudy('reuse');
    return study ? store.trials(study.id) : [];
  } finally {
    store.close();
  }
}

describe('nightshift run with reused built-in trainer processes', () => {
  it('runs the trials in a few processes and charges each trial only its own CPU time', async () => {
    const home = tempDir();
    const db = path.join(home, 'x.db');
    const r = await runCli(['run', study(home), '--db', db], { env: cliEnv(home) });
    expect(r.code, r.stderr).toBe(0);
    const rows = trials(db);
    expect(rows).toHaveLength(8);
    expect(rows.every((t) => t.state === 'complete' || t.state === 'pruned')).toBe(true);
    const pgids = new Set(rows.map((t) => t.pgid));
    // Two at a time: two processes, or a third after an idle one was retired; never one per trial.
    expect(pgids.size).toBeLessThanOrEqual(3);
    let total = 0;
    for (const t of rows) {
      const energy = t.values.energy_j ?? t.metrics.energy_j ?? NaN;
      const seconds = (Date.parse(t.endedAt!) - Date.parse(t.startedAt!)) / 1000;
      // /proc counts CPU time in clock ticks (10 ms): a reused process's 1-epoch trial on 400 rows can use
      // less than one, and be charged 0 J. Never less, and never NaN.
      expect(energy, `trial ${t.number}`).toBeGreaterThanOrEqual(0);
      // Counted from the process's start, a later trial would carry every earlier trial's CPU time as well;
      // estimated as CPU time ÷ cores × 65 W, a trial's own energy is at most 65 W × its time.
      expect(energy, `trial ${t.number}: ${energy} J in ${seconds} s`).toBeLessThan(CPU_WATTS * (seconds + 0.05));
      total += energy;
    }
    expect(total).toBeGreaterThan(0);
  });

  it('gives every trial its own process with reuse_process: false', async () => {
    const home = tempDir();
    const db = path.join(home, 'x.db');
    const r = await runCli(['run', study(home, ['  reuse_process: false']), '--db', db], { env: cliEnv(home) });
    expect(r.code, r.stderr).toBe(0);
    const rows = trials(db);
    expect(new Set(rows.map((t) => t.pgid)).size).toBe(rows.length);
  });

  it('leaves no trainer process running after the engine is killed mid-trial', async () => {
    const home = tempDir();
    const db = path.join(home, 'x.db');
    const child = startCli(['run', study(home, [], 400), '--db', db], { env: cliEnv(home) });
    const done = collect(child);
    let running: number[] = [];
    await waitFor(() => {
      try {
        running = trials(db)
          .filter((t) => t.state === 'running' && t.pgid !== null)
          .map((t) => t.pgid!);
      } catch {
        running = []; // the database is still being created
      }
      return running.length > 0;
    }, 60_000, 'a running trial');
    child.kill('SIGKILL');
    await done;
    // Its stdin closes with the engine: the trial ends at its next batch and the process exits.
    for (const pid of running) await waitFor(() => !pidAlive(pid), 10_000, `trainer process ${pid} to exit`);
  });
});
