import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineError, resolveDeadline } from '../../../src/main/engine/study/deadline.js';

describe('resolveDeadline', () => {
  const savedTz = process.env.TZ;
  beforeAll(() => {
    // A zone with daylight saving, so the test also covers the night the clocks change.
    process.env.TZ = 'Europe/Berlin';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('"07:00" in the evening is tomorrow morning', () => {
    const now = new Date(2030, 0, 15, 22, 30);
    expect(resolveDeadline('07:00', now)).toEqual(new Date(2030, 0, 16, 7, 0));
  });

  it('"07:00" before dawn is this morning', () => {
    const now = new Date(2030, 0, 15, 3, 10);
    expect(resolveDeadline('07:00', now)).toEqual(new Date(2030, 0, 15, 7, 0));
  });

  it('a clock time equal to now is a day later, never now', () => {
    const now = new Date(2030, 0, 15, 7, 0, 0, 0);
    expect(resolveDeadline('07:00', now)).toEqual(new Date(2030, 0, 16, 7, 0));
  });

  it('accepts a one-digit hour and surrounding spaces', () => {
    const now = new Date(2030, 0, 15, 8, 0);
    expect(resolveDeadline(' 7:05 ', now)).toEqual(new Date(2030, 0, 16, 7, 5));
  });

  it('keeps the wall-clock time across the change to summer time', () => {
    // Berlin skips 02:00-03:00 on 2030-03-31: 07:00 local that morning is 05:00 UTC, not 06:00.
    const now = new Date(2030, 2, 30, 22, 0);
    expect(resolveDeadline('07:00', now).toISOString()).toBe('2030-03-31T05:00:00.000Z');
  });

  it('parses ISO date-times as given', () => {
    const now = new Date(2030, 0, 1);
    expect(resolveDeadline('2030-01-31T07:00:00Z', now).toISOString()).toBe('2030-01-31T07:00:00.000Z');
    expect(resolveDeadline('2030-01-31T07:00+02:00', now).toISOString()).toBe('2030-01-31T05:00:00.000Z');
    expect(resolveDeadline('2030-01-31T07:00+0200', now).toISOString()).toBe('2030-01-31T05:00:00.000Z');
    expect(resolveDeadline('2030-01-31 07:00', now)).toEqual(new Date(2030, 0, 31, 7, 0));
  });

  it.each(['7am', '24:00', '07:60', 'tomorrow', '2030-01-31', '2030-13-01T07:00', '2030-02-29T07:00', ''])('rejects %j', (text) => {
    expect(deadlineError(text)).toMatch(/07:00/);
    expect(() => resolveDeadline(text, new Date())).toThrow(RangeError);
  });

  it('accepts a leap day', () => {
    expect(deadlineError('2028-02-29T07:00')).toBeNull();
  });
});
