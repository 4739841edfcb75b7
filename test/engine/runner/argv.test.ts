import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgvTemplateError, argvPlaceholders, fillArgv } from '../../../src/main/engine/runner/argv.js';
import { fixture, launch, readLog, tempDir } from './helpers.js';

describe('fillArgv', () => {
  it('fills placeholders, including several in one element, and keeps other elements as they are', () => {
    expect(
      fillArgv(['python3', 'train.py', '--lr', '{lr}', '--tag={optimizer}-{units}', '--flag'], {
        lr: 0.001,
        units: 64,
        optimizer: 'adam',
      }),
    ).toEqual(['python3', 'train.py', '--lr', '0.001', '--tag=adam-64', '--flag']);
  });

  it('prints numbers so that they round-trip, and booleans as true/false', () => {
    const values = { a: 1e-7, b: 0.1 + 0.2, c: 123456789012345680000, d: -0, e: true, f: 3 };
    const out = fillArgv(['{a}', '{b}', '{c}', '{d}', '{e}', '{f}'], values);
    expect(out).toEqual(['1e-7', '0.30000000000000004', '123456789012345680000', '0', 'true', '3']);
    expect(Number(out[0])).toBe(values.a);
    expect(Number(out[1])).toBe(values.b);
  });

  it('turns {{ and }} into literal braces', () => {
    expect(fillArgv(['{{"lr": {lr}}}', '{{}}', '{{x}}'], { lr: 0.5 })).toEqual(['{"lr": 0.5}', '{}', '{x}']);
  });

  it('throws on an unknown placeholder, naming it and the element', () => {
    expect(() => fillArgv(['train', '--lr', '{learning_rate}'], { lr: 0.1 })).toThrow(ArgvTemplateError);
    expect(() => fillArgv(['train', '--lr', '{learning_rate}'], { lr: 0.1 })).toThrow(
      /command\[2\].*unknown placeholder "\{learning_rate\}".*known names are lr/,
    );
  });

  it('does not look placeholders up on the prototype', () => {
    expect(() => fillArgv(['{toString}'], {})).toThrow(/unknown placeholder/);
  });

  it.each([['{lr'], ['lr}'], ['{}'], ['{a{b}']])('throws on the malformed template %s', (element) => {
    expect(() => fillArgv([element], { lr: 1, a: 1, b: 1 })).toThrow(ArgvTemplateError);
  });

  it('lists the placeholders a template uses', () => {
    expect(argvPlaceholders(['x', '{lr}', '--{units}={lr}', '{{not}}'])).toEqual(['lr', 'units']);
  });
});

describe('shell-looking values reach the trial literally', () => {
  it('passes each value as one argv element and runs no shell', async () => {
    const dir = tempDir();
    const values = {
      semi: '1; touch X',
      subst: '$(touch Y)',
      backtick: '`touch Z`',
      quotes: `"a b" 'c d' \\`,
      glob: '*',
      pipe: 'x | touch W && touch V > U',
      newline: 'a\nb',
      empty: '',
    };
    const argv = fillArgv(
      [process.execPath, fixture('echo-argv.mjs'), '{semi}', '{subst}', '{backtick}', '{quotes}', '{glob}', '{pipe}', '{newline}', '{empty}'],
      values,
    );
    const { trial, logDir } = launch(argv, { cwd: dir });
    const exit = await trial.done;
    expect(exit.code).toBe(0);
    const received = readLog(logDir, 'stdout')
      .split('ARG ')
      .slice(1)
      .map((chunk) => JSON.parse(chunk.trim()) as string);
    expect(received).toEqual(Object.values(values));
    // No shell ran: none of the files the values name exist, in the trial's cwd or ours.
    expect(readdirSync(dir)).toEqual([]);
    for (const name of ['X', 'Y', 'Z', 'W', 'V', 'U']) {
      expect(existsSync(path.join(dir, name))).toBe(false);
      expect(existsSync(path.join(process.cwd(), name))).toBe(false);
    }
  });
});
