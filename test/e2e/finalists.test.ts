// The study page's finalists panel in Debian's Chromium, through `nightshift serve`, after `nightshift run` of
// a study with a planted lucky configuration (real python3 trials): the page calls the validated winner best,
// says the search's best did not hold, and every figure equals `show --json`'s finalists summary.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FinalistsJson } from '../../src/shared/finalists.js';
import { cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { noisyStudy } from '../helpers/noisy-study.js';
import { bothThemes, ensureRendererBuilt, hasChromium, closeServedPage, servedPage, type ServedPage } from './browser.js';

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
/** The renderer's number format (src/renderer/src/lib/format.ts), for numbers in its usual range. */
const num = (v: number) => String(+v.toPrecision(4));

describe.skipIf(!hasChromium)('finalists panel (Chromium, nightshift serve, finished campaign with finalists)', () => {
  const dir = tempDir('nightshift-e2e-finalists-');
  const db = path.join(dir, 'noisy.db');
  let serve: ServedPage['serve'];
  let browser: Browser;
  let page: Page;
  let finalists: FinalistsJson;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureRendererBuilt();
    const file = noisyStudy(dir);
    const run = await runCli(['run', file, '--db', db], { env: cliEnv(dir) });
    expect(run.code, run.stderr).toBe(0);
    const show = await runCli(['show', 'noisy', '--db', db, '--json'], { env: cliEnv(dir) });
    expect(show.code, show.stderr).toBe(0);
    finalists = (JSON.parse(show.stdout) as { finalists: FinalistsJson }).finalists;
    ({ serve, browser, page } = await servedPage(['--db', db], cliEnv(dir)));
  }, 120_000);

  afterAll(() => closeServedPage({ serve, browser }));

  it('calls the validated winner best, not the lucky search best, with the figures of show --json', async () => {
    await page.goto(serve.url);
    await page.click('a[href="#/study/noisy"]');
    const panel = page.locator('[data-testid="finalists"]');
    await panel.locator('[data-testid="validated-best"]').waitFor();
    // The planted case: the search's best was lucky, and validation crowned another configuration.
    expect(finalists.winner_kept).toBe(false);
    const winner = finalists.finalists.find((f) => f.trial === finalists.winner)!;
    const best = panel.locator('[data-testid="validated-best"]');
    expect(await best.locator('a').textContent()).toBe(`trial ${winner.trial}`);
    expect(await best.locator('[data-testid="validated-mean"]').textContent()).toBe(num(winner.validated.acc!.mean));
    expect(await best.textContent()).toContain(`[${num(winner.validated.acc!.low!)}, ${num(winner.validated.acc!.high!)}] over 3 runs`);
    const changed = await panel.locator('[data-testid="winner-changed"]').textContent();
    expect(changed).toContain(`trial ${finalists.search_winner}`);
    const p = finalists.beats.find((b) => b.a === winner.trial && b.b === finalists.search_winner)!.p;
    expect(changed).toContain(`= ${String(+p.toPrecision(3))}`);

    // One row per finalist, in validated order, each with its validated mean and interval.
    const rows = panel.locator('[data-testid="finalists-table"] tbody tr');
    expect(await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-finalist'))))).toEqual(finalists.finalists.map((f) => f.trial));
    for (const f of finalists.finalists) {
      const v = f.validated.acc!;
      expect(await panel.locator(`tr[data-finalist="${f.trial}"] [data-validated]`).textContent()).toBe(`${num(v.mean)} [${num(v.low!)}, ${num(v.high!)}]`);
    }
    // The morning summary at the top calls the same trial best, with the same validated mean.
    const summaryBest = page.locator('[data-testid="summary-best"] li').first();
    expect(await summaryBest.locator('a').first().textContent()).toBe(`trial ${winner.trial}`);
    expect(await summaryBest.textContent()).toContain(`${num(winner.validated.acc!.mean)} (validated: mean of 3 finalist runs)`);
    await bothThemes(page, (name) => panel.screenshot({ path: path.join(SHOTS, `${name}.png`) }), 'finalists');
  });
});
