// Follows a trial's stdout.log as the job appends to it on the shared filesystem, and hands each report
// line to the engine once, in order. A restarted engine re-reads the log from the start (the caller knows
// which reports its predecessor stored).
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { LineSplitter } from '../../runner/lines.js';
import { MAX_REPORT_LINE_CHARS, parseReportLine } from '../../runner/protocol.js';

const CHUNK = 64 * 1024;

export class ReportFollower {
  private offset = 0;
  private readonly lines: LineSplitter;
  count = 0;

  constructor(
    private readonly file: string,
    onReport: (step: number, metrics: Record<string, number>) => void,
  ) {
    this.lines = new LineSplitter(MAX_REPORT_LINE_CHARS, (line, overlong) => {
      if (overlong) return;
      const parsed = parseReportLine(line);
      if (parsed.kind !== 'report') return;
      this.count += 1;
      onReport(parsed.step, parsed.metrics);
    });
  }

  /** Reads what was appended since the last call. */
  poll(): void {
    if (!existsSync(this.file)) return;
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.lines.push(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** The log is complete: a last line without a newline counts too. */
  end(): void {
    this.poll();
    this.lines.end();
  }
}
