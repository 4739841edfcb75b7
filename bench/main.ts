// `npm run bench`: Nightshift and Optuna side by side in one invocation (see scripts/bench.mjs).
// Options: --only synthetic,timing,zeus  --seeds N (default 10)  --evals N (default 100)
//          --functions branin,hartmann3  --repeats N (timing, default 5)  --out DIR (default bench/results)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptunaBridge } from './optuna.js';
import { synthesisTable, timingTable, zeusTable } from './report.js';
import { runSynthetic } from './synthetic.js';
import { runTiming } from './timing.js';
import { runZeus } from './zeus.js';

const SUITES = ['synthetic', 'timing', 'zeus'] as const;

function arg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

async function main(): Promise<void> {
  const root = process.env.NIGHTSHIFT_ROOT ?? process.cwd();
  const benchDir = path.join(root, 'bench');
  const only = (arg('only') ?? SUITES.join(',')).split(',');
  for (const s of only) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`--only: unknown suite "${s}" (valid: ${SUITES.join(', ')})`);
  const seeds = Number(arg('seeds') ?? 10);
  const evals = Number(arg('evals') ?? 100);
  const repeats = Number(arg('repeats') ?? 5);
  const functions = arg('functions')?.split(',') ?? null;
  const outDir = path.resolve(root, arg('out') ?? 'bench/results');
  const dataDir = path.resolve(root, arg('data') ?? '../shared/bench-data');
  const optunaVersion = execFileSync('/usr/bin/python3', ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).trim();
  const started = new Date();
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Optuna ${optunaVersion} (/usr/bin/python3), load average at start ${os.loadavg()[0]!.toFixed(2)}`;
  const log = (m: string): void => console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${m}`);
  log(machine);

  const bridge = new OptunaBridge(benchDir);
  const json: Record<string, unknown> = { date: started.toISOString(), machine, options: { only, seeds, evals, repeats, functions } };
  const md: string[] = [`# Nightshift benchmark, ${started.toISOString().slice(0, 10)}`, '', `Machine: ${machine}`, ''];
  try {
    if (only.includes('synthetic')) {
      const runs = await runSynthetic(bridge, { seeds, evals, functions }, log);
      json.synthetic = runs;
      md.push(...synthesisTable(runs, evals, seeds), '');
    }
    if (only.includes('timing')) {
      const timing = await runTiming(bridge, [100, 500, 1000], repeats, log);
      json.timing = timing;
      md.push(...timingTable(timing, repeats), '');
    }
    if (only.includes('zeus')) {
      const zeus = await runZeus(bridge, dataDir, seeds, log);
      json.zeus = zeus;
      md.push(...zeusTable(zeus, seeds), '');
    }
  } finally {
    bridge.close();
  }
  md.push(`Finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s; load average at end ${os.loadavg()[0]!.toFixed(2)}.`);
  mkdirSync(outDir, { recursive: true });
  const stamp = started.toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const base = path.join(outDir, `${stamp}-${only.join('+')}`);
  writeFileSync(`${base}.json`, JSON.stringify(json));
  writeFileSync(`${base}.md`, md.join('\n') + '\n');
  console.log(md.join('\n'));
  log(`wrote ${base}.md and .json`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
