// The idle power of each GPU, measured while the engine starts and no trial runs; energy above idle is
// measured against it.
export class IdleBaseline {
  private readonly samples = new Map<number, number[]>();

  add(index: number, powerW: number): void {
    const list = this.samples.get(index) ?? [];
    list.push(powerW);
    this.samples.set(index, list);
  }

  /** GPUs that gave at least one reading. */
  get gpusSeen(): number {
    return [...this.samples.values()].filter((v) => v.length > 0).length;
  }

  /** Per GPU the median reading. */
  medians(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [index, values] of this.samples) {
      const sorted = [...values].sort((a, b) => a - b);
      // Median: nvidia-smi's first reading after NVML wakes a GPU is often high (measured on an H200: 127 W
      // falling to 80 W within a second), and the median ignores such a start.
      const mid = sorted[Math.floor(sorted.length / 2)];
      if (mid !== undefined) out.set(index, mid);
    }
    return out;
  }
}
