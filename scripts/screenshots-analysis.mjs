// Screenshots of the compare, understand and new-study views for docs/screenshots, light and dark (run by
// scripts/screenshots.mjs after the end-to-end views), against real campaigns:
// `node scripts/screenshots-analysis.mjs [--out DIR]`. Two small studies of the same problem (random search in the
// library's database, GP in a "colleague's" file) run through the real CLI, then `nightshift serve` is
// driven in Debian's Chromium (playwright-core, never a downloaded browser). Needs a built renderer
// (`npx electron-vite build`) and the CLI bundle (`npm run build:cli`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'nightshift.mjs');
const outArg = process.argv.indexOf('--out');
const OUT = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(ROOT, 'docs', 'screenshots'));

// A trial that behaves like a small MLP: accuracy peaks at a learning rate, grows with width, suffers from
// dropout and sgd; CPU work (so metered energy) grows with width: 0.2-3.1 s, so the narrow ones end within
// the meter's sampling (below resolution, left off the energy axes with a note) and the wide ones are measured.
const TRIAL = `
const p = JSON.parse(process.env.NIGHTSHIFT_PARAMS);
const seed = Number(process.env.NIGHTSHIFT_TRIAL_NUMBER) * 7919 % 1000 / 1000;
const end = Date.now() + p.units * 12;
let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);
const top = 0.97 - 0.05 * (Math.log10(p.lr) + 2.3) ** 2 + 0.025 * Math.log2(p.units / 16) / 4 - 0.12 * p.dropout ** 2 - (p.optimizer === 'sgd' ? 0.03 : 0) + 0.01 * (seed - 0.5);
for (let epoch = 1; epoch <= 5; epoch++) console.log('@nightshift ' + JSON.stringify({ step: epoch, val_accuracy: top - 0.25 / epoch ** 1.5 }));
`;

function study(name, sampler, trials) {
  return `name: ${name}
trainer: {command: [node, trial.mjs], timeout: 1m}
search_space:
  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}
  units: {type: int, low: 16, high: 256, log: true}
  dropout: {type: float, low: 0, high: 0.5, step: 0.05}
  optimizer: {type: categorical, choices: [adam, sgd]}
objectives:
  - {metric: val_accuracy, direction: maximize}
  - {metric: energy_j, direction: minimize}
sampler: {type: ${sampler}}
budget: {trials: ${trials}}
baseline: {lr: 0.01, units: 32, dropout: 0.2, optimizer: sgd}
seed: 3
`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-shots-'));
const env = { ...process.env, NIGHTSHIFT_HOME: dir };
delete env.NIGHTSHIFT_DB;
writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ idle_seconds: 0 }));
writeFileSync(path.join(dir, 'trial.mjs'), TRIAL);
writeFileSync(path.join(dir, 'random.yaml'), study('mlp-random', 'random', 40));
writeFileSync(path.join(dir, 'gp.yaml'), study('mlp-gp', 'gp', 40));
const library = path.join(dir, 'nightshift.db');
const colleague = path.join(dir, 'colleague.db');
const cli = (args) => execFileSync(process.execPath, [BIN, ...args], { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
cli(['run', path.join(dir, 'random.yaml'), '--db', library]);
cli(['run', path.join(dir, 'gp.yaml'), '--db', colleague]);

const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--db', library], { env, cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  serve.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).url);
  });
  serve.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
});

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(url);
  const base = page.url().split('#')[0];
  /** Each view: its address, what to wait for, and what to do before the picture. */
  const views = [
    { name: 'compare', hash: `#/compare/mlp-random/${encodeURIComponent(`mlp-gp@${colleague}`)}`, ready: '[data-testid="compare-fronts"] circle' },
    {
      name: 'understand',
      hash: '#/study/mlp-random/understand',
      ready: '[data-testid="parallel-coordinates"]',
      async prepare() {
        // Brush the accuracy axis to its upper part, as a user looking for the good trials would.
        const box = await page.locator('[data-axis="value.val_accuracy"]').boundingBox();
        await page.mouse.move(box.x + box.width / 2, box.y + 4);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.35, { steps: 5 });
        await page.mouse.up();
        await page.locator('[data-testid="brushed-table"] tbody tr').first().waitFor();
        if ((await page.locator('[data-testid="start-sensitivity"]').count()) > 0) {
          await page.click('[data-testid="start-sensitivity"]');
          await page.locator('[data-testid="sensitivity-state"]:has-text("finished")').waitFor({ timeout: 120_000 });
        }
      },
    },
    { name: 'new-study', hash: '#/new/from/mlp-random', ready: '[data-testid="validity"]:has-text("valid")' },
  ];
  for (const theme of ['light', 'dark']) {
    for (const v of views) {
      await page.goto(base + v.hash);
      await page.evaluate((t) => localStorage.setItem('nightshift-theme', t), theme);
      await page.reload();
      await page.locator(v.ready).first().waitFor({ timeout: 30_000 });
      if (theme === 'light') await v.prepare?.();
      await page.waitForTimeout(400);
      const file = path.join(OUT, `${v.name}${theme === 'dark' ? '-dark' : ''}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
} finally {
  await browser.close();
  serve.kill('SIGTERM');
}
