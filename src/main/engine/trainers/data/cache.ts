// The decoded, split dataset cached once per study. Decoding dominates a short trial (a 60,000-image IDX set
// took about 8 s of a 10 s one-epoch trial: gunzip, one float per pixel, label mapping, the stratified split),
// and every trial of a study decodes the same files with the same split. The first trial writes one binary
// file in the study's folder; later trials map it back into arrays in a fraction of that time.
//
// A cache file is named by the dataset spec and the split options, and its header records each source
// file's path, size and mtime: a changed file or split gives a miss and a rewrite. A CRC-32 of the payload
// catches a torn or corrupted file, which is then ignored and rewritten. Writes go to a temporary name and
// are renamed into place, so two trials that start at once each either read a whole file or decode for
// themselves (both write identical bytes; the last rename wins). The cache never fails a trial: any
// problem reading or writing it falls back to decoding, with one log line saying why.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { BuiltinConfig, DatasetSpec } from '../config.js';
import type { Dataset } from './dataset.js';
import type { Split } from './split.js';

const MAGIC = 'NSDC';
const FORMAT = 1;

export interface SplitOptions {
  validation_fraction: number;
  cv: number | null;
  split_seed: number;
}

export interface SplitData {
  data: Dataset;
  splits: Split[];
}

interface SourceStat {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Header {
  format: number;
  sources: SourceStat[];
  split: SplitOptions;
  name: string;
  task: Dataset['task'];
  n: number;
  shape: number[];
  classes: string[];
  standardize: number[];
  /** u8: every value is k/255 (images), stored as k; f32: stored as is. */
  xEncoding: 'u8' | 'f32';
  splits: { train: number; val: number }[];
  payloadBytes: number;
  crc: number;
}

export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'corrupt';

/** The files a dataset is decoded from (the bundled digits: the `mnist` package's own files). */
function sourceFiles(spec: DatasetSpec): string[] {
  switch (spec.kind) {
    case 'csv':
      return [spec.path];
    case 'idx':
      return [spec.images, spec.labels];
    case 'mnist':
      return [createRequire(import.meta.url).resolve('mnist')];
  }
}

function statSources(spec: DatasetSpec): SourceStat[] {
  return sourceFiles(spec).map((p) => {
    const s = statSync(p);
    return { path: p, size: s.size, mtimeMs: s.mtimeMs };
  });
}

export function splitOptions(config: BuiltinConfig): SplitOptions {
  return { validation_fraction: config.validation_fraction, cv: config.cv, split_seed: config.split_seed };
}

/** The cache file for a dataset spec and split (the source files' stats live in its header). */
export function cacheFile(dir: string, spec: DatasetSpec, split: SplitOptions): string {
  const key = createHash('sha256').update(JSON.stringify({ FORMAT, spec, split })).digest('hex').slice(0, 20);
  return path.join(dir, `${spec.kind}-${key}.bin`);
}

const align4 = (n: number): number => (n + 3) & ~3;

function isByteScaled(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) {
    const k = Math.round(x[i]! * 255);
    if (k < 0 || k > 255 || Math.fround(k / 255) !== x[i]) return false;
  }
  return true;
}

