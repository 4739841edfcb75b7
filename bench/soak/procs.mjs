// What the soak reads from /proc: an engine's memory and open descriptors, and the processes that carry a
// trial's environment marker after everything should have ended (Linux only, like the orphan scan).
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory (kB) and open file descriptors of a live process; null once it is gone. */
export function processStats(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    return { rssKb: rss, fds };
  } catch {
    return null;
  }
}

// The marker the engine sets today, and the one the process-escape fix adds; either identifies a trial's process.
const TRIAL_MARKERS = ['NIGHTSHIFT_TRIAL_ID=', 'NIGHTSHIFT_TRIAL_TOKEN='];

/**
 * Live processes started for a trial of `study`: their environment holds a trial marker and
 * NIGHTSHIFT_STUDY=<study>. The study name is unique per soak run, so other Nightshift runs on this machine
 * (tests, other sessions) are never counted or killed.
 */
export function trialProcesses(study) {
  const studyNeedle = `\0NIGHTSHIFT_STUDY=${study}\0`;
  const found = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let environ;
    let stat;
    try {
      environ = '\0' + readFileSync(`/proc/${e}/environ`, 'latin1');
      stat = readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue; // gone, or not readable
    }
    if (!environ.includes(studyNeedle) || !TRIAL_MARKERS.some((m) => environ.includes(`\0${m}`))) continue;
    // A zombie runs nothing; it only waits for a parent that may be PID 1 in a container.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z') continue;
    const trial = /\0NIGHTSHIFT_TRIAL_ID=([^\0]*)/.exec(environ)?.[1] ?? null;
    const cmd = readCmdline(e);
    found.push({ pid: Number(e), trial, cmd });
  }
  return found;
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return '';
  }
}

export function killAll(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
