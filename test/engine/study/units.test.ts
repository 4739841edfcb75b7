import { describe, expect, it } from 'vitest';
import { formatSize, parseDuration, parseEnergy, parseSize } from '../../../src/main/engine/study/units.js';

describe('parseDuration', () => {
  it.each([
    ['8h', 8 * 3600],
    ['90m', 5400],
    ['1h30m', 5400],
    [' 1H 30M ', 5400],
    ['1.5h', 5400],
    ['45s', 45],
    ['2d', 2 * 86_400],
    ['500ms', 0.5],
    ['2 hours', 7200],
    ['3600', 3600],
    [3600, 3600],
    [0.25, 0.25],
  ] as const)('%j is %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBeCloseTo(seconds, 9);
  });

  it.each(['', 'soon', '-8h', '0s', '0', '5x', '1h30', 'h', '8h!', '1e3s'])('rejects %j with examples', (input) => {
    expect(() => parseDuration(input)).toThrow(/45s, 90m, 8h, 1h30m/);
  });

  it.each([0, -5, Infinity, -Infinity, NaN])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(RangeError);
  });

  it('names the unknown unit', () => {
    expect(() => parseDuration('20x')).toThrow('unknown time unit "x"');
  });
});

describe('parseEnergy', () => {
  it.each([
    ['2kWh', 7.2e6],
    ['2 KWH', 7.2e6],
    ['500Wh', 1.8e6],
    ['1.5MJ', 1.5e6],
    ['300kJ', 3e5],
    ['100J', 100],
    ['100 j', 100],
    ['5000', 5000],
    [5000, 5000],
  ] as const)('%j is %d joules', (input, joules) => {
    expect(parseEnergy(input)).toBeCloseTo(joules, 6);
  });

  it.each(['', 'lots', '2kW', '0J', '-1kWh', 'kWh', '2 kWh extra'])('rejects %j with examples', (input) => {
    expect(() => parseEnergy(input)).toThrow(/2kWh, 500Wh, 1\.5MJ/);
  });

  it.each([0, -1, Infinity, NaN])('rejects the number %d', (input) => {
    expect(() => parseEnergy(input)).toThrow(RangeError);
  });

  it('says that kW is not an energy unit', () => {
    expect(() => parseEnergy('2kW')).toThrow('unknown energy unit "kw"');
  });
});

describe('parseSize', () => {
  it.each([
    ['500MB', 5e8],
    ['2GB', 2e9],
    ['2 gb', 2e9],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['8MiB', 8 * 2 ** 20],
    ['100kB', 1e5],
    ['0', 0],
    [0, 0],
    [1234, 1234],
  ] as const)('%j is %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each(['', 'lots', '-1GB', '2GW', 'GB', '2 GB extra'])('rejects %j with examples', (input) => {
    expect(() => parseSize(input)).toThrow(/500MB, 2GB, 1\.5GiB/);
  });

  it('prints sizes in the decimal units it reads', () => {
    expect([formatSize(0), formatSize(999), formatSize(1e5), formatSize(8 * 2 ** 20), formatSize(2e9), formatSize(3.5e12)]).toEqual([
      '0 B',
      '999 B',
      '100 kB',
      '8.4 MB',
      '2 GB',
      '3.5 TB',
    ]);
  });
});
