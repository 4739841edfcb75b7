// Chart geometry shared by the HTML report (SVG strings) and the app's Svelte charts. No DOM here.
export { dataScale, extent, formatNumber, linearScale, logScale, niceNumber, niceTicks, withRange, type Scale } from './scale.js';
export { bestSoFar, cumulative, downsample, linePath, paretoStaircase, stepLine, type Point } from './series.js';
