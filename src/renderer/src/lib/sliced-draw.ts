// A canvas drawing too long for one frame (10,000 parallel-coordinate polylines took 400-850 ms per redraw on
// the loaded 2-core build machine, bench/results/2026-11-30-render-frames.md), drawn a slice per frame on an
// offscreen canvas and copied to the visible one when complete. Until then the visible canvas keeps its
// last complete drawing (stretched by CSS when the width changed), so no frame shows a half-drawn chart and
// no frame waits for the whole drawing. A drawing that fits in the first slice is on screen at once.

/** Draws items [from, to) onto `ctx` (CSS-pixel coordinates). */
export type PaintSlice = (ctx: CanvasRenderingContext2D, from: number, to: number) => void;

/** Main-thread time per frame given to the drawing; the rest of a 16.7 ms frame is left to the page. */
const BUDGET_MS = 8;
/** Items painted between two looks at the clock. */
const CHUNK = 200;

/** Starts the drawing of `count` items; returns a function that abandons it (a newer drawing replaces it). */
export function drawSliced(target: HTMLCanvasElement, width: number, height: number, count: number, paint: PaintSlice): () => void {
  const dpr = window.devicePixelRatio || 1;
  const off = document.createElement('canvas');
  off.width = Math.round(width * dpr);
  off.height = Math.round(height * dpr);
  const ctx = off.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  let done = 0;
  let frame = 0;
  const step = () => {
    const start = performance.now();
    while (done < count && performance.now() - start < BUDGET_MS) {
      const to = Math.min(count, done + CHUNK);
      paint(ctx, done, to);
      done = to;
    }
    if (done < count) {
      frame = requestAnimationFrame(step);
      return;
    }
    frame = 0;
    target.width = off.width;
    target.height = off.height;
    target.getContext('2d')!.drawImage(off, 0, 0);
  };
  step();
  return () => cancelAnimationFrame(frame);
}
