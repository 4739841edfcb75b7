// The width a chart's canvas is drawn at, which follows the chart's width only once a resize has settled.
// Redrawing every canvas of the 10,000-trial study page on each width change (the Pareto front's dominated
// points, the learning-curve bands, the timeline's bars, the best-so-far and hypervolume lines) cost more
// than a frame: most of it was Chromium re-allocating, rasterising and committing the canvases, not our
// JavaScript (a trace of 20 resizes: 430 ms of Commit, 130 ms with the canvases hidden;
// bench/results/2026-11-30-render-resize.md). While the window is being resized, the last drawing is
// stretched instead, laid so its plot area covers the chart's new plot area (`stretch`): the points stay
// under the axes that the SVG redraws at every width. Once the width has held for SETTLE_MS, the canvas is
// drawn again at it, sharp.

import { followWidth } from './frame-width.js';

/** How long a width must hold before the canvas is drawn at it: longer than the gap between two resize
 * events of a window edge being dragged, short enough not to be noticed after letting go. */
export const SETTLE_MS = 150;

/**
 * Calls `set` with the node's width at mount and after the observer's first callback (the page still
 * settling: the first drawing is not late), then with each new width once no other came for SETTLE_MS.
 */
export function settledWidth(node: HTMLElement, set: (width: number) => void): { destroy(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return followWidth(node, set, {
    hand: (run) => {
      clearTimeout(timer);
      timer = setTimeout(run, SETTLE_MS);
    },
    cancel: () => clearTimeout(timer),
  });
}

/**
 * Where a canvas drawn `drawn` CSS pixels wide goes on a chart now `width` wide (CSS left and width): the
 * drawing's plot area [m.left, drawn - m.right] scaled onto the chart's [m.left, width - m.right]. The same
 * numbers when the two widths are equal: left 0, width `width`.
 */
export function stretch(drawn: number, width: number, m: { left: number; right: number }): { left: number; width: number } {
  if (drawn === width) return { left: 0, width };
  const k = (width - m.left - m.right) / Math.max(1, drawn - m.left - m.right);
  return { left: m.left * (1 - k), width: drawn * k };
}
