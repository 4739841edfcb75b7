// Several engine processes on one database file: trial numbers stay gapless and unique, and no queued
// trial is claimed twice. Workers wait on a barrier so their transactions really interleave.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStoreReader } from '../../../src/main/engine/storage/open.js';
import { makeSpec, tempDir } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let tmp: ReturnType<typeof tempDir>;
let worker: string;

beforeAll(async () => {
  tmp = tempDir('nightshift-procs-');
  worker = path.join(tmp.dir, 'worker.cjs');
  // CommonJS so that NODE_PATH finds better-sqlite3 (kept external: a native addon) from this temp folder.
  await build({
    entryPoints: [path.join(import.meta.dirname, 'store-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: worker,
    logLevel: 'warning',
  });
});
afterAll(() => tmp.cleanup());

interface WorkerResult {
  pid: number;
  numbers: number[];
}

/** Starts one worker per argument list, releases them together, and returns their results. */
async function runTogether(file: string, jobs: string[][]): Promise<WorkerResult[]> {
  const goFile = path.join(tmp.dir, `go-${Math.random().toString(36).slice(2)}`);
  let ready = 0;
  const runs = jobs.map(
    (args) =>
      new Promise<WorkerResult>((resolve, reject) => {
        const child = spawn(process.execPath, [worker, file, goFile, ...args], {
          env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 30_000,
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          const before = out;
          out += d.toString();
          if (!before.includes('ready\n') && out.includes('ready\n') && ++ready === jobs.length) writeFileSync(goFile, '');
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          if (code !== 0) return reject(new Error(`worker ${args.join(' ')} exited ${code}: ${err}`));
          const last = out.trim().split('\n').at(-1) ?? '';
          resolve(JSON.parse(last) as WorkerResult);
        });
      }),
  );
  return Promise.all(runs);
}

describe('several processes on one database', () => {
  it('initialize one fresh file together and number 3 x 100 trials without gaps or duplicates', async () => {
    const file = path.join(tmp.dir, 'enqueue', 'shared.db');
    const results = await runTogether(file, [
      ['enqueue', 'mlp', '100'],
      ['enqueue', 'mlp', '100'],
      ['enqueue', 'mlp', '100'],
    ]);
    const store = openStore(file);
    try {
      expect(store.listStudies().map((s) => s.name)).toEqual(['mlp']);
      const trials = store.trials(store.getStudy('mlp')!.id);
      expect(trials.map((t) => t.number)).toEqual([...Array(300).keys()]);
      for (const r of results) {
        // Each process got the numbers it saw stored, in increasing order.
        expect(r.numbers).toHaveLength(100);
        expect([...r.numbers].sort((a, b) => a - b)).toEqual(r.numbers);
        expect(trials.filter((t) => t.params.pid === r.pid).map((t) => t.number)).toEqual(r.numbers);
      }
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  });

  it('never let two processes claim the same trial', async () => {
    const file = path.join(tmp.dir, 'claim.db');
    const setup = openStore(file);
    const study = setup.createStudy(makeSpec('mlp'), 'h').study;
    for (let i = 0; i < 200; i++) setup.enqueueTrial(study.id, { params: { i }, budget: null, lineage: { kind: 'enqueued' } });
    setup.close();

    const results = await runTogether(file, [
      ['claim', 'mlp', 'engine-a'],
      ['claim', 'mlp', 'engine-b'],
      ['claim', 'mlp', 'engine-c'],
    ]);
    const all = results.flatMap((r) => r.numbers).sort((a, b) => a - b);
    expect(all).toEqual([...Array(200).keys()]);

    const store = openStoreReader(file);
    try {
      const trials = store.trials(study.id);
      expect(store.counts(study.id)).toMatchObject({ queued: 0, running: 0, complete: 200 });
      ['engine-a', 'engine-b', 'engine-c'].forEach((owner, k) => {
        expect(trials.filter((t) => t.owner === owner).map((t) => t.number)).toEqual(results[k]!.numbers);
      });
      for (const t of trials) expect(store.reports(t.id).map((r) => r.metrics)).toEqual([{ loss: t.number }]);
    } finally {
      store.close();
    }
  });
});
