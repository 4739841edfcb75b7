// Crash safety on Slurm: the engine (the real `nightshift run`) is SIGKILLed ten times during a campaign
// whose trials are Slurm jobs, and started again each time. The jobs run on without it and the next engine
// follows them: no job is lost, killed or run twice, the budget is exact, and no job is left at the end.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { cliEnv, collect, ROOT, runCli, startCli, tempDir } from '../../helpers/cli.js';
import { activeJobsOf, slurmCluster } from '../../helpers/slurm.js';

const cluster = slurmCluster();
const TRIAL = path.join(ROOT, 'test/fixtures/executors/campaign-trial.mjs');
const BUDGET = 12;

interface Mark {
  event: string;
  trial: number;
  job: string | null;
}

describe.skipIf(cluster.skip !== null)(`engine crashes during a Slurm campaign${cluster.skip ? ` (skipped: ${cluster.skip})` : ''}`, () => {
  it('survives 10 SIGKILLs: every job followed to its end once, the budget exact, nothing left running', async () => {
    const dir = tempDir('ns-slurm-crash-');
    const marker = path.join(dir, 'marks.jsonl');
    const db = path.join(dir, 'crash.db');
    const study = path.join(dir, 'study.yaml');
    writeFileSync(
      study,
      `name: slurm-crash
trainer:
  command: [node, ${JSON.stringify(TRIAL)}, ${JSON.stringify(marker)}]
  env: {EPOCH_MS: "150"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: random}
budget: {trials: ${BUDGET}}
executor: {type: slurm, gres: "gpu:1", max_jobs: 3}
`,
    );
    const env = cliEnv(dir, { SLURM_CONF: cluster.conf! });
    for (let kill = 0; kill < 10; kill++) {
      const child = startCli(['run', study, '--db', db], { env });
      const ended = collect(child);
      // Between 0.5 and 2.5 s in: some kills land while jobs run, some during submission or recovery.
      const wait = 500 + ((kill * 737) % 2000);
      const early = await Promise.race([ended.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), wait))]);
      if (early) break;
      child.kill('SIGKILL');
      await ended;
    }
    const last = await runCli(['run', study, '--db', db, '--json'], { env });
    expect(last.stderr).not.toMatch(/internal error/);
    expect(last.code).toBe(0);

    const store = openStore(db);
    const s = store.getStudy('slurm-crash')!;
    const trials = store.trials(s.id);
    const counts = store.counts(s.id);
    expect(counts.complete + counts.pruned + counts.failed).toBe(BUDGET);
    expect(counts).toMatchObject({ complete: BUDGET, failed: 0, running: 0, queued: 0 });

    const marks = existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Mark) : [];
    // No job was killed: no trial ever saw SIGTERM.
    expect(marks.filter((m) => m.event === 'term')).toEqual([]);
    for (const t of trials) {
      const started = marks.filter((m) => m.trial === t.number && m.event === 'start');
      if (t.state === 'complete') {
        // Ran once, as the job the database names.
        expect(started).toHaveLength(1);
        expect(started[0]!.job).toBe(t.jobId);
      } else {
        // Only a trial interrupted before its job was submitted may be re-queued: nothing of it ran.
        expect(t.state).toBe('stopped');
        expect(started).toEqual([]);
      }
    }
    // The kills did land while jobs ran: later engines took those trials over instead of re-running them.
    expect(store.events(s.id, 10_000).filter((e) => e.kind === 'trial.adopted').length).toBeGreaterThan(0);
    const jobs = trials.map((t) => t.jobId).filter((j) => j !== null);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(activeJobsOf('slurm-crash')).toEqual([]);
    store.close();
  }, 240_000);
});
