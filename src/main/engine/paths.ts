// Where Nightshift keeps its files (ARCHITECTURE.md "Files on disk").
import os from 'node:os';
import path from 'node:path';

export interface DataPaths {
  /** The SQLite database. */
  db: string;
  /** Folder holding `studies/<study>/trials/<number>/` (logs, params, checkpoints). */
  artifacts: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function nightshiftHome(env: Env = process.env): string {
  if (env.NIGHTSHIFT_HOME) return path.resolve(env.NIGHTSHIFT_HOME);
  const xdg = env.XDG_DATA_HOME;
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.local', 'share'), 'nightshift');
}

/**
 * `--db` wins over NIGHTSHIFT_DB, which wins over NIGHTSHIFT_HOME/nightshift.db. A database given
 * explicitly keeps its trial files beside it (`<its folder>/studies/`), so a study carried around as
 * one folder stays whole.
 */
export function resolveDataPaths(dbFlag: string | undefined, env: Env = process.env): DataPaths {
  const explicit = dbFlag ?? env.NIGHTSHIFT_DB;
  if (explicit) {
    const db = path.resolve(explicit);
    return { db, artifacts: path.dirname(db) };
  }
  const home = nightshiftHome(env);
  return { db: path.join(home, 'nightshift.db'), artifacts: home };
}

export function trialDir(artifacts: string, study: string, trialNumber: number): string {
  return path.join(artifacts, 'studies', study, 'trials', String(trialNumber));
}
