// Event-loop benchmark: `nightshift serve` on a database holding a GP study with 1,000 finished trials, a
// campaign started through the API that keeps asking the GP for more, and a client that pings the API
// (`db.info`) back to back. A ping waits for whatever holds the server's event loop, so its latency bounds
// the loop's delay from above. Run once with the GP inline (NIGHTSHIFT_GP_INLINE=1: before) and once with it
// in its worker thread (after). Prints a table and writes bench/results/eventloop-<stamp>.{md,json}.
// Run: npm run bench -- --only eventloop [--seconds 20] [--trials 1000] [--out DIR]
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { StudyListItem } from '../../src/shared/api.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { openStore } from '../../src/main/engine/storage/open.js';
import { specHash } from '../../src/main/engine/study/spec-hash.js';
import { parseStudyText } from '../../src/main/engine/study/spec.js';

const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!, process.argv[i + 1]!);
const SECONDS = Number(args.get('--seconds') ?? 20);
const FINISHED = Number(args.get('--trials') ?? 1000);
const OUT = path.resolve(root, args.get('--out') ?? 'bench/results');
const TARGET_P99_MS = 50;
const LABELS = { inline: 'GP inline (before)', worker: 'GP in its worker thread (after)', random: 'random sampler (floor: no GP)' } as const;

/** The study: four continuous parameters and one objective, trials that finish at once. */
function seed(dir: string, sampler: 'gp' | 'random'): string {
  const trialScript = path.join(dir, 'trial.mjs');
  writeFileSync(
    trialScript,
    `const p = JSON.parse(process.env.NIGHTSHIFT_PARAMS);
const y = (p.a - 0.3) ** 2 + (p.b - 0.6) ** 2 + 0.5 * Math.sin(7 * p.c) + 0.1 * p.d;
console.log('@nightshift ' + JSON.stringify({ y }));\n`,
  );
  const yaml = `name: eventloop
trainer: {command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(trialScript)}]}
search_space:
  a: {type: float, low: 0, high: 1}
  b: {type: float, low: 0, high: 1}
  c: {type: float, low: 0, high: 1}
  d: {type: float, low: 0, high: 1}
objectives:
  - {metric: y, direction: minimize}
sampler: {type: ${sampler}}
budget: {trials: ${FINISHED + 10_000}}
resources: {parallel: 1}
seed: 7
`;
  const file = path.join(dir, 'eventloop.yaml');
  writeFileSync(file, yaml);
  const spec = parseStudyText(yaml, { file, format: 'yaml', strategies: STRATEGIES });
  const db = path.join(dir, `seed-${sampler}.db`);
  const store = openStore(db);
  const { study } = store.createStudy(spec, specHash(spec));
  let rnd = 4242;
  const rand = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  store.transaction(() => {
    for (let i = 0; i < FINISHED; i++) {
      const p = { a: rand(), b: rand(), c: rand(), d: rand() };
      const t = store.enqueueTrial(study.id, { params: p, budget: null, lineage: { kind: 'imported', detail: 'bench' } });
      store.claimQueued(study.id, 'bench|1|x');
      const y = (p.a - 0.3) ** 2 + (p.b - 0.6) ** 2 + 0.5 * Math.sin(7 * p.c) + 0.1 * p.d;
      store.finishTrial(t.id, { state: 'complete', values: { y }, metrics: { duration_s: 1 }, reason: null });
    }
  });
  store.setStudyState(study.id, 'idle', 'seeded by the benchmark');
  store.close();
  return db;
}

interface Run {
  mode: 'inline' | 'worker' | 'random';
  pings: number;
  p50: number;
  p99: number;
  max: number;
  trials: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function measure(mode: Run['mode'], seedDb: string, dir: string): Promise<Run> {
  const db = path.join(dir, `${mode}.db`);
  copyFileSync(seedDb, db);
  const home = path.join(dir, `home-${mode}`);
  mkdirSync(home, { recursive: true });
  // No idle baseline to wait for: this machine has no GPU to measure, and the clock starts at campaign.start.
  writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ idle_seconds: 0 }));
  const env = { ...process.env, NIGHTSHIFT_HOME: home, NIGHTSHIFT_GP_INLINE: mode === 'inline' ? '1' : '0' };
  const server: ChildProcess = spawn(process.execPath, [path.join(root, 'bin', 'nightshift.mjs'), 'serve', '--port', '0', '--db', db, '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const url = new URL((JSON.parse(line) as { url: string }).url);
    const token = url.searchParams.get('token')!;
    const call = async (method: string, body: unknown): Promise<unknown> => {
      const r = await fetch(`${url.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method}: HTTP ${r.status} ${await r.text()}`);
      return r.json();
    };
    const count = async (): Promise<number> => {
      const { result } = (await call('studies.list', {})) as { result: StudyListItem[] };
      const counts = result.find((x) => x.name === 'eventloop')?.counts ?? {};
      return Object.values(counts).reduce((a: number, b) => a + (typeof b === 'number' ? b : 0), 0);
    };
    await call('db.info', {}); // warm the connection and the router
    const before = await count();
    await call('campaign.start', { study: 'eventloop' });
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      await call('db.info', {});
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
    const after = await count();
    await call('campaign.stop', { study: 'eventloop', reason: 'benchmark over' }).catch(() => undefined);
    const sorted = [...latencies].sort((a, b) => a - b);
    return { mode, pings: latencies.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN, trials: after - before };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  }
}

async function main(): Promise<void> {
  // The server runs the CLI bundle and its GP worker; scripts/bench.mjs builds both from these sources first.
  for (const file of ['nightshift.mjs', 'gp-worker.mjs']) {
    if (!existsSync(path.join(root, 'out', 'cli', file))) throw new Error(`out/cli/${file} is missing: run \`npm run build:cli\``);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-bench-eventloop-'));
  try {
    const loadBefore = os.loadavg();
    const seeds = { gp: seed(dir, 'gp'), random: seed(dir, 'random') };
    const runs: Run[] = [];
    // The random sampler's run is the floor: the same campaign, server and machine without any GP work.
    for (const mode of ['inline', 'worker', 'random'] as const) {
      process.stderr.write(`eventloop: ${mode}, ${SECONDS} s ...\n`);
      runs.push(await measure(mode, mode === 'random' ? seeds.random : seeds.gp, dir));
    }
    const f = (x: number) => x.toFixed(1);
    const lines = [
      `# Event-loop delay of \`nightshift serve\` while a GP campaign suggests at ${FINISHED} finished trials`,
      '',
      `${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} · Node ${process.version} · ${SECONDS} s per mode`,
      '',
      'API ping (`db.info`) round trips, back to back, while the campaign runs trials that finish at once, so the GP is',
      'asked again as soon as it answers. A ping waits for whatever holds the server’s event loop, and for the',
      'CPU: on a loaded machine the floor row shows what scheduling alone costs.',
      `Load average (1/5/15 min) before the runs: ${loadBefore.map((x) => x.toFixed(1)).join(' / ')}.`,
      '',
      '| sampler | pings | p50 ms | p99 ms | max ms | trials suggested | p99 < 50 ms |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...runs.map((r) => `| ${LABELS[r.mode]} | ${r.pings} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.trials} | ${r.p99 < TARGET_P99_MS ? 'yes' : 'no'} |`),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    mkdirSync(OUT, { recursive: true });
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    writeFileSync(path.join(OUT, `eventloop-${stamp}.md`), lines.join('\n'));
    writeFileSync(path.join(OUT, `eventloop-${stamp}.json`), JSON.stringify({ finished: FINISHED, seconds: SECONDS, runs }, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
