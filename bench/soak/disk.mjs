// The disk-full fault: the data folder is a small tmpfs of its own (so filling it touches nothing else on
// the machine), filled to the last byte by one file that is removed a while later. Mounting needs root.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Mounts a tmpfs of `sizeMb` on `dir`; the reason when it cannot (not root, no mount permission). */
export function mountTmpfs(dir, sizeMb) {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root to mount a tmpfs (run the soak as root for the disk-full fault)' };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return { ok: true, reason: null };
  } catch (e) {
    return { ok: false, reason: `mount -t tmpfs failed: ${String(e.stderr ?? e.message).trim()}` };
  }
}

export function unmount(dir) {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // already unmounted
  }
}

/** Writes zeros into `<dir>/.soak-fill` until the file system refuses more; returns the file and bytes written. */
export function fillDisk(dir) {
  const file = path.join(dir, '.soak-fill');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  let bytes = 0;
  try {
    for (;;) {
      try {
        bytes += writeSync(fd, chunk);
      } catch (e) {
        if (e.code === 'ENOSPC') break;
        throw e;
      }
    }
    // The last partial megabyte: fill byte by byte in smaller pieces so not even a page is left.
    for (let size = 1 << 19; size >= 512; size >>= 1) {
      try {
        bytes += writeSync(fd, chunk.subarray(0, size));
        size <<= 1;
      } catch (e) {
        if (e.code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { file, bytes };
}

export function freeDisk(file) {
  rmSync(file, { force: true });
}
