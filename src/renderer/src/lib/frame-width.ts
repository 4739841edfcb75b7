// The width a chart draws at, following its box. `bind:clientWidth` hands each ResizeObserver callback to the
// chart at once, so a window resize puts the page's own layout and every chart's redraw (scales, ticks,
// canvases, the Pareto front's links) into one frame: about 40 ms of main-thread work on the 10,000-trial
// study page (bench/results/2026-11-30-render-memo.md), two to ten dropped frames per resize. Handing the
// new width over in the next animation frame splits that work over two frames, and callbacks that arrive
// within one frame cost one redraw. The width at mount, and a change seen by the observer's first callback
// (the page still settling), are handed over at once, so a chart's first drawing is not a frame late.
export function frameWidth(node: HTMLElement, set: (width: number) => void): { destroy(): void } {
  let frame = 0;
  return followWidth(node, set, {
    // Callbacks within one frame join the pending hand-over; it reads the latest width when it runs.
    hand: (run) => {
      if (frame === 0)
        frame = requestAnimationFrame(() => {
          frame = 0;
          run();
        });
    },
    cancel: () => cancelAnimationFrame(frame),
  });
}

/** How a width change after the first callback reaches the chart: `hand` arranges a later `run`, `cancel` drops it. */
export interface WidthDeferral {
  hand(run: () => void): void;
  cancel(): void;
}

/**
 * The width at mount and a change seen by the observer's first callback go to `set` at once; every later
 * change through `deferral` (next frame: frameWidth; once settled: canvas-width.ts's settledWidth).
 */
export function followWidth(node: HTMLElement, set: (width: number) => void, deferral: WidthDeferral): { destroy(): void } {
  let first = true;
  // Read at mount, as bind:clientWidth does: otherwise a chart draws once at its default width and again at
  // its own (the 10,000-trial page took 2.1x the 12-trial page's time instead of 1.5x that way).
  let latest = node.clientWidth;
  set(latest);
  const observer = new ResizeObserver(() => {
    // Layout is clean inside a ResizeObserver callback: reading clientWidth forces nothing.
    const width = node.clientWidth;
    const initial = first;
    first = false;
    if (width === latest) return;
    latest = width;
    if (initial) set(latest);
    else deferral.hand(() => set(latest));
  });
  observer.observe(node);
  return {
    destroy() {
      observer.disconnect();
      deferral.cancel();
    },
  };
}
