// The soak's memory question, asked without the process's own warm-up in the way. A fresh engine's RSS
// climbs for about its first minute (V8 sizing its heap and compiling, whatever study it holds): measured
// on 2026-11-30, an engine on an empty study went 86 -> 104 MiB over 60 s and stayed there, one that took
// over the 5,076-trial soak study 85 -> 103 MiB. The soak kills each engine after ~20 s, inside that climb,
// so its start -> end line compares a young process with an older one. Here two engines run the same
// study file for the same time, one after the other: one on an empty database (the start of a night) and
// one taking over a copy of the finished soak study (its end). Each one's RSS once warm is the median of
// its samples over the last third of the run; the bar is the second against the first.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processStats } from './procs.mjs';

/**
 * `studyYaml(ledger, budget)` writes the soak's study text; `dbFile` is the finished soak database.
 * Returns { seconds, fresh, takeover } with each engine's samples summary, or null with seconds 0.
 */
export async function plateauPhase({ root, work, env, studyYaml, dbFile, seconds, log }) {
  if (seconds <= 0) return null;
  const dir = path.join(work, 'plateau');
  mkdirSync(dir, { recursive: true });
  // A budget the run never reaches: both engines are stopped by time, not by the study.
  const studyFile = path.join(dir, 'study.yaml');
  writeFileSync(studyFile, studyYaml(path.join(dir, 'ledger.jsonl'), 10_000_000));
  const freshDb = path.join(dir, 'fresh.db');
  const takeoverDb = path.join(dir, 'takeover.db');
  // The finished engine exited cleanly, so the WAL is folded in; copy it anyway if one is left.
  copyFileSync(dbFile, takeoverDb);
  for (const ext of ['-wal', '-shm']) if (existsSync(dbFile + ext)) copyFileSync(dbFile + ext, takeoverDb + ext);

  log(`plateau: a fresh engine on an empty study for ${seconds} s`);
  const fresh = await runFor({ root, env, studyFile, db: freshDb, seconds });
  log(`plateau: an engine taking over the soak study for ${seconds} s`);
  const takeover = await runFor({ root, env, studyFile, db: takeoverDb, seconds });
  return { seconds, fresh, takeover };
}

async function runFor({ root, env, studyFile, db, seconds }) {
  const child = spawn(process.execPath, [path.join(root, 'bin/nightshift.mjs'), 'run', studyFile, '--db', db, '--json'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const t0 = Date.now();
  const samples = [];
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const age = (Date.now() - t0) / 1000;
      const s = processStats(child.pid);
      if (s) samples.push({ age, rssKb: s.rssKb, fds: s.fds });
      if (age >= seconds) child.kill('SIGKILL');
    }, 500);
    child.on('close', () => {
      clearInterval(timer);
      resolve();
    });
  });
  const warm = samples.filter((s) => s.age >= (2 * seconds) / 3);
  const at = (age) => samples.find((s) => s.age >= age)?.rssKb ?? null;
  return {
    samples: samples.length,
    ran_s: samples.at(-1)?.age ?? 0,
    rss_at_5s_kb: at(5),
    warm_rss_kb: median(warm.map((s) => s.rssKb)),
    warm_fds: median(warm.map((s) => s.fds)),
  };
}

function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
