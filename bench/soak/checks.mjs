// What the soak concludes from the database and the trials' own ledger once the campaign is over.
//   lost        trials left queued or running; evaluations short of the budget; trials the ledger saw start
//               that the database does not hold (a commit that vanished)
//   duplicated  evaluations beyond the budget; a trial id started twice; a retry made of a trial that had
//               in fact finished (a finished trial run again)
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';

const EVALUATED = ['complete', 'pruned', 'failed'];

export function readLedger(file) {
  if (!existsSync(file)) return [];
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A trial SIGKILLed in the middle of its write: the line is cut, the rest of the ledger is intact.
    }
  }
  return out;
}

/** Counts of the study's trials by state, read without disturbing the engine (read-only connection). */
export function stateCounts(dbFile, study) {
  if (!existsSync(dbFile)) return null;
  let db;
  try {
    db = new Database(dbFile, { readonly: true, fileMustExist: true, timeout: 2000 });
    const rows = db
      .prepare(`SELECT t.state AS state, count(*) AS n FROM trials t JOIN studies s ON s.id = t.study_id WHERE s.name = ? GROUP BY t.state`)
      .all(study);
    const counts = { queued: 0, running: 0, complete: 0, pruned: 0, failed: 0, stopped: 0 };
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  } catch {
    return null; // not created yet, or busy for longer than the timeout: try again at the next poll
  } finally {
    db?.close();
  }
}

export function evaluatedOf(counts) {
  return counts ? EVALUATED.reduce((s, k) => s + counts[k], 0) : 0;
}

export function analyze({ dbFile, study, ledgerFile, budget }) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const s = db.prepare('SELECT id, state, stop_reason FROM studies WHERE name = ?').get(study);
    const trials = s ? db.prepare('SELECT id, number, state, lineage_kind, parent_trial_id, ended_at FROM trials WHERE study_id = ? ORDER BY number').all(s.id) : [];
    const byId = new Map(trials.map((t) => [String(t.id), t]));
    const counts = { queued: 0, running: 0, complete: 0, pruned: 0, failed: 0, stopped: 0 };
    for (const t of trials) counts[t.state] += 1;
    const evaluated = evaluatedOf(counts);

    const ledger = readLedger(ledgerFile);
    const starts = new Map();
    const faults = {};
    for (const e of ledger) {
      if (e.ev !== 'start') continue;
      starts.set(e.id, (starts.get(e.id) ?? 0) + 1);
      faults[e.fault] = (faults[e.fault] ?? 0) + 1;
    }
    const startedTwice = [...starts].filter(([, n]) => n > 1).map(([id]) => id);
    const unknownToDb = [...starts.keys()].filter((id) => !byId.has(String(id)));
    // A retry names the trial it re-runs (lineage columns): that trial must not have been evaluated.
    const retriesOfFinished = trials
      .filter((t) => t.lineage_kind === 'retry' && t.parent_trial_id !== null)
      .map((t) => byId.get(String(t.parent_trial_id)))
      .filter((p) => p && EVALUATED.includes(p.state))
      .map((p) => p.number);
    const leftOver = counts.queued + counts.running;
    const lost = leftOver + Math.max(0, budget - evaluated) + unknownToDb.length;
    const duplicated = Math.max(0, evaluated - budget) + startedTwice.length + retriesOfFinished.length;
    const notRequeued = db
      .prepare(`SELECT count(*) AS n FROM events WHERE study_id = ? AND kind = 'retry-limit'`)
      .get(s?.id ?? -1).n;
    // How the engine rode out the full disk: the free-space guard's waits and the database's own.
    const diskEvents = {};
    for (const kind of ['disk.low', 'disk.ok', 'disk.db_full']) {
      diskEvents[kind] = db.prepare(`SELECT count(*) AS n FROM events WHERE study_id = ? AND kind = ?`).get(s?.id ?? -1, kind).n;
    }
    return {
      diskEvents,
      integrity,
      studyState: s?.state ?? 'missing',
      stopReason: s?.stop_reason ?? null,
      counts,
      evaluated,
      lost,
      duplicated,
      detail: { leftOver, shortfall: Math.max(0, budget - evaluated), unknownToDb, startedTwice, retriesOfFinished, notRequeued },
      processesStarted: [...starts.values()].reduce((a, b) => a + b, 0),
      faults,
    };
  } finally {
    db.close();
  }
}
