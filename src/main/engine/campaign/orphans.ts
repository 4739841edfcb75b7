// Finding the processes of trials whose engine died. The recorded process group id covers the normal
// case; scanning /proc for the engine's id in the environment also catches a trial spawned in the instant
// before its pgid reached the database (Linux only; elsewhere the pgid alone is used).
import { readdirSync, readFileSync } from 'node:fs';

export const ENGINE_ENV = 'NIGHTSHIFT_ENGINE';

/** Pids of live processes whose environment says they were started by engine `owner`. */
export function processesOfOwner(owner: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${ENGINE_ENV}=${owner}\0`;
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, 'latin1').includes(needle)) pids.push(Number(e));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}
