// A per-trial log file with a size bound. Past the bound the runner keeps reading the pipe (a child blocked
// on a full pipe would hang until its timeout) but drops the bytes, after one line saying so.
import { createWriteStream, type WriteStream } from 'node:fs';

export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;

export class BoundedLog {
  private readonly stream: WriteStream;
  private written = 0;
  private truncated = false;
  private failed: string | null = null;
  private endsWithNewline = true;

  constructor(
    readonly file: string,
    private readonly maxBytes: number,
  ) {
    // Append: a trial resumed or promoted later keeps the output of its earlier runs.
    this.stream = createWriteStream(file, { flags: 'a' });
    // A full disk must not crash the engine; the trial goes on without its log.
    this.stream.on('error', (e) => {
      this.failed = e.message;
    });
  }

  get isTruncated(): boolean {
    return this.truncated;
  }

  get error(): string | null {
    return this.failed;
  }

  write(chunk: Buffer): void {
    if (this.truncated || this.failed !== null || chunk.length === 0) return;
    const room = this.maxBytes - this.written;
    if (chunk.length <= room) {
      this.put(chunk);
      this.written += chunk.length;
      return;
    }
    if (room > 0) this.put(chunk.subarray(0, room));
    this.written = this.maxBytes;
    this.truncated = true;
    this.put(Buffer.from(`${this.endsWithNewline ? '' : '\n'}[nightshift: log truncated after ${this.maxBytes} bytes]\n`));
  }

  /** A line from Nightshift itself (`[nightshift: ...]`), on a line of its own; counts against the bound. */
  note(text: string): void {
    this.write(Buffer.from(`${this.endsWithNewline ? '' : '\n'}[nightshift: ${text}]\n`));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) {
        resolve();
        return;
      }
      this.stream.end(() => resolve());
      // end()'s callback is not called when the stream errored; 'close' always is.
      this.stream.once('close', () => resolve());
    });
  }

  private put(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.stream.write(bytes);
    this.endsWithNewline = bytes[bytes.length - 1] === 0x0a;
  }
}
