#!/usr/bin/env node
// `npm run soak [-- --trials 5000 --parallel 4]`: a long campaign under injected faults, driven through the
// real `nightshift run` as a user would, with the engine SIGKILLed and restarted every ~250 trials and the
// data folder's disk full for a minute. Not a test (5,000 trials take about 10 minutes on 2 busy CPUs);
// the closing table says whether a night would have been lost.
//
//   --trials N        budget of the study (default 5000)
//   --parallel N      trials at once (default 4)
//   --kill-every N    SIGKILL the engine about every N evaluated trials (default 250; 0: never)
//   --disk-full-s S   how long the data folder stays full (default 60; 0: never). Needs root (tmpfs).
//   --timeout S       a trial's timeout in seconds; hanging trials run this long (default 2)
//   --seed N          the study's seed, which fixes each trial's fault (default 1)
//   --plateau-s S     afterwards, a fresh engine and one taking over the study run S s each (default 60; 0: skip)
//   --out FILE        also write the table (markdown) and the numbers (FILE.json)
//   --keep            keep the work folder (database, logs, ledger) for a look afterwards
//   --help            this text
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze, evaluatedOf, stateCounts } from './checks.mjs';
import { fillDisk, freeDisk, mountTmpfs, unmount } from './disk.mjs';
import { killAll, processStats, trialProcesses } from './procs.mjs';
import { plateauPhase } from './plateau.mjs';
import { formatTable } from './table.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const t0 = Date.now();
const flags = parseFlags(process.argv.slice(2));
const opts = {
  trials: int(flags.trials, 5000),
  parallel: int(flags.parallel, 4),
  killEvery: int(flags['kill-every'], 250),
  diskFullS: int(flags['disk-full-s'], 60),
  timeoutS: int(flags.timeout, 2),
  seed: int(flags.seed, 1),
  plateauS: int(flags['plateau-s'], 60),
  out: flags.out ?? null,
  keep: flags.keep === true,
};

const work = mkdtempSync(path.join(os.tmpdir(), 'nightshift-soak-'));
const data = path.join(work, 'data');
const home = path.join(work, 'home');
mkdirSync(data);
mkdirSync(home);
// Engine settings: no 2-second idle-power baseline at each of the many restarts.
writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ idle_seconds: 0 }));
const study = `soak-${Date.now().toString(36)}`;
const dbFile = path.join(data, 'soak.db');
const ledgerFile = path.join(work, 'ledger.jsonl');
const studyFile = path.join(work, 'soak.yaml');
// The study, as text: the plateau phase runs it again with its own ledger and a budget it never reaches.
const studyYaml = (ledger, budget) => `name: ${study}
trainer:
  command: [/usr/bin/python3, ${JSON.stringify(path.join(root, 'bench/soak/trial.py'))}, "{u}", ${JSON.stringify(ledger)}]
  timeout: ${opts.timeoutS}s
  kill_grace: 1s
search_space:
  u: {type: float, low: 0, high: 1}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: random}
budget: {trials: ${budget}}
resources: {parallel: ${opts.parallel}, min_free_disk: 16MB}
seed: ${opts.seed}
`;
writeFileSync(studyFile, studyYaml(ledgerFile, opts.trials));

const disk = opts.diskFullS > 0 ? mountTmpfs(data, Math.max(64, Math.ceil(opts.trials / 20))) : { ok: false, reason: 'disabled (--disk-full-s 0)' };
log(`work folder ${work}; study ${study}; data folder ${disk.ok ? 'a tmpfs' : `on ${work}`}${disk.ok ? '' : ` (disk-full fault: ${disk.reason})`}`);

const segments = []; // one per engine process: { pid, planned kill?, exit, samples }
let plannedKills = 0;
let unplannedExits = 0;
const exitCauses = {}; // headline of each unplanned exit -> how many
let diskFull = { planned: disk.ok, at: null, until: null, bytes: 0 };
let nextKill = opts.killEvery > 0 ? jittered(opts.killEvery) : Infinity;
const diskFullAt = Math.floor(opts.trials * 0.4);
const MAX_UNPLANNED = 100;

for (;;) {
  const seg = await runEngine();
  segments.push(seg);
  const counts = stateCounts(dbFile, study);
  if (seg.killed) {
    plannedKills += 1;
    continue;
  }
  if (seg.code === 0 && evaluatedOf(counts) >= opts.trials) break;
  if (seg.code === 0) {
    log(`engine exited 0 with ${evaluatedOf(counts)}/${opts.trials} evaluated; the study says it is done`);
    break;
  }
  unplannedExits += 1;
  const cause = (seg.lastError || `code ${seg.code}, signal ${seg.signal}`).replace(/\d+(\.\d+)?/g, 'N').slice(0, 120);
  exitCauses[cause] = (exitCauses[cause] ?? 0) + 1;
  log(`engine exited unexpectedly (code ${seg.code}, signal ${seg.signal}): ${seg.lastError}`);
  if (unplannedExits >= MAX_UNPLANNED) {
    log(`giving up after ${MAX_UNPLANNED} unplanned exits`);
    break;
  }
  await sleep(1000);
}
const wallS = (Date.now() - t0) / 1000;
if (diskFull.file) freeDisk(diskFull.file);

