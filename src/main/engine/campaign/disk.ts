// Disk space over a night: a free-space guard (below `resources.min_free_disk` no new trial starts, so the
// database can still commit and running trials can finish), and how much a study's folder holds.
import { lstatSync, readdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { studyDir, UnsafeTrialPathError } from '../paths.js';
import { formatSize } from '../study/units.js';

/** Free bytes for an unprivileged writer on the file system that holds `dir` (or its nearest existing parent). */
export function freeBytes(dir: string): number | null {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const s = statfsSync(at);
      return s.bavail * s.bsize;
    } catch {
      const up = path.dirname(at);
      if (up === at) return null;
      at = up;
    }
  }
}

/**
 * Why no new trial may start, or null when there is room (or no guard, or no way to tell). Measured at the
 * study's own folder, which may be a mount of its own.
 */
export function lowDiskReason(artifacts: string, study: string, minFreeBytes: number): string | null {
  if (minFreeBytes <= 0) return null;
  const folder = studyDir(artifacts, study);
  const free = freeBytes(folder);
  if (free === null || free >= minFreeBytes) return null;
  return `disk nearly full: ${formatSize(free)} free where trial folders are kept (${folder}), below resources.min_free_disk (${formatSize(minFreeBytes)}); no new trial starts. Free some space (or lower min_free_disk) and run again`;
}

export interface StudyDiskUse {
  /** The study's folder (`studies/<name>`). */
  folder: string;
  /** Bytes of every file under it: logs, parameters, checkpoints. */
  bytes: number;
  /** Of which in `trials/<n>/checkpoint/` folders. */
  checkpoint_bytes: number;
}

/** What a study's folder holds on disk; zeros when it has none yet. */
export function studyDiskUse(artifacts: string, study: string): StudyDiskUse {
  let folder: string;
  try {
    folder = studyDir(artifacts, study);
  } catch (e) {
    // A name read from someone else's database must not walk out of the data folder.
    if (e instanceof UnsafeTrialPathError) return { folder: path.join(artifacts, 'studies'), bytes: 0, checkpoint_bytes: 0 };
    throw e;
  }
  const use = { folder, bytes: 0, checkpoint_bytes: 0 };
  const walk = (dir: string, inCheckpoint: boolean): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      const ckpt = inCheckpoint || (e === 'checkpoint' && path.basename(path.dirname(path.dirname(p))) === 'trials');
      if (st.isDirectory()) walk(p, ckpt);
      else if (st.isFile()) {
        use.bytes += st.size;
        if (ckpt) use.checkpoint_bytes += st.size;
      }
    }
  };
  walk(folder, false);
  return use;
}