function encode(d: SplitData, sources: SourceStat[], split: SplitOptions): Buffer {
  const xEncoding = isByteScaled(d.data.x) ? 'u8' : 'f32';
  const xBytes = xEncoding === 'u8' ? d.data.x.length : d.data.x.length * 4;
  const indexCount = d.splits.reduce((a, s) => a + s.train.length + s.val.length, 0);
  const payloadBytes = align4(xBytes) + d.data.y.length * 4 + indexCount * 4;
  const payload = Buffer.alloc(payloadBytes);
  if (xEncoding === 'u8') {
    const x = d.data.x;
    for (let i = 0; i < x.length; i++) payload[i] = Math.round(x[i]! * 255);
  } else {
    payload.set(new Uint8Array(d.data.x.buffer, d.data.x.byteOffset, xBytes), 0);
  }
  let at = align4(xBytes);
  payload.set(new Uint8Array(d.data.y.buffer, d.data.y.byteOffset, d.data.y.length * 4), at);
  at += d.data.y.length * 4;
  const idx = new Uint32Array(payload.buffer, payload.byteOffset + at, indexCount);
  let k = 0;
  for (const s of d.splits) for (const list of [s.train, s.val]) for (const i of list) idx[k++] = i;
  const { name, task, n, shape, classes, standardize } = d.data;
  const header: Header = {
    format: FORMAT,
    sources,
    split,
    name,
    task,
    n,
    shape,
    classes,
    standardize,
    xEncoding,
    splits: d.splits.map((s) => ({ train: s.train.length, val: s.val.length })),
    payloadBytes,
    crc: crc32(payload),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(align4(12 + json.length));
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  return Buffer.concat([head, payload]);
}

class Unusable extends Error {
  constructor(
    readonly outcome: Exclude<CacheOutcome, 'hit' | 'miss'>,
    why: string,
  ) {
    super(why);
  }
}

function decode(buf: Buffer, sources: SourceStat[], split: SplitOptions): SplitData {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) {
    throw new Unusable('corrupt', 'not a cache file of this version');
  }
  const jsonLength = buf.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + jsonLength)) as Header;
  } catch {
    throw new Unusable('corrupt', 'unreadable header');
  }
  if (JSON.stringify(header.sources) !== JSON.stringify(sources)) throw new Unusable('stale', 'the data file changed');
  if (JSON.stringify(header.split) !== JSON.stringify(split)) throw new Unusable('stale', 'the split changed');
  const start = align4(12 + jsonLength);
  if (buf.length !== start + header.payloadBytes) throw new Unusable('corrupt', 'truncated');
  // Typed arrays need 4-byte alignment; a Buffer from readFileSync may sit at any offset of its pool.
  const payload = (buf.byteOffset + start) % 4 === 0 ? buf.subarray(start) : Buffer.from(buf.subarray(start));
  if (crc32(payload) !== header.crc) throw new Unusable('corrupt', 'checksum mismatch');
  const size = header.shape.reduce((a, b) => a * b, 1) * header.n;
  let x: Float32Array;
  let at: number;
  if (header.xEncoding === 'u8') {
    x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = payload[i]! / 255;
    at = align4(size);
  } else {
    // Views on the buffer just read, not copies: it is ours alone, and nothing writes to a dataset's arrays
    // (prepare() copies rows out). A copy cost a second pass over the file (31 MB for the bundled digits).
    x = new Float32Array(payload.buffer, payload.byteOffset, size);
    at = size * 4;
  }
  const y = new Float32Array(payload.buffer, payload.byteOffset + at, header.n);
  at += header.n * 4;
  const idx = new Uint32Array(payload.buffer, payload.byteOffset + at, (header.payloadBytes - at) / 4);
  let k = 0;
  const take = (count: number): number[] => Array.from(idx.subarray(k, (k += count)));
  const splits = header.splits.map((s) => ({ train: take(s.train), val: take(s.val) }));
  const { name, task, n, shape, classes, standardize } = header;
  return { data: { name, task, x, y, n, shape, classes, standardize }, splits };
}

export interface CachedLoad extends SplitData {
  outcome: CacheOutcome;
}

/**
 * The last dataset this process kept, with what it was loaded from: a reused trainer process runs trial
 * after trial on the same data, and reading it again from the cache file was 10-30 ms of a 250 ms
 * one-epoch digits trial. Trials only read it (prepare() gathers copies), so sharing it is safe.
 */
let inMemory: { key: string; data: SplitData } | null = null;

/**
 * The dataset and its splits, from `dir`'s cache when it matches the files and split, else from `build`
 * (then cached). `log` gets one line saying which, for the trial's log.
 */
export function loadCached(
  dir: string,
  spec: DatasetSpec,
  split: SplitOptions,
  build: () => SplitData,
  log: (line: string) => void,
  /** Keep what was loaded in memory for this process's next trial (a reused trainer process). */
  keep = false,
): CachedLoad {
  const t0 = performance.now();
  const ms = (): string => `${Math.round(performance.now() - t0)} ms`;
  let sources: SourceStat[];
  try {
    sources = statSources(spec);
  } catch {
    // A missing file: let the loader report it with its usual message.
    return { ...build(), outcome: 'miss' };
  }
  const file = cacheFile(dir, spec, split);
  // Same files (path, size, mtime) and split as the last load: the arrays this process already holds.
  const key = JSON.stringify([file, sources, split]);
  if (keep && inMemory?.key === key) {
    log(`data cache: hit in memory (this process loaded it for an earlier trial), ${ms()}`);
    return { ...inMemory.data, outcome: 'hit' };
  }
  let outcome: CacheOutcome = 'miss';
  let why = 'no cache yet';
  try {
    const cached = decode(readFileSync(file), sources, split);
    log(`data cache: hit, read ${path.basename(file)} in ${ms()}`);
    if (keep) inMemory = { key, data: cached };
    return { ...cached, outcome: 'hit' };
  } catch (e) {
    if (e instanceof Unusable) {
      outcome = e.outcome;
      why = e.message;
    } else {
      const code = (e as { code?: string }).code;
      if (code !== 'ENOENT') why = `cannot read it (${code ?? (e as Error).message})`;
    }
  }
  const built = build();
  if (keep) inMemory = { key, data: built };
  const decodedIn = ms();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, encode(built, sources, split));
    renameSync(tmp, file);
    log(`data cache: ${outcome} (${why}); decoded in ${decodedIn}, wrote ${path.basename(file)}`);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable (not a folder, gone): there is no temporary file to remove.
    }
    log(`data cache: ${outcome} (${why}); decoded in ${decodedIn}, could not write the cache (${(e as Error).message})`);
  }
  return { ...built, outcome };
}
