// Finding the processes of trials whose engine died. The recorded process group id covers the normal
// case; scanning /proc for the engine's id in the environment also catches a trial spawned in the instant
// before its pgid reached the database (Linux only; elsewhere the pgid alone is used).
import { processesWithEnv } from '../runner/marked.js';

export const ENGINE_ENV = 'NIGHTSHIFT_ENGINE';

/** Pids of live processes whose environment says they were started by engine `owner`. */
export function processesOfOwner(owner: string): number[] {
  return processesWithEnv([`${ENGINE_ENV}=${owner}`]);
}
