// Frame times of each interaction a user has on the big study's pages: hovering each chart, resizing the
// window, scrolling through the trials table, brushing an axis of the parallel coordinates, resizing the
// trial page. A frame time is the interval between two requestAnimationFrame callbacks while the
// interaction runs: 16.7 ms at 60 Hz when every frame's work fits, a multiple of it when one does not.
import type { Page } from 'playwright-core';

export interface FrameStats {
  median: number;
  p95: number;
  max: number;
  frames: number;
  /** Frames that missed a 60 Hz vsync (over 17.5 ms: the interval was two or more vsyncs). */
  over: number;
}

/** rAF intervals (ms) while `drive` runs. */
async function frames(page: Page, drive: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__frames = [];
    w.__stop = false;
    let last = performance.now();
    const loop = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (!w.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  await drive();
  // Work a chart defers (a redraw once the width settles, a drawing spread over frames) lands inside the
  // measurement: it runs on until half a second after the last input.
  await page.waitForTimeout(500);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames.slice(1);
  });
}

function stats(xs: number[]): FrameStats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { median: q(0.5), p95: q(0.95), max: s.at(-1) ?? NaN, frames: s.length, over: s.filter((x) => x > 17.5).length };
}

async function measure(page: Page, drive: () => Promise<void>): Promise<FrameStats> {
  return stats(await frames(page, drive));
}

/** Mouse moves across the element's box (120 of them, two sweeps), as a user scanning the chart. */
async function hover(page: Page, selector: string): Promise<FrameStats | null> {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return null;
  await el.scrollIntoViewIfNeeded();
  const b = (await el.boundingBox())!;
  return measure(page, async () => {
    for (let i = 0; i < 120; i++) await page.mouse.move(b.x + (b.width * (i % 60)) / 60, b.y + b.height / 2 + Math.sin(i) * Math.min(80, b.height / 3));
    await page.mouse.move(0, 0);
  });
}

/** 20 window resizes, 50 ms apart, between two widths. */
async function resize(page: Page): Promise<FrameStats> {
  await page.evaluate(() => window.scrollTo(0, 0));
  return measure(page, async () => {
    for (let i = 0; i < 20; i++) {
      await page.setViewportSize({ width: i % 2 ? 1360 : 1200, height: 900 });
      await page.waitForTimeout(50);
    }
  });
}

/** Wheel scrolling from the top of the page down through the trials table and back up. */
async function scroll(page: Page): Promise<FrameStats> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(680, 450);
  return measure(page, async () => {
    for (let i = 0; i < 60; i++) await page.mouse.wheel(0, i < 30 ? 200 : -200);
  });
}

/** Drag a brush along the first axis of the parallel coordinates, down then up (one brush, 60 moves). */
async function brush(page: Page): Promise<FrameStats | null> {
  const hit = page.locator('[data-testid="parallel-coordinates"] rect.hit').first();
  if ((await hit.count()) === 0) return null;
  await hit.scrollIntoViewIfNeeded();
  const b = (await hit.boundingBox())!;
  const x = b.x + b.width / 2;
  return measure(page, async () => {
    await page.mouse.move(x, b.y + 10);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) await page.mouse.move(x, b.y + 10 + ((b.height - 20) * (i < 30 ? i : 60 - i)) / 30);
    await page.mouse.up();
  });
}

export interface InteractionRow {
  view: string;
  interaction: string;
  stats: FrameStats;
}

/**
 * Every interaction on the study page of `study` (already on screen), its Understand page and its trial 0.
 * Interactions whose chart this build lacks are left out.
 */
export async function interactions(page: Page, study: string, trials: number, reports: number): Promise<InteractionRow[]> {
  const rows: InteractionRow[] = [];
  const add = (view: string, interaction: string, s: FrameStats | null) => {
    if (s) rows.push({ view, interaction, stats: s });
  };
  const pts = await page.locator('[data-pareto-point]').count();
  const studyView = `Study page (${trials} trials, ${pts} on front)`;
  add(studyView, 'hover Pareto front', await hover(page, 'svg[aria-label^="Pareto front"]'));
  add(studyView, 'hover best so far', await hover(page, 'section[aria-label="Budget"] .chart'));
  add(studyView, 'hover learning curves', await hover(page, '[data-testid="learning-curves"]'));
  add(studyView, 'hover hypervolume', await hover(page, '[data-testid="hypervolume"]'));
  add(studyView, 'hover timeline', await hover(page, '[data-testid="timeline"]'));
  add(studyView, 'scroll to the trials table and back', await scroll(page));
  add(studyView, 'resize window (20 times)', await resize(page));

  await page.evaluate((s) => (location.hash = `#/study/${s}/understand`), study);
  const pc = page.locator('[data-testid="parallel-coordinates"]');
  try {
    await pc.waitFor({ timeout: 60_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const lines = await pc.getAttribute('data-lines');
    add(`Understand page (${lines} lines)`, 'brush an axis', await brush(page));
    add(`Understand page (${lines} lines)`, 'resize window (20 times)', await resize(page));
  } catch {
    // This build has no parallel coordinates for the study: nothing to measure there.
  }

  await page.evaluate((s) => (location.hash = `#/study/${s}/trial/0`), study);
  await page.locator('[data-testid="trial-params"]').waitFor();
  await page.evaluate(() => new Promise(requestAnimationFrame));
  add(`Trial page (${reports} reports)`, 'resize window (20 times)', await resize(page));
  return rows;
}
