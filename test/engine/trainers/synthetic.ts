// A deterministic, non-trivial tabular dataset for trainer tests (no memorised real data): three classes
// from a non-linear function of two informative numeric features on very different scales, one categorical
// feature that shifts the boundary, three noise features and 4% label noise. The majority class is about
// 40%; a linear boundary cannot separate the sine, an MLP reaches about 90%.
import { writeFileSync } from 'node:fs';
import { Rng } from '../../../src/main/engine/trainers/rng.js';

export function syntheticRows(n: number, seed: number, task: 'classification' | 'regression'): string {
  const rng = new Rng(seed);
  const lines = ['dist_m,tilt,colour,noise_a,noise_b,noise_c,y'];
  const colours = ['red', 'green', 'blue'];
  for (let i = 0; i < n; i++) {
    const dist = rng.next() * 1000; // large scale: only learnable after standardization
    const tilt = rng.next() * 2 - 1;
    const colour = colours[rng.int(3)]!;
    const u = dist / 500 - 1;
    const s = Math.sin(3 * u) + tilt + (colour === 'blue' ? 0.8 : 0);
    let y: string;
    if (task === 'regression') {
      y = (Math.sin(3 * u) + tilt * tilt + (colour === 'blue' ? 1 : 0) + (rng.next() - 0.5) * 0.2).toFixed(4);
    } else {
      let c = s < -0.4 ? 0 : s < 0.7 ? 1 : 2;
      if (rng.next() < 0.04) c = rng.int(3);
      y = ['low', 'mid', 'high'][c]!;
    }
    const noise = [rng.next(), rng.next() * 10, rng.next() - 0.5].map((v) => v.toFixed(4));
    lines.push([dist.toFixed(2), tilt.toFixed(4), colour, ...noise, y].join(','));
  }
  return lines.join('\n') + '\n';
}

export function writeSynthetic(file: string, n: number, seed: number, task: 'classification' | 'regression' = 'classification'): string {
  writeFileSync(file, syntheticRows(n, seed, task));
  return file;
}

/** Tiny 8×8 "images": a bright horizontal, vertical or diagonal stroke at a random place, plus noise. */
export function syntheticImages(n: number, seed: number): { images: Buffer; labels: Buffer } {
  const rng = new Rng(seed);
  const size = 8;
  const images = Buffer.alloc(16 + n * size * size);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(size, 8);
  images.writeUInt32BE(size, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    const at = 1 + rng.int(size - 2);
    const base = 16 + i * size * size;
    for (let p = 0; p < size * size; p++) images[base + p] = rng.int(60);
    for (let k = 0; k < size; k++) {
      const [r, c] = label === 0 ? [at, k] : label === 1 ? [k, at] : [k, k];
      images[base + r * size + c] = 200 + rng.int(56);
    }
    labels[8 + i] = label;
  }
  return { images, labels };
}
