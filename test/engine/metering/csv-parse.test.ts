import { describe, expect, it } from 'vitest';
import { GPU_STREAM_FIELDS, parseComputeApps, parseGpuIdentities, parseGpuLine, parseHexField, parseNumberField, parseSmiTimestamp } from '../../../src/main/engine/metering/csv-parse.js';

describe('nvidia-smi CSV parsing', () => {
  it('reads a real H200 row (captured from nvidia-smi 580.159.04)', () => {
    const s = parseGpuLine('0, 127.76, 0, 0, 40, 405, 700.00, 0x0000000000000001', 5);
    expect(s).toEqual({ index: 0, t: 5, power_w: 127.76, mem_used_mb: 0, util_pct: 0, temp_c: 40, sm_clock_mhz: 405, power_limit_w: 700, throttle_mask: 1, smi_at_ms: null });
  });

  it('reads nvidia-smi’s timestamp (local time) and ignores one it cannot read', () => {
    const s = parseGpuLine('0, 127.76, 0, 0, 40, 405, 700.00, 0x0000000000000001, 2025/11/27 23:04:05.678', 5);
    expect(s?.smi_at_ms).toBe(new Date(2025, 10, 27, 23, 4, 5, 678).getTime());
    expect(parseSmiTimestamp('2025/11/27 23:04:05')).toBe(new Date(2025, 10, 27, 23, 4, 5).getTime());
    // Captured from nvidia-smi on an H200 (driver 580): `--query-gpu=index,power.draw,timestamp`.
    expect(parseGpuLine('0, 79.14, 2026/11/29 23:41:56.335', 0, ['index', 'power.draw', 'timestamp'])?.smi_at_ms).toBe(new Date(2026, 10, 29, 23, 41, 56, 335).getTime());
    for (const bad of ['N/A', '[Not Supported]', '27/11/2025 23:04:05', '2025-11-27T23:04:05Z', '']) expect(parseSmiTimestamp(bad)).toBeNull();
  });

  it('turns every placeholder into null and keeps the rest of the row', () => {
    const s = parseGpuLine('1, [Not Supported], N/A, [N/A], [Unknown Error], [GPU is lost], 450.00, garbage', 0);
    expect(s).toMatchObject({ index: 1, power_w: null, mem_used_mb: null, util_pct: null, temp_c: null, sm_clock_mhz: null, power_limit_w: 450, throttle_mask: null });
  });

  it('rejects lines that are not rows, and short rows lose only their missing fields', () => {
    for (const line of ['', ',,,', 'WARNING: infoROM is corrupted at gpu 0000:01:00.0', 'Field "x" is not a valid field to query.', 'No devices were found', '-1, 100']) {
      expect(parseGpuLine(line, 0)).toBeNull();
    }
    expect(parseGpuLine('0, 99.5', 0)).toMatchObject({ index: 0, power_w: 99.5, mem_used_mb: null, throttle_mask: null });
  });

  it('never throws on arbitrary input', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['0', '1', ',', ' ', 'N/A', '[Not Supported]', '[N/A]', '0x', '0xffffffffffffffffff', '-', '.', 'e9', '\u0000', '"', '\n', 'NaN', 'Infinity', '1e999', '  ', 'W', 'MiB'];
    for (let i = 0; i < 2000; i++) {
      let line = '';
      const n = Math.floor(rnd() * 20);
      for (let j = 0; j < n; j++) line += pieces[Math.floor(rnd() * pieces.length)];
      expect(() => parseGpuLine(line, 0)).not.toThrow();
      expect(() => parseComputeApps(line)).not.toThrow();
      expect(() => parseGpuIdentities(line)).not.toThrow();
      const s = parseGpuLine(line, 0);
      if (s) for (const v of Object.values(s)) expect(v === null || Number.isFinite(v)).toBe(true);
    }
  });

  it('parses numbers and bitmasks strictly', () => {
    expect(parseNumberField(' 12.5 ')).toBe(12.5);
    expect(parseNumberField('123.45 W')).toBe(123.45);
    expect(parseNumberField('1e999')).toBeNull();
    expect(parseNumberField('12abc3')).toBeNull();
    expect(parseHexField('0x0000000000000044')).toBe(0x44);
    expect(parseHexField('0xZZ')).toBeNull();
  });

  it('parses compute apps and GPU identities', () => {
    const apps = parseComputeApps('00000000:17:00.0, 4242, 3000\n00000000:65:00.0, 99, [N/A]\nNo running processes found\n');
    expect(apps).toEqual([
      { bus_id: '17:00.0', pid: 4242, used_mb: 3000 },
      { bus_id: '65:00.0', pid: 99, used_mb: null },
    ]);
    const ids = parseGpuIdentities('0, 00000000:00:06.0, NVIDIA H200, 143771, 580.159.04, 700.00, 89.78\n');
    expect(ids).toEqual([{ index: 0, bus_id: '00:06.0', name: 'NVIDIA H200', memory_mb: 143771, driver: '580.159.04', power_limit_w: 700, power_w: 89.78 }]);
    expect(GPU_STREAM_FIELDS[0]).toBe('index');
  });
});
