// A trial's files as the trial page shows them: the tail of its logs and the command it ran.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { LOG_TAIL_LINES } from '../../shared/api.js';

/** Logs may be 10 MB; reading the last 256 KB is enough for 200 lines of any sane length. */
const TAIL_BYTES = 256 * 1024;

export function tailLines(file: string, lines = LOG_TAIL_LINES): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    // A cut in the middle of a line (or of a UTF-8 sequence) is dropped rather than shown half.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

export function readCommand(dir: string): { argv: string[]; cwd: string } | null {
  const file = path.join(dir, 'command.json');
  if (!existsSync(file)) return null;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { argv?: unknown; cwd?: unknown };
    if (!Array.isArray(raw.argv) || typeof raw.cwd !== 'string') return null;
    return { argv: raw.argv.map(String), cwd: raw.cwd };
  } catch {
    return null;
  }
}
