// The timeline of a study with more bars than the page makes elements for (2,500 trials written into a real
// SQLite file, served by `nightshift serve`), in Debian's Chromium: the bars are painted on one canvas in the
// theme's state colours (repainted when the theme changes), and hovering a bar still names its trial.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import { makeSpec } from '../engine/storage/helpers.js';
import { cliEnv, ROOT, tempDir } from '../helpers/cli.js';
import { ensureRendererBuilt, hasChromium, closeServedPage, servedPage, type ServedPage } from './browser.js';

const TRIALS = 2500;
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

/** Trials 0..TRIALS-1, one after another; the second half failed. */
function seed(db: string): void {
  const store = openStore(db);
  const { study } = store.createStudy(makeSpec('many'), 'hash');
  store.transaction(() => {
    for (let i = 0; i < TRIALS; i++) {
      store.enqueueTrial(study.id, { params: { lr: 0.01, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
      const t = store.claimQueued(study.id, 'seed')!;
      const failed = i >= TRIALS / 2;
      store.finishTrial(t.id, failed ? { state: 'failed', values: {}, metrics: {}, reason: 'exit code 1' } : { state: 'complete', values: { val_accuracy: 0.5 }, metrics: {}, reason: null });
    }
  });
  store.setStudyState(study.id, 'finished', 'test');
  store.close();
}

/** Pixels of the timeline's canvas that are exactly the colour of CSS variable `name`. */
async function pixelsOf(page: Page, name: string): Promise<number> {
  return page.evaluate((v) => {
    const canvas = document.querySelector<HTMLCanvasElement>('#timeline canvas')!;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(canvas).getPropertyValue(v).trim();
    const hex = probe.fillStyle; // normalized to #rrggbb
    const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
    return n;
  }, name);
}

describe.skipIf(!hasChromium)('timeline of 2,500 trials (Chromium, nightshift serve)', () => {
  const dir = tempDir('nightshift-e2e-many-');
  const db = path.join(dir, 'many.db');
  let serve: ServedPage['serve'];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureRendererBuilt();
    seed(db);
    ({ serve, browser, page } = await servedPage(['--db', db], cliEnv(dir)));
  }, 120_000);

  afterAll(() => closeServedPage({ serve, browser }));

  it('paints every bar on one canvas in the state colours of the current theme, and hover names the trial', async () => {
    await page.goto(serve.url);
    await page.click('a[href="#/study/many"]');
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    expect(Number(await timeline.getAttribute('data-bars'))).toBe(TRIALS);
    // No element per bar at this size: the canvas holds them.
    expect(await timeline.locator('[data-trial]').count()).toBe(0);
    await timeline.scrollIntoViewIfNeeded();
    expect(await pixelsOf(page, '--ok')).toBeGreaterThan(50);
    expect(await pixelsOf(page, '--bad')).toBeGreaterThan(50);
    await page.locator('#timeline').screenshot({ path: path.join(SHOTS, 'timeline-many.png') });

    await page.click('button[aria-label^="Switch to dark"]');
    await expect.poll(() => pixelsOf(page, '--ok'), { timeout: 10_000 }).toBeGreaterThan(50);
    expect(await pixelsOf(page, '--bad')).toBeGreaterThan(50);
    await page.click('button[aria-label^="Switch to light"]');

    // The first trial's start and the last one's: the complete half, then the failed half. Bars there are
    // thinner than a pixel, so the tip names one of a few neighbours.
    const tip = page.locator('[data-testid="timeline-tip"]');
    // Where a time falls on the chart (its margins: 96 px left, 16 px right); the axis spans at least 1 s.
    const reader = openStoreReader(db);
    const trials = reader.trials(reader.getStudy('many')!.id);
    reader.close();
    const t0 = Math.min(...trials.map((t) => Date.parse(t.startedAt!)));
    const t1 = Math.max(t0 + 1000, ...trials.map((t) => Date.parse(t.endedAt!)));
    const at = (ms: number, width: number) => 96 + ((ms - t0) / (t1 - t0)) * (width - 96 - 16);
    const tipAt = async (ms: number) => {
      // Off the chart first, so the tip read below is the one of this position.
      await page.mouse.move(1, 1);
      await expect.poll(() => tip.isVisible()).toBe(false);
      // Positions read where the pointer goes, each try (the theme buttons scrolled the page up).
      await expect
        .poll(
          async () => {
            await timeline.scrollIntoViewIfNeeded();
            const box = (await timeline.boundingBox())!;
            const lane0 = (await timeline.locator('text.lane').first().boundingBox())!;
            const x = box.x + at(ms, box.width) + 0.5;
            await page.mouse.move(x, lane0.y + lane0.height / 2 + 1);
            await page.mouse.move(x, lane0.y + lane0.height / 2);
            return tip.isVisible();
          },
          { timeout: 20_000 },
        )
        .toBe(true);
      const m = /^trial (\d+) (\w+)/.exec((await tip.textContent())!.trim())!;
      return { number: Number(m[1]), state: m[2] };
    };
    const left = await tipAt(Date.parse(trials[0]!.startedAt!));
    expect(left.state).toBe('complete');
    expect(left.number).toBeLessThan(50);
    const right = await tipAt(Date.parse(trials.at(-1)!.startedAt!));
    expect(right.state).toBe('failed');
    expect(right.number).toBeGreaterThan(TRIALS - 50);
  });

  it('draws the bars again at the new width once a window resize settles, under the redrawn axis', async () => {
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    /** The canvas's backing width, the chart's width, and the last column holding a failed bar in lane 0. */
    const drawn = () =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#timeline canvas')!;
        const svg = document.querySelector<SVGSVGElement>('#timeline svg')!;
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = getComputedStyle(canvas).getPropertyValue('--bad').trim();
        const hex = probe.fillStyle as string; // normalized to #rrggbb
        const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
        const dpr = window.devicePixelRatio || 1;
        // The middle of lane 0's bars: 8 px top margin, 3 px inset, 16 px bars.
        const row = canvas.getContext('2d')!.getImageData(0, Math.round(19 * dpr), canvas.width, 1).data;
        let last = -1;
        for (let x = 0; x < canvas.width; x++) if (row[4 * x] === r && row[4 * x + 1] === g && row[4 * x + 2] === b) last = x;
        return { canvas: canvas.width / dpr, chart: Number(svg.getAttribute('width')), lastBad: last / dpr };
      });
    const before = await drawn();
    expect(before.canvas).toBe(before.chart);
    await page.setViewportSize({ width: 900, height: 800 });
    // Where the last failed bar ends on the axis (96 px left margin, 16 px right; at least 1 s long), at the
    // new width once the canvas is drawn at it (during the resize the old drawing stands in, stretched).
    const reader = openStoreReader(db);
    const trials = reader.trials(reader.getStudy('many')!.id);
    reader.close();
    const t0 = Math.min(...trials.map((t) => Date.parse(t.startedAt!)));
    const end = Math.max(...trials.map((t) => Date.parse(t.endedAt!)));
    const t1 = Math.max(t0 + 1000, end);
    const at = (ms: number, width: number) => 96 + ((ms - t0) / (t1 - t0)) * (width - 96 - 16);
    expect(Math.abs(before.lastBad - at(end, before.chart))).toBeLessThanOrEqual(2);
    await expect
      .poll(
        async () => {
          const d = await drawn();
          return d.canvas === d.chart && d.chart < before.chart && Math.abs(d.lastBad - at(end, d.chart)) <= 2;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await pixelsOf(page, '--ok')).toBeGreaterThan(50);
  });
});
