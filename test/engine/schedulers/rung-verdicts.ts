// An independent reading of stop-based ASHA's rule, straight from a study database: at each rung, a
// configuration (here: its `x`) arrives with its first report at or past the rung's step (in the order the
// reports were stored), and goes on when it ranks in the top max(1, ⌊n/eta⌋) of the n arrivals so far;
// only configurations that passed the rung below arrive at a rung.
// Tests compare the engine's outcome with this, so they do not check the engine against its own code.
import Database from 'better-sqlite3';

export type Verdicts = Map<number, Map<number, 'keep' | 'stop'>>;

export function verdictsFromDb(file: string, metric: string, rungs: readonly number[], eta: number): Verdicts {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare(
      `SELECT p.value_num AS x, r.step, r.value, r.rowid AS seq FROM reports r
       JOIN trial_params p ON p.trial_id = r.trial_id AND p.name = 'x'
       WHERE r.metric = ? ORDER BY r.rowid`,
    )
    .all(metric) as { x: number; step: number; value: number; seq: number }[];
  db.close();
  const out: Verdicts = new Map();
  for (const [k, rung] of rungs.entries()) {
    const arrived = new Set<number>();
    const field: number[] = [];
    for (const r of rows) {
      if (r.step < rung || arrived.has(r.x)) continue;
      // Only configurations that passed the rung below compete here.
      if (k > 0 && out.get(r.x)?.get(rungs[k - 1]!) !== 'keep') continue;
      arrived.add(r.x);
      field.push(r.value);
      const better = field.slice(0, -1).filter((v) => v >= r.value).length;
      const quota = Math.max(1, Math.floor(field.length / eta));
      if (!out.has(r.x)) out.set(r.x, new Map());
      out.get(r.x)!.set(rung, better + 1 <= quota ? 'keep' : 'stop');
    }
  }
  return out;
}
