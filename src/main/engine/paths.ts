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

/**
 * A study name or trial number that cannot name a folder under `studies/`. Names are checked when a study
 * file is read, but a database is also input (a colleague's file, a crafted one): a study named `../..`
 * read back from it must never make Nightshift read or write outside the data folder.
 */
export class UnsafeTrialPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTrialPathError';
  }
}

/** One folder name, never a way out of its parent: no separators, no NUL, not "." or "..". */
function safeSegment(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** `<artifacts>/studies/<study>`; throws UnsafeTrialPathError for a name that would leave that folder. */
export function studyDir(artifacts: string, study: string): string {
  if (!safeSegment(study)) {
    throw new UnsafeTrialPathError(`study name ${JSON.stringify(study)} cannot name a folder (it holds a path separator or is "." or ".."); its trial files are not used`);
  }
  return path.join(artifacts, 'studies', study);
}

export function trialDir(artifacts: string, study: string, trialNumber: number): string {
  if (!Number.isSafeInteger(trialNumber) || trialNumber < 0) {
    throw new UnsafeTrialPathError(`trial number ${String(trialNumber)} of study ${JSON.stringify(study)} is not a whole number ≥ 0; its trial files are not used`);
  }
  return path.join(studyDir(artifacts, study), 'trials', String(trialNumber));
}
