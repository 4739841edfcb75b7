// A trial frozen at a rung (`scheduler.mode: pause`) cannot notice that its engine died: a running orphan
// trains on and exits, a frozen one would hold its memory, host and GPU, until someone restarts the study
// (whose recovery kills it). So while a campaign pauses trials, a small watchdog process follows the engine:
// within a second of the engine's death (SIGKILL, OOM killer) it sends SIGTERM and SIGCONT to every process
// that carries the engine's marker, frozen or not, as the next engine's recovery would. It is a separate
// process because nothing of a dead engine can act; the script is inline (`node -e`) so that it needs no
// file next to the bundled CLI, and ELECTRON_RUN_AS_NODE lets the desktop app's binary run it too.
import { spawn, type ChildProcess } from 'node:child_process';
import { reapedCpu } from '../metering/index.js';

const SCRIPT = `
const fs = require('fs');
const [engine, marker] = process.argv.slice(1);
const needle = Buffer.from('\\0' + marker + '\\0', 'latin1');
function engineAlive() {
  let stat;
  try { stat = fs.readFileSync('/proc/' + engine + '/stat', 'utf8'); } catch { return false; }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}
function sweep() {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(d) || Number(d) === process.pid) continue;
    let env;
    try { env = Buffer.concat([Buffer.from([0]), fs.readFileSync('/proc/' + d + '/environ')]); } catch { continue; }
    if (!env.includes(needle)) continue;
    try { process.kill(Number(d), 'SIGTERM'); process.kill(Number(d), 'SIGCONT'); } catch {}
  }
}
const timer = setInterval(() => { if (!engineAlive()) { clearInterval(timer); sweep(); } }, 1000);
`;

export class PauseWatchdog {
  private child: ChildProcess | null = null;

  /** `marker`: the `NAME=value` environment entry every trial process of this engine carries. */
  constructor(private readonly marker: string) {}

  /** Starts the watchdog (once; Linux only, where /proc tells what a process carries). */
  ensure(): void {
    if (this.child || process.platform !== 'linux') return;
    this.child = spawn(process.execPath, ['-e', SCRIPT, String(process.pid), this.marker], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child.on('error', () => {});
    // Reaped by this engine when closed: its night of polling is no trial's CPU tail.
    reapedCpu.follow(this.child);
    this.child.unref();
  }

  /** The campaign ended with its engine alive: nothing is frozen any more. */
  close(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}
