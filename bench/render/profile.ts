// Where a resize of the big study page spends its main-thread time: a Chromium trace of 20 window resizes
// (BENCH_PAGE=understand for the Understand page), summed by trace event (layout, style, paint, scripts)
// and a CPU profile summed by function (self time). Run: node bench/render/run.mjs is the benchmark; this is
// `node -e "import('./scripts/lib/run-ts.mjs').then((m) => m.runTs('bench/render/profile.ts'))"`.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ApiRouter } from '../../src/main/api/router.js';
import { startServer } from '../../src/main/server/server.js';
import { seed } from './seed.js';

const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
const rendererDir = process.env.BENCH_RENDERER ?? path.join(root, 'out', 'renderer');
const where = process.env.BENCH_PAGE === 'understand' ? 'understand' : 'study';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; cat: string; args?: { data?: { functionName?: string; url?: string } } }
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-render-profile-'));
const db = path.join(dir, 'bench.db');
seed(db, 'bench', 10_000, 1000);
const router = new ApiRouter({ db });
const server = await startServer({ router, port: 0, rendererDir });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(`${server.url}#/study/bench${where === 'understand' ? '/understand' : ''}`);
  await page.locator(where === 'understand' ? '[data-testid="parallel-coordinates"]' : '[data-testid="timeline"]').waitFor({ timeout: 120_000 });
  // BENCH_HIDE=selector takes a part of the page out (display: none), to see what it costs a resize.
  if (process.env.BENCH_HIDE) await page.addStyleTag({ content: `${process.env.BENCH_HIDE} { display: none !important; }` });
  await page.waitForTimeout(3000);
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (let i = 0; i < 20; i++) {
    await page.setViewportSize({ width: i % 2 ? 1360 : 1200, height: 900 });
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(1000);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await done;
  const main = events.find((e) => e.name === 'thread_name' && (e as unknown as { args: { name: string } }).args.name === 'CrRendererMain');
  const byName = new Map<string, number>();
  for (const e of events) if (main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  // The tasks that overran a frame, each with what it spent its time on (children by name, nested ones overlap).
  const mainEvents = events.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur);
  const long = mainEvents.filter((e) => e.name === 'RunTask' && e.dur! > 12_000);
  for (const task of long) {
    const inner = new Map<string, number>();
    for (const e of mainEvents)
      if (e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!) {
        const fn = e.args?.data?.functionName ? ` ${e.args.data.functionName}` : '';
        inner.set(e.name + fn, (inner.get(e.name + fn) ?? 0) + e.dur! / 1000);
      }
    const parts = [...inner].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, d]) => `${n} ${d.toFixed(1)}`);
    process.stdout.write(`long task ${(task.dur! / 1000).toFixed(1)} ms: ${parts.join(', ')}\n`);
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 14);
  process.stdout.write(`trace, main thread, 20 resizes (ms, nested events overlap):\n${top.map(([n, d]) => `  ${n.padEnd(28)} ${d.toFixed(0)}`).join('\n')}\n`);
  const self = new Map<string, number>();
  const nodeOf = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, k) => {
    const f = nodeOf.get(id)!.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
  });
  // Inclusive time: which chart's effect (a function of the bundle, by line) holds the self time above.
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const total = new Map<string, number>();
  profile.samples.forEach((id, k) => {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const f = nodeOf.get(n)!.callFrame;
      if (!f.url) continue;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
    }
  });
  const topTotal = [...total].sort((a, b) => b[1] - a[1]).slice(0, 40);
  process.stdout.write(`CPU profile, inclusive ms:\n${topTotal.map(([n, d]) => `  ${n.padEnd(60)} ${d.toFixed(1)}`).join('\n')}\n`);
  const topSelf = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  process.stdout.write(`CPU profile, self ms:\n${topSelf.map(([n, d]) => `  ${n.padEnd(60)} ${d.toFixed(1)}`).join('\n')}\nload ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
} finally {
  await browser.close();
  await server.close();
  await router.close();
}
