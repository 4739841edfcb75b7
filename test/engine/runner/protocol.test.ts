import { describe, expect, it } from 'vitest';
import { parseReportLine } from '../../../src/main/engine/runner/protocol.js';

describe('parseReportLine', () => {
  it('parses a report with its step and metrics', () => {
    expect(parseReportLine('@nightshift {"step": 3, "val_accuracy": 0.91, "loss": 1e-3}')).toEqual({
      kind: 'report',
      step: 3,
      metrics: { val_accuracy: 0.91, loss: 0.001 },
    });
  });

  it('accepts a report with only a step, a trailing CR and step 0', () => {
    expect(parseReportLine('@nightshift {"step": 0}\r')).toEqual({ kind: 'report', step: 0, metrics: {} });
  });

  it('treats every other line as log', () => {
    for (const line of ['', 'epoch 1 loss 0.3', ' @nightshift {"step": 1}', '@nightshiftx {"step": 1}', '{"step": 1}']) {
      expect(parseReportLine(line)).toEqual({ kind: 'log' });
    }
  });

  it.each([
    ['@nightshift {"step": 1, "loss": }', /not valid JSON/],
    ['@nightshift', /expected a JSON object/],
    ['@nightshift ', /not valid JSON/],
    ['@nightshift [1]', /expected a JSON object.*array/],
    ['@nightshift null', /expected a JSON object.*null/],
    ['@nightshift {"loss": 0.1}', /missing "step"/],
    ['@nightshift {"step": -1}', /"step" must be a non-negative integer, got -1/],
    ['@nightshift {"step": 2.5}', /"step" must be a non-negative integer, got 2.5/],
    ['@nightshift {"step": "2"}', /"step" must be a non-negative integer, got the string "2"/],
    ['@nightshift {"step": 1, "acc": true}', /metric "acc" must be a finite number, got the boolean true/],
    ['@nightshift {"step": 1, "acc": "0.9"}', /metric "acc" must be a finite number, got the string "0.9"/],
    ['@nightshift {"step": 1, "acc": null}', /metric "acc" must be a finite number, got null/],
    ['@nightshift {"step": 1, "acc": {"x": 1}}', /metric "acc" must be a finite number, got an object/],
    ['@nightshift {"step": 1, "loss": NaN}', /metric "loss" is NaN/],
    ['@nightshift {"step": 1, "loss": -Infinity}', /metric "loss" is -Infinity/],
    ['@nightshift {"step": 1, "loss": 1e400}', /metric "loss" must be a finite number, got Infinity/],
    ['@nightshift {"step": 1, "": 1}', /invalid metric name ""/],
    ['@nightshift {"step": 1, "__proto__": 1}', /invalid metric name "__proto__"/],
  ])('refuses %s', (line, message) => {
    const parsed = parseReportLine(line);
    expect(parsed.kind).toBe('malformed');
    if (parsed.kind === 'malformed') expect(parsed.error).toMatch(message);
  });

  it('never throws on megabyte-long or deeply nested lines', () => {
    const huge = '@nightshift {"step": 1, "x": "' + 'a'.repeat(3 * 1024 * 1024) + '"}';
    expect(parseReportLine(huge)).toMatchObject({ kind: 'malformed', error: expect.stringMatching(/characters long/) });
    const nearLimit = '@nightshift {"step": 1, "x": "' + 'a'.repeat(1000 * 1000) + '"}';
    expect(parseReportLine(nearLimit)).toMatchObject({ kind: 'malformed', error: expect.stringMatching(/metric "x"/) });
    const nested = '@nightshift ' + '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseReportLine(nested).kind).toBe('malformed');
    const unterminated = '@nightshift {"step": 1, "' + '\\"'.repeat(400_000);
    expect(parseReportLine(unterminated).kind).toBe('malformed');
    expect(parseReportLine('x'.repeat(5 * 1024 * 1024))).toEqual({ kind: 'log' });
  });
});
