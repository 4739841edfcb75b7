// Splits a child's byte stream into text lines. A line is bounded: a trial that prints megabytes without a
// newline must not make the engine buffer them all, so an over-long line is handed on once (its head, marked
// `overlong`) and the rest of it is skipped up to the next newline.
import { StringDecoder } from 'node:string_decoder';

export type LineHandler = (line: string, overlong: boolean) => void;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private skipping = false;

  constructor(
    private readonly maxLineChars: number,
    private readonly onLine: LineHandler,
  ) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk));
  }

  /** Flushes the last line even without a trailing newline (a trial's final report often lacks one). */
  end(): void {
    this.consume(this.decoder.end());
    if (this.pending !== '' && !this.skipping) this.emit(this.pending, false);
    this.pending = '';
    this.skipping = false;
  }

  private consume(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      if (this.skipping) {
        this.skipping = false;
      } else {
        this.emit(this.pending + text.slice(start, newline), false);
      }
      this.pending = '';
      start = newline + 1;
    }
    if (this.skipping || start >= text.length) return;
    this.pending += text.slice(start);
    if (this.pending.length > this.maxLineChars) {
      this.emit(this.pending.slice(0, this.maxLineChars), true);
      this.pending = '';
      this.skipping = true;
    }
  }

  private emit(line: string, overlong: boolean): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, overlong);
  }
}
