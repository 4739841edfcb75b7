// Runs the CLI with some paths read-only. Permission bits do not bind root (the tests usually run as
// root), so as root each path is bind-mounted onto itself read-only, inside a mount namespace of the
// child's own (`unshare -m`): the mount disappears with the child, and nothing outside sees it. As
// another user, chmod does the job.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { BIN, collect, type CliResult } from './cli.js';

const isRoot = process.getuid?.() === 0;

/** Why read-only paths cannot be set up on this machine, or null when they can. */
export function readOnlyUnavailable(): string | null {
  if (!isRoot) return null;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /tmp /tmp && mount -o remount,ro,bind /tmp /tmp'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `running as root without the right to mount (unshare -m: ${(probe.stderr || probe.error?.message || '').trim()}), so no path can be made read-only`;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function runCliReadOnly(readOnly: readonly string[], args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult> {
  if (isRoot) {
    const mounts = readOnly.map((p) => `mount --bind ${quote(p)} ${quote(p)} && mount -o remount,ro,bind ${quote(p)} ${quote(p)}`).join(' && ');
    const script = `${mounts} && exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
    return collect(spawn('unshare', ['-m', 'sh', '-c', script], { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }
  const modes = readOnly.map((p) => statSync(p).mode);
  readOnly.forEach((p, i) => chmodSync(p, modes[i]! & ~0o222));
  try {
    return await collect(spawn(process.execPath, [BIN, ...args], { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  } finally {
    readOnly.forEach((p, i) => chmodSync(p, modes[i]!));
  }
}
