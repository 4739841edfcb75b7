// The finalist_runs table (migration 006): prepared once per connection; SqliteReader reads it, SqliteStore
// writes it.
import type Database from 'better-sqlite3';
import type { FinalistRunInfo } from '../types.js';

interface Row {
  trial_id: number;
  parent_number: number;
  seed_index: number;
  seed: number;
  fold: number | null;
  folds: number | null;
}

export class FinalistRunTable {
  private readonly insert: Database.Statement<[number, number, number, number, number | null, number | null]>;
  private readonly ofStudy: Database.Statement<[number], Row>;
  private readonly ofTrial: Database.Statement<[number], Row>;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO finalist_runs (trial_id, parent_number, seed_index, seed, fold, folds) VALUES (?, ?, ?, ?, ?, ?)');
    this.ofStudy = db.prepare<[number], Row>(
      'SELECT f.* FROM finalist_runs f JOIN trials t ON t.id = f.trial_id WHERE t.study_id = ? ORDER BY t.number',
    );
    this.ofTrial = db.prepare<[number], Row>('SELECT * FROM finalist_runs WHERE trial_id = ?');
  }

  add(trialId: number, run: FinalistRunInfo): void {
    this.insert.run(trialId, run.parentNumber, run.seedIndex, run.seed, run.fold, run.folds);
  }

  ofStudyById(studyId: number): Map<number, FinalistRunInfo> {
    return new Map(this.ofStudy.all(studyId).map((r) => [r.trial_id, info(r)]));
  }

  get(trialId: number): FinalistRunInfo | null {
    const r = this.ofTrial.get(trialId);
    return r ? info(r) : null;
  }
}

function info(r: Row): FinalistRunInfo {
  return { parentNumber: r.parent_number, seedIndex: r.seed_index, seed: r.seed, fold: r.fold, folds: r.folds };
}
