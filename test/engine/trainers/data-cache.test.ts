// The per-study cache of the decoded, split dataset: real files on disk, decoded by the real loaders.
import { readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../../src/main/engine/trainers/config.js';
import { cacheFile, loadCached, type SplitData, type SplitOptions } from '../../../src/main/engine/trainers/data/cache.js';
import { loadDataset } from '../../../src/main/engine/trainers/data/load.js';
import { holdoutSplit, kFoldSplits } from '../../../src/main/engine/trainers/data/split.js';
import { syntheticImages, writeSynthetic } from './synthetic.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ns-data-cache-'));
const HOLDOUT: SplitOptions = { validation_fraction: 0.2, cv: null, split_seed: 0 };

function idxSpec(dir: string, n = 90, seed = 3): Extract<DatasetSpec, { kind: 'idx' }> {
  const { images, labels } = syntheticImages(n, seed);
  writeFileSync(path.join(dir, 'images.idx'), images);
  writeFileSync(path.join(dir, 'labels.idx'), labels);
  return { kind: 'idx', images: path.join(dir, 'images.idx'), labels: path.join(dir, 'labels.idx') };
}

function csvSpec(dir: string): Extract<DatasetSpec, { kind: 'csv' }> {
  const file = writeSynthetic(path.join(dir, 'd.csv'), 120, 5);
  return { kind: 'csv', path: file, target: 'y', task: null, categorical: [], ignore: [], delimiter: ',' };
}

/** A loader that counts how often it really decoded. */
function decoder(spec: DatasetSpec, split: SplitOptions): { build: () => SplitData; calls: () => number } {
  let calls = 0;
  return {
    build: () => {
      calls++;
      const data = loadDataset(spec);
      const splits = split.cv !== null ? kFoldSplits(data, split.cv, split.split_seed) : [holdoutSplit(data, split.validation_fraction, split.split_seed)];
      return { data, splits };
    },
    calls: () => calls,
  };
}

function load(dir: string, spec: DatasetSpec, split: SplitOptions = HOLDOUT): { result: ReturnType<typeof loadCached>; calls: number; lines: string[] } {
  const lines: string[] = [];
  const d = decoder(spec, split);
  const result = loadCached(dir, spec, split, d.build, (l) => lines.push(l));
  return { result, calls: d.calls(), lines };
}

function plain(r: SplitData): unknown {
  return { ...r.data, x: Array.from(r.data.x), y: Array.from(r.data.y), splits: r.splits };
}

describe('data cache', () => {
  it('decodes once, then later trials read the same arrays and splits from the cache', () => {
    const cache = tmp();
    const spec = idxSpec(tmp());
    const first = load(cache, spec);
    expect(first.result.outcome).toBe('miss');
    expect(first.calls).toBe(1);
    expect(first.lines[0]).toMatch(/^data cache: miss \(no cache yet\); decoded in \d+ ms, wrote idx-[0-9a-f]+\.bin$/);
    const second = load(cache, spec);
    expect(second.result.outcome).toBe('hit');
    expect(second.calls).toBe(0);
    expect(second.lines[0]).toMatch(/^data cache: hit, read idx-[0-9a-f]+\.bin in \d+ ms$/);
    expect(plain(second.result)).toEqual(plain(first.result));
    // Pixels k/255 are stored as one byte each, not four.
    expect(readFileSync(cacheFile(cache, spec, HOLDOUT)).length).toBeLessThan(first.result.data.x.length * 2);
  });

  it('keeps CSV features (standardized later) and k-fold splits exactly', () => {
    const cache = tmp();
    const spec = csvSpec(tmp());
    const cv: SplitOptions = { validation_fraction: 0.2, cv: 4, split_seed: 9 };
    const first = load(cache, spec, cv);
    const second = load(cache, spec, cv);
    expect(second.result.outcome).toBe('hit');
    expect(second.result.splits).toHaveLength(4);
    expect(plain(second.result)).toEqual(plain(first.result));
  });

  it('is invalidated when the data file changes (content and mtime) and rewritten', () => {
    const cache = tmp();
    const dir = tmp();
    const spec = idxSpec(dir, 90, 3);
    load(cache, spec);
    idxSpec(dir, 120, 4); // new content, new size
    const changed = load(cache, spec);
    expect(changed.result.outcome).toBe('stale');
    expect(changed.lines[0]).toContain('the data file changed');
    expect(changed.result.data.n).toBe(120);
    expect(load(cache, spec).result.outcome).toBe('hit');
    // Same size, only touched: still re-read, since the bytes may differ.
    utimesSync(spec.images, new Date(), new Date(Date.now() + 5000));
    expect(load(cache, spec).result.outcome).toBe('stale');
  });

  it('gives a changed split its own cache entry instead of the old split', () => {
    const cache = tmp();
    const spec = idxSpec(tmp());
    const a = load(cache, spec);
    const b = load(cache, spec, { ...HOLDOUT, split_seed: 1 });
    expect(b.result.outcome).toBe('miss');
    expect(b.calls).toBe(1);
    expect(b.result.splits[0]!.val).not.toEqual(a.result.splits[0]!.val);
    expect(load(cache, spec).result.outcome).toBe('hit');
    expect(load(cache, spec, { ...HOLDOUT, split_seed: 1 }).result.outcome).toBe('hit');
  });

  it('ignores a corrupt or truncated cache file, decodes, and rewrites it', () => {
    const cache = tmp();
    const spec = idxSpec(tmp());
    const reference = plain(load(cache, spec).result);
    const file = cacheFile(cache, spec, HOLDOUT);
    const good = readFileSync(file);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 100] = flipped[flipped.length - 100]! ^ 0xff;
    writeFileSync(file, flipped);
    const afterFlip = load(cache, spec);
    expect(afterFlip.result.outcome).toBe('corrupt');
    expect(afterFlip.lines[0]).toContain('checksum mismatch');
    expect(plain(afterFlip.result)).toEqual(reference);
    expect(readFileSync(file).equals(good)).toBe(true);

    writeFileSync(file, good.subarray(0, good.length - 10));
    expect(load(cache, spec).result.outcome).toBe('corrupt');
    writeFileSync(file, 'garbage');
    expect(load(cache, spec).result.outcome).toBe('corrupt');
    expect(load(cache, spec).result.outcome).toBe('hit');
    // Rewrites leave no temporary files behind.
    expect(readdirSync(cache)).toEqual([path.basename(file)]);
  });

  it('still trains when the cache folder cannot be written', () => {
    const blocker = path.join(tmp(), 'not-a-folder');
    writeFileSync(blocker, '');
    const spec = idxSpec(tmp());
    const r = load(path.join(blocker, 'cache'), spec);
    expect(r.result.outcome).toBe('miss');
    expect(r.result.data.n).toBe(90);
    expect(r.lines[0]).toContain('could not write the cache');
  });
});
