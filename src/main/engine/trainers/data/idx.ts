// MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/): a 4-byte magic (0, 0, type, dims), big-endian
// uint32 dimension sizes, then the data. Only unsigned bytes (type 0x08) are read: that is what MNIST,
// Fashion-MNIST and EMNIST ship. Gzipped files (.gz as downloaded) are unpacked transparently.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { DatasetSpec } from '../config.js';
import { TrainerUserError } from '../errors.js';
import type { Dataset } from './dataset.js';

type IdxSpec = Extract<DatasetSpec, { kind: 'idx' }>;

interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function readIdx(file: string, key: string): IdxArray {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TrainerUserError(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code})`}; check ${key}`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new TrainerUserError(`${file}: not an IDX file (bad magic number); ${key} must point at an MNIST-format file`);
  }
  if (buf[2] !== 0x08) {
    throw new TrainerUserError(`${file}: IDX element type 0x${buf[2]!.toString(16)} is not supported; only unsigned bytes (0x08) are read`);
  }
  const ndims = buf[3]!;
  const header = 4 + 4 * ndims;
  if (ndims === 0 || buf.length < header) throw new TrainerUserError(`${file}: truncated IDX header`);
  const dims = Array.from({ length: ndims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length < header + size) {
    throw new TrainerUserError(`${file}: truncated: the header announces ${size} bytes of data but the file has ${buf.length - header}`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + header, size) };
}

export function loadIdx(spec: IdxSpec): Dataset {
  const key = 'trainer.builtin.dataset.idx';
  const images = readIdx(spec.images, `${key}.images`);
  const labels = readIdx(spec.labels, `${key}.labels`);
  if (images.dims.length < 2 || images.dims.length > 4) {
    throw new TrainerUserError(`${spec.images}: expected images (n × height × width), got dimensions ${images.dims.join(' × ')}; is ${key}.images the labels file?`);
  }
  if (labels.dims.length !== 1) {
    throw new TrainerUserError(`${spec.labels}: expected one label per image (1 dimension), got ${labels.dims.join(' × ')}; is ${key}.labels the images file?`);
  }
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) {
    throw new TrainerUserError(`${spec.labels}: ${labels.dims[0]} labels for ${n} images in ${spec.images}; use matching files`);
  }
  const [h = 1, w = 1, c = 1] = images.dims.slice(1);
  const x = Float32Array.from(images.data, (v) => v / 255);
  const distinct = [...new Set(labels.data)].sort((a, b) => a - b);
  if (distinct.length < 2) {
    throw new TrainerUserError(`${spec.labels}: every label is ${distinct[0]}; classification needs at least 2 classes`);
  }
  const index = new Map(distinct.map((v, i) => [v, i]));
  const y = Float32Array.from(labels.data, (v) => index.get(v)!);
  return { name: spec.images, task: 'classification', x, y, n, shape: [h, w, c], classes: distinct.map(String), standardize: [] };
}