// Whatever should have ended has had time to; what is left now is an orphan.
await sleep(2000);
const orphans = trialProcesses(study);
const result = analyze({ dbFile, study, ledgerFile, budget: opts.trials });
killAll(orphans.map((o) => o.pid));

const warm = segments.find((s) => s.warm)?.warm ?? segments[0]?.samples[0] ?? null;
const last = [...segments].reverse().find((s) => s.samples.length > 0);
const end = last?.samples.at(-1) ?? null;
// The last sample taken while trials still ran: the final one can fall while \`run --json\` builds the whole
// study's \`show\` object to print, an answer as large as the study, not growth of the engine.
const endRunning = [...(last?.samples ?? [])].reverse().find((x) => x.evaluated < opts.trials) ?? null;
const worstGrowth = segments.reduce((worst, s) => {
  if (!s.warm || s.samples.length === 0) return worst;
  const e = s.samples.at(-1);
  return Math.max(worst, e.rssKb / s.warm.rssKb - 1);
}, 0);
// Each engine's own footprint, first and last engine alike: RSS once warm (its first ~50 trials) and its
// peak. V8 lets garbage pile up in the old generation until a major GC, so one sample at an arbitrary
// moment swings by tens of MiB; an engine that held per-trial data would show it in both figures here.
const warmEngines = segments.filter((s) => s.warm && s.samples.length > 0);
const footprint = (s) => (s ? { evaluated_at_start: s.startEvaluated, warm_rss_kb: s.warm.rssKb, peak_rss_kb: Math.max(...s.samples.map((x) => x.rssKb)) } : null);
// Like with like: the first engines against the last ones at one age (trials since each started), the
// oldest all six reached. Every engine here is killed within its first minute, while its RSS still climbs
// (see plateau.mjs), so RSS at a fixed age is what tells growth with the study from a process's warm-up;
// the median of three engines on each side keeps one engine's GC phase from deciding it.
const sameAge = (() => {
  const firsts = warmEngines.slice(0, 3);
  const lasts = warmEngines.slice(-3);
  if (warmEngines.length < 6 || !end) return null;
  const ageOf = (s, x) => x.evaluated - s.startEvaluated;
  const age = Math.min(...[...firsts, ...lasts].map((s) => ageOf(s, s.samples.at(-1))));
  const at = (s) => [...s.samples].reverse().find((x) => ageOf(s, x) <= age) ?? s.samples[0];
  const med = (xs) => [...xs].sort((a, b) => a - b)[1];
  return {
    age,
    engines: 3,
    first_rss_kb: med(firsts.map((s) => at(s).rssKb)),
    last_rss_kb: med(lasts.map((s) => at(s).rssKb)),
    last_loaded: lasts.map((s) => s.startEvaluated),
  };
})();
// Each engine: the study size it loaded, its RSS once warm and at its last sample.
const perEngine = warmEngines.map((s) => ({ evaluated_at_start: s.startEvaluated, warm_rss_kb: s.warm.rssKb, last_rss_kb: s.samples.at(-1).rssKb, trials_run: s.samples.at(-1).evaluated - s.startEvaluated }));
// Past warm-up: a fresh engine against one taking over the finished study, the same seconds each.
const plateau = await plateauPhase({ root, work, env: engineEnv(), studyYaml, dbFile, seconds: opts.plateauS, log });
killAll(trialProcesses(study).map((o) => o.pid));
const report = {
  options: opts,
  machine: { cpus: os.cpus().length, node: process.version, host: os.hostname() },
  wall_s: wallS,
  trials_per_minute: result.evaluated / (wallS / 60),
  engine: { planned_kills: plannedKills, unplanned_exits: unplannedExits, exit_causes: exitCauses, segments: segments.length, start: warm, end, end_running: endRunning, worst_in_segment_rss_growth: worstGrowth, first_engine: footprint(warmEngines[0]), last_engine: footprint(warmEngines.at(-1)), same_age: sameAge, per_engine: perEngine, plateau },
  disk_full: disk.ok ? { seconds: opts.diskFullS, started_at_evaluated: diskFull.atEvaluated ?? null, bytes: diskFull.bytes, happened: diskFull.at !== null } : { skipped: disk.reason },
  orphans: orphans.map((o) => ({ pid: o.pid, trial: o.trial, cmd: o.cmd })),
  ...result,
};
const table = formatTable(report);
process.stdout.write(`\n${table}\n`);
if (opts.out) {
  writeFileSync(opts.out, table + '\n');
  writeFileSync(`${opts.out}.json`, JSON.stringify(report, null, 2) + '\n');
}
if (disk.ok) {
  // The tmpfs goes with the unmount: keep a copy of what it held for --keep.
  if (opts.keep) cpSync(data, path.join(work, 'data-copy'), { recursive: true });
  unmount(data);
}
if (!opts.keep) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}${disk.ok ? ' (the data folder as data-copy/)' : ''}`);

// ── one engine process ────────────────────────────────────────────────────────────────────────────────

/** Runs `nightshift run` until it exits or the soak kills it; samples its RSS and descriptors meanwhile. */
function runEngine() {
  const child = spawn(process.execPath, [path.join(root, 'bin/nightshift.mjs'), 'run', studyFile, '--db', dbFile, '--json'], {
    env: engineEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seg = { pid: child.pid, killed: false, code: null, signal: null, lastError: '', samples: [], warm: null, startEvaluated: null };
  child.stderr.on('data', (d) => {
    // The headline of an error ("nightshift run: ..."), not the last frame of a stack trace under it.
    const headline = d
      .toString()
      .split('\n')
      .find((l) => l.startsWith('nightshift '));
    if (headline) seg.lastError = headline.slice(0, 300);
  });
  const timer = setInterval(() => {
    const counts = stateCounts(dbFile, study);
    const evaluated = evaluatedOf(counts);
    if (seg.startEvaluated === null && counts) seg.startEvaluated = evaluated;
    const stats = processStats(child.pid);
    if (stats) {
      const sample = { t: Date.now() - t0, evaluated, ...stats };
      seg.samples.push(sample);
      // "Start" is after the first few dozen trials, once modules are loaded and caches warm.
      if (!seg.warm && seg.startEvaluated !== null && evaluated - seg.startEvaluated >= Math.min(50, opts.killEvery / 5 || 50)) seg.warm = sample;
    }
    diskFault(evaluated);
    if (!seg.killed && evaluated >= nextKill && evaluated < opts.trials) {
      seg.killed = true;
      nextKill = evaluated + jittered(opts.killEvery);
      log(`SIGKILL engine ${child.pid} at ${evaluated} evaluated`);
      child.kill('SIGKILL');
    }
  }, 500);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(timer);
      seg.code = code;
      seg.signal = signal;
      resolve(seg);
    });
  });
}

function diskFault(evaluated) {
  if (!disk.ok) return;
  if (diskFull.at === null && evaluated >= diskFullAt) {
    const filled = fillDisk(data);
    diskFull = { ...diskFull, at: Date.now(), atEvaluated: evaluated, file: filled.file, bytes: filled.bytes };
    log(`disk full at ${evaluated} evaluated (${(filled.bytes / 2 ** 20).toFixed(1)} MiB written) for ${opts.diskFullS} s`);
  } else if (diskFull.file && Date.now() - diskFull.at >= opts.diskFullS * 1000) {
    freeDisk(diskFull.file);
    diskFull = { ...diskFull, file: null, until: Date.now() };
    log(`disk freed at ${evaluated} evaluated`);
  }
}

// ── small helpers ─────────────────────────────────────────────────────────────────────────────────────

function engineEnv() {
  const env = { ...process.env, NIGHTSHIFT_HOME: home };
  delete env.NIGHTSHIFT_DB;
  return env;
}

function jittered(every) {
  // ±20 %, so kills land at different moments of a trial's life rather than always right after a commit.
  return Math.max(1, Math.round(every * (0.8 + 0.4 * Math.random())));
}

function log(message) {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[soak ${s}s] ${message}\n`);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function parseFlags(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fail(`unexpected argument "${a}"`);
    const name = a.slice(2);
    if (name === 'help') {
      // The comment block at the top of this file is the help.
      const header = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
      header.length = header.findIndex((l) => !l.startsWith('//'));
      process.stdout.write(header.map((l) => l.slice(3)).join('\n') + '\n');
      process.exit(0);
    }
    if (name === 'keep') out.keep = true;
    else if (['trials', 'parallel', 'kill-every', 'disk-full-s', 'timeout', 'seed', 'plateau-s', 'out'].includes(name)) {
      if (argv[i + 1] === undefined) fail(`--${name} needs a value`);
      out[name] = argv[++i];
    } else fail(`unknown option --${name}`);
  }
  return out;
}

function int(value, dflt) {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`expected a whole number >= 0, got "${value}"`);
  return n;
}

function fail(message) {
  process.stderr.write(`soak: ${message}. Run with --help for the options.\n`);
  process.exit(2);
}
