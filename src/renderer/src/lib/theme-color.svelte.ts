// Canvas charts paint with the theme's colours, which are CSS variables on the root element (app.css).
// Reading one through getComputedStyle forces a style recalculation whenever the page changed since the last
// read, and after a resize every chart's redraw read them after the previous chart had changed its SVG:
// about 100 ms of a 20-resize profile of the 10,000-trial study page went to those reads
// (bench/results/2026-11-30-render-frames.md). They are read once per theme here; a chart that paints with
// `themeColor` inside an effect redraws when the theme changes.
let theme = $state(0);
// Not reactive on purpose: readers depend on `theme`, which changes whenever the cache is cleared.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, string>();
new MutationObserver(() => {
  cache.clear();
  theme++;
}).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

/** The value of CSS variable `name` (e.g. '--front') in the current theme, or `fallback` when unset. */
export function themeColor(name: string, fallback = '#888'): string {
  void theme;
  let v = cache.get(name);
  if (v === undefined) {
    v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
    cache.set(name, v);
  }
  return v;
}
