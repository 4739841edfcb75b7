// Whole campaigns whose trials are Slurm jobs, on a real one-node cluster with two fake GPUs (GRES): ASHA's
// trials and promotions run as jobs (their ids in the database) and never share a GPU; stop-based ASHA (the
// default mode) and the median rule prune by scancel; hostile parameter values reach the trial literally;
// every job is gone at the end.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../../../src/main/api/router.js';
import type { StudyTimeline } from '../../../src/shared/study-views.js';
import { runStudyYaml } from '../../helpers/campaign.js';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { activeJobsOf, slurmCluster } from '../../helpers/slurm.js';
import { HOSTILE } from './contract.js';

const cluster = slurmCluster();
const TRIAL = path.join(ROOT, 'test/fixtures/executors/campaign-trial.mjs');

interface Mark {
  event: string;
  trial: number;
  job: string | null;
  cuda: string | null;
  at: number;
}

function marks(file: string): Mark[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Mark);
}

const runStudy = (dir: string, yaml: string) => runStudyYaml(dir, yaml, { db: 'x.db' });

describe.skipIf(cluster.skip !== null)(`campaigns on Slurm${cluster.skip ? ` (skipped: ${cluster.skip})` : ''}`, () => {
  it('runs promotion-based ASHA as Slurm jobs: job ids recorded, promotions are jobs too, two GPUs never shared, measured on the node', async () => {
    const dir = tempDir('ns-slurm-asha-');
    const marker = path.join(dir, 'marks.jsonl');
    const { store, result, trials } = await runStudy(
      dir,
      `name: slurm-asha
trainer:
  command: [node, ${JSON.stringify(TRIAL)}, ${JSON.stringify(marker)}]
  env: {EPOCH_MS: "400"}
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: random}
scheduler: {type: asha, mode: promote}
budget: {trials: 10}
executor: {type: slurm, gres: "gpu:1", max_jobs: 3, time: 10m}
`,
    );
    expect(result.state).toBe('finished');
    expect(trials.filter((t) => t.state === 'complete')).toHaveLength(10);
    const jobIds = trials.map((t) => t.jobId);
    expect(jobIds.every((j) => j !== null && /^\d+$/.test(j))).toBe(true);
    expect(new Set(jobIds).size).toBe(trials.length);
    expect(trials.some((t) => t.lineage.kind === 'promote')).toBe(true);
    const node = execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim();
    for (const t of trials) {
      expect(t.node).toBe(node);
      expect(['0', '1']).toContain(t.gpus);
      // Measured by the node-side wrapper, with its provenance (CPU: an estimate here, no RAPL in CI).
      expect(t.metrics.duration_s).toBeGreaterThan(0);
      expect(store.provenance(t.id)).toMatchObject({ cpu: { source: expect.any(String) } });
    }
    // Memory is sampled every 500 ms: promoted trials (3 epochs of 400 ms) are long enough to be seen.
    const long = trials.filter((t) => t.metrics.duration_s! > 1);
    expect(long.length).toBeGreaterThan(0);
    for (const t of long) expect(t.metrics.peak_rss_mb).toBeGreaterThan(10);
    // What each trial saw: its own job and GPU; two trials on one GPU never overlap in time.
    const m = marks(marker);
    const spans = trials.map((t) => {
      const start = m.find((x) => x.trial === t.number && x.event === 'start')!;
      const end = m.find((x) => x.trial === t.number && x.event === 'end')!;
      expect(start.job).toBe(t.jobId);
      expect(start.cuda).toBe(t.gpus);
      return { gpu: start.cuda, from: start.at, to: end.at };
    });
    for (const a of spans) for (const b of spans) if (a !== b && a.gpu === b.gpu) expect(a.to <= b.from || b.to <= a.from).toBe(true);
    expect(activeJobsOf('slurm-asha')).toEqual([]);
    store.close();
  });

  it('runs stop-based ASHA (the default): one job per configuration, stopped at its rung by scancel', async () => {
    const dir = tempDir('ns-slurm-asha-stop-');
    const marker = path.join(dir, 'marks.jsonl');
    const { store, result, trials } = await runStudy(
      dir,
      `name: slurm-asha-stop
trainer:
  command: [node, ${JSON.stringify(TRIAL)}, ${JSON.stringify(marker)}]
  env: {EPOCH_MS: "400"}
  kill_grace: 2s
search_space:
  x: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
fidelity: {param: epochs, min: 1, max: 9, eta: 3}
sampler: {type: random}
scheduler: {type: asha}
budget: {trials: 8}
seed: 5
executor: {type: slurm, max_jobs: 3, time: 10m}
`,
    );
    expect(result.state).toBe('finished');
    expect(trials).toHaveLength(8);
    // No promotions: each configuration is one job, started at the full budget.
    expect(trials.every((t) => t.lineage.kind === 'sampler' && t.budget === 9)).toBe(true);
    expect(new Set(trials.map((t) => t.jobId)).size).toBe(8);
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    const m = marks(marker);
    for (const t of pruned) {
      expect(t.reason).toMatch(/^asha stopped at rung/);
      // Stopped on the node (SIGTERM through scancel), not trained to the end.
      expect(m.filter((x) => x.trial === t.number).map((x) => x.event)).toEqual(['start', 'term']);
    }
    for (const t of trials.filter((t) => t.state !== 'pruned')) expect(t.state).toBe('complete');
    // Its fixed cost (from the job's start on the node to its first report) is recorded.
    for (const t of trials) expect(t.metrics.startup_s).toBeGreaterThanOrEqual(0);
    expect(activeJobsOf('slurm-asha-stop')).toEqual([]);
    store.close();
  });

  it('prunes by scancel: the pruned trial gets SIGTERM on the node and its job ends', async () => {
    const dir = tempDir('ns-slurm-median-');
    const marker = path.join(dir, 'marks.jsonl');
    const { store, trials } = await runStudy(
      dir,
      `name: slurm-median
trainer:
  command: [node, ${JSON.stringify(TRIAL)}, ${JSON.stringify(marker)}]
  kill_grace: 2s
search_space:
  quality: {type: categorical, choices: [0.9, 0.8, 0.1]}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: grid}
scheduler: {type: median, n_startup_trials: 2, n_warmup_steps: 2}
budget: {trials: 3}
executor: {type: slurm, max_jobs: 1}
`,
    );
    const bad = trials.find((t) => t.params.quality === 0.1)!;
    expect(bad.state).toBe('pruned');
    expect(bad.jobId).not.toBeNull();
    const m = marks(marker).filter((x) => x.trial === bad.number);
    expect(m.map((x) => x.event)).toEqual(['start', 'term']);
    expect(trials.filter((t) => t.state === 'complete')).toHaveLength(2);
    expect(activeJobsOf('slurm-median')).toEqual([]);
    store.close();
    // The trial page's API names the job and the node.
    const router = new ApiRouter({ db: path.join(dir, 'x.db') });
    const r = await router.handle('trial.detail', { study: 'slurm-median', number: bad.number });
    expect(r.ok && r.result).toMatchObject({ trial: { jobId: bad.jobId, node: bad.node } });
    expect(bad.node).not.toBeNull();
    // The timeline's lanes are the nodes, and each bar knows its job.
    const answer = await router.handle('study.timeline', { study: 'slurm-median' });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    const tl = answer.result as StudyTimeline;
    const barOf = tl.bars.number.indexOf(bad.number);
    expect(tl.lanes[tl.bars.lane[barOf]!]).toContain(bad.node!);
    expect(Object.keys(tl.jobs)).toHaveLength(trials.length);
    for (const t of trials) expect(tl.jobs[t.number]).toBe(t.jobId);
    await router.close();
  });

  it('passes hostile parameter values to the trial literally, as the local runner does', async () => {
    const dir = tempDir('ns-slurm-shell-');
    const out = path.join(dir, 'argv.jsonl');
    writeFileSync(
      path.join(dir, 'echo-argv.mjs'),
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');
console.log('@nightshift ' + JSON.stringify({ step: 1, score: 1 }));
`,
    );
    const { store } = await runStudy(
      dir,
      `name: slurm-shell
trainer:
  command: [node, echo-argv.mjs, --value, "{v}", "prefix-{v}"]
search_space:
  v: {type: categorical, choices: ${JSON.stringify(HOSTILE)}}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: grid}
budget: {trials: ${HOSTILE.length}}
executor: {type: slurm, max_jobs: ${HOSTILE.length}}
`,
    );
    const seen = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(seen.map((a) => a[1]).sort()).toEqual([...HOSTILE].sort());
    for (const a of seen) expect(a).toEqual(['--value', a[1], `prefix-${a[1]}`]);
    for (let i = 1; i <= 5; i++) for (const d of [dir, ROOT]) expect(existsSync(path.join(d, `PWNED${i}`))).toBe(false);
    store.close();
  });
});
