// The bundled trainer with NIGHTSHIFT_DATA_CACHE_DIR, as the engine starts it for each trial of a study.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSynthetic } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TRAINER = path.join(ROOT, 'out/trainers/builtin-trainer.mjs');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ns-trainer-cache-'));
const csvFile = writeSynthetic(path.join(tmp(), 'train.csv'), 400, 11);
const PARAMS = JSON.stringify({ units: 16, layers: 1, lr: 0.01, batch_size: 64 });

interface Run {
  status: number | null;
  reports: string[];
  cacheLine: string;
}

function start(cacheDir: string): Promise<Run> {
  const child = spawn(process.execPath, [TRAINER], {
    env: {
      PATH: process.env.PATH,
      NIGHTSHIFT_BUILTIN: JSON.stringify({ model: 'mlp', dataset: { csv: csvFile, target: 'y' } }),
      NIGHTSHIFT_PARAMS: PARAMS,
      NIGHTSHIFT_SEED: '3',
      NIGHTSHIFT_BUDGET: '1',
      NIGHTSHIFT_DATA_CACHE_DIR: cacheDir,
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) =>
    child.on('close', (status) =>
      resolve({
        status,
        // epoch_time_s differs from run to run; everything else must not.
        reports: out.split('\n').filter((l) => l.startsWith('@nightshift ')).map((l) => l.replace(/"epoch_time_s":[^,}]+/, '')),
        cacheLine: err.split('\n').find((l) => l.startsWith('[nightshift] data cache:')) ?? '',
      }),
    ),
  );
}

describe('trainer process: data cache', () => {
  it('two trials started at once both train; the next one reads the cache and reports the same', async () => {
    const cache = tmp();
    const [a, b] = await Promise.all([start(cache), start(cache)]);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(a.reports).toHaveLength(1);
    expect(b.reports).toEqual(a.reports);
    // Whichever renamed last, exactly one whole cache file is left and no temporary ones.
    expect(readdirSync(cache)).toHaveLength(1);
    expect(readdirSync(cache)[0]).toMatch(/^csv-[0-9a-f]+\.bin$/);

    const c = await start(cache);
    expect(c.status).toBe(0);
    expect(c.cacheLine).toMatch(/^\[nightshift\] data cache: hit, read csv-[0-9a-f]+\.bin in \d+ ms$/);
    expect(c.reports).toEqual(a.reports);
  });
});
