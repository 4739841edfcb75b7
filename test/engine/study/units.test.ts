import { describe, expect, it } from 'vitest';
import { parseDuration, parseEnergy } from '../../../src/main/engine/study/units.js';

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
