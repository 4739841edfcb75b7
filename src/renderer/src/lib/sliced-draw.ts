// A canvas drawing too long for one frame (10,000 parallel-coordinate polylines took 400-850 ms per redraw on
// the loaded 2-core build machine, bench/results/2026-11-30-render-frames.md), drawn a slice per frame on an
// offscreen canvas and copied to the visible one when complete. Until then the visible canvas keeps its
// last complete drawing (stretched by CSS when the width changed), so no frame shows a half-drawn chart and
// no frame waits for the whole drawing. A small drawing (a slice or less) is on screen at once.

/** Draws items [from, to) onto `ctx` (CSS-pixel coordinates). */
export type PaintSlice = (ctx: CanvasRenderingContext2D, from: number, to: number) => void;

/** Main-thread time per frame given to all drawings together; the rest of a 16.7 ms frame is left to the page. */
const BUDGET_MS = 8;
/** Items painted between two looks at the clock. */
const CHUNK = 100;

interface Job {
  ctx: CanvasRenderingContext2D;
  done: number;
  count: number;
  paint: PaintSlice;
  finish(): void;
}
// One queue for every chart on the page: the Understand page redraws its parallel coordinates and four
// slice plots (10,000 items each) on one resize, and they share the frame's budget rather than take 8 ms each.
const jobs = new Set<Job>();
let frame = 0;

function run(): void {
  frame = 0;
  const start = performance.now();
  while (jobs.size > 0 && performance.now() - start < BUDGET_MS) {
    for (const job of jobs) {
      const to = Math.min(job.count, job.done + CHUNK);
      job.paint(job.ctx, job.done, to);
      // Chromium records canvas operations and rasterises them when the bitmap is next needed: without this
      // read, every slice's raster work would land in the frame that copies the finished drawing (600 ms of
      // drawImage in a profile of 20 resizes of the Understand page). Reading a pixel rasterises the slice now.
      job.ctx.getImageData(0, 0, 1, 1);
      job.done = to;
      if (to >= job.count) {
        jobs.delete(job);
        job.finish();
      }
      if (performance.now() - start >= BUDGET_MS) break;
    }
  }
  if (jobs.size > 0) frame = requestAnimationFrame(run);
}

/** Starts the drawing of `count` items; returns a function that abandons it (a newer drawing replaces it). */
export function drawSliced(target: HTMLCanvasElement, width: number, height: number, count: number, paint: PaintSlice): () => void {
  const dpr = window.devicePixelRatio || 1;
  const off = document.createElement('canvas');
  off.width = Math.round(width * dpr);
  off.height = Math.round(height * dpr);
  // Read back after every slice (see run): a canvas made for reading keeps its bitmap in memory.
  const ctx = off.getContext('2d', { willReadFrequently: true })!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const job: Job = {
    ctx,
    done: 0,
    count,
    paint,
    finish() {
      target.width = off.width;
      target.height = off.height;
      target.getContext('2d')!.drawImage(off, 0, 0);
    },
  };
  if (count <= CHUNK) {
    // Small enough for any frame: on screen at once, as before.
    paint(ctx, 0, count);
    job.finish();
    return () => {};
  }
  jobs.add(job);
  if (frame === 0) frame = requestAnimationFrame(run);
  return () => {
    jobs.delete(job);
  };
}
