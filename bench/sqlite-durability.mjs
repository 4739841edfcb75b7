#!/usr/bin/env node
// What SQLite durability costs per commit, for the settings Nightshift could use (README, "Files").
// Each commit is one small IMMEDIATE transaction, as the engine's store makes for a report or a trial's
// state change. Run it on the disk that holds your database: node bench/sqlite-durability.mjs [--dir DIR]
// [--commits N]. A tmpfs (/tmp on some systems) has no fsync cost and shows nothing.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dir: { type: 'string' }, commits: { type: 'string' } } });
const base = values.dir ?? path.join(os.homedir(), '.cache');
const commits = Number(values.commits ?? 400);
const SETTINGS = [
  { journal: 'wal', synchronous: 'OFF' },
  { journal: 'wal', synchronous: 'NORMAL' },
  { journal: 'wal', synchronous: 'FULL' },
  { journal: 'delete', synchronous: 'FULL' },
];

function bench({ journal, synchronous }) {
  const dir = mkdtempSync(path.join(base, 'nightshift-durability-'));
  try {
    const db = new Database(path.join(dir, 'bench.db'));
    db.pragma(`journal_mode = ${journal}`);
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE reports (trial_id INTEGER, step INTEGER, metric TEXT, value REAL, at TEXT)');
    const insert = db.prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?)');
    const commit = db.transaction((i) => insert.run(1, i, 'loss', Math.random(), new Date().toISOString()));
    for (let i = 0; i < 20; i++) commit.immediate(i); // warm-up
    const ms = [];
    for (let i = 0; i < commits; i++) {
      const t0 = process.hrtime.bigint();
      commit.immediate(i);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    db.close();
    ms.sort((a, b) => a - b);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
    return { mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: q(0.5), p99: q(0.99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let fs = '?';
try {
  fs = execFileSync('df', ['-T', base], { encoding: 'utf8' }).trim().split('\n').pop().split(/\s+/).slice(0, 2).join(' ');
} catch {
  // df is informative only
}
console.log(`SQLite ${new Database(':memory:').prepare('select sqlite_version() v').get().v}, ${commits} commits in ${base} (${fs})\n`);
console.log('| journal | synchronous | mean ms/commit | p50 | p99 | survives power loss |');
console.log('|---|---|---|---|---|---|');
for (const s of SETTINGS) {
  const r = bench(s);
  const safe = s.synchronous === 'FULL' ? 'yes' : s.synchronous === 'NORMAL' ? 'consistent, may lose the last commits' : 'may corrupt';
  console.log(`| ${s.journal} | ${s.synchronous} | ${r.mean.toFixed(3)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${safe} |`);
}
