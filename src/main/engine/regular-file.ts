// Reading a file a user named (a study file, a path sent to the API) without trusting what is there.
// stat.size is 0 for devices, FIFOs and /proc files, so a size check before readFileSync does not bound
// anything: `/dev/zero` grew the process to 4 GB, a FIFO blocked the event loop forever. Here the path must
// be a regular file (checked before opening, since opening a FIFO blocks and opening a device can act on
// it, and again on the open descriptor in case the path was swapped meanwhile), and at most `maxBytes`
// are read whatever the size says.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type RegularFileProblem =
  | { kind: 'missing' }
  | { kind: 'folder' }
  | { kind: 'not-regular'; what: string }
  | { kind: 'too-large'; bytes: number | null }
  | { kind: 'unreadable'; code: string };

export class RegularFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: RegularFileProblem,
  ) {
    super(`${file}: ${describeProblem(problem)}`);
    this.name = 'RegularFileError';
  }
}

/** What the file is, in the words an error message uses: "a character device", "a FIFO (named pipe)". */
export function describeFileType(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function describeProblem(p: RegularFileProblem): string {
  switch (p.kind) {
    case 'missing':
      return 'file not found';
    case 'folder':
      return 'is a folder, not a file';
    case 'not-regular':
      return `is ${p.what}, not a regular file`;
    case 'too-large':
      return p.bytes === null ? 'is too large' : `is ${p.bytes} bytes, too large`;
    case 'unreadable':
      return `cannot read the file (${p.code})`;
  }
}

/** The problem that makes `st` unusable as a regular file, or null when it is one. */
function typeProblem(st: Stats): RegularFileProblem | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return { kind: 'folder' };
  return { kind: 'not-regular', what: describeFileType(st) };
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Reads all of a regular file of at most `maxBytes` bytes; throws RegularFileError otherwise. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const code = codeOf(e);
    throw new RegularFileError(file, code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unreadable', code });
  }
  const before = typeProblem(st);
  if (before) throw new RegularFileError(file, before);
  if (st.size > maxBytes) throw new RegularFileError(file, { kind: 'too-large', bytes: st.size });

  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, open returns instead of waiting for a
    // writer. It changes nothing for a regular file. (Windows has no such flag, nor FIFOs at a path.)
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    const code = codeOf(e);
    throw new RegularFileError(file, code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', code });
  }
  try {
    const after = typeProblem(fstatSync(fd));
    if (after) throw new RegularFileError(file, after);
    // One byte more than allowed tells "exactly at the limit" from "over it" when the size lied (/proc).
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, got, buf.length - got, null);
      } catch (e) {
        throw new RegularFileError(file, { kind: 'unreadable', code: codeOf(e) });
      }
      if (n === 0) break;
      got += n;
      if (got > maxBytes) throw new RegularFileError(file, { kind: 'too-large', bytes: null });
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
