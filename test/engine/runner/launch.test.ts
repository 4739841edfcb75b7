import { chmodSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyExit } from '../../../src/main/engine/runner/outcome.js';
import { fixture, launch, readLog, tempDir } from './helpers.js';

const node = process.execPath;

describe('launchTrial', () => {
  it('delivers reports in order, including a last line without a newline, and logs all stdout', async () => {
    const { trial, rec, logDir } = launch([node, fixture('report.mjs'), '5']);
    expect(trial.pid).toBeGreaterThan(0);
    const exit = await trial.done;
    expect(exit).toMatchObject({ code: 0, signal: null, stoppedBy: null, spawnError: null, reportCount: 5 });
    expect(rec.reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(rec.reports[4]?.metrics).toEqual({ loss: 0.2, val_accuracy: 5 / 6 });
    const stdout = readLog(logDir, 'stdout');
    expect(stdout).toContain('epoch 3 done\n@nightshift {"step":3,');
    expect(stdout.endsWith('@nightshift {"step":5,"loss":0.2,"val_accuracy":0.8333333333333334}')).toBe(true);
    expect(readLog(logDir, 'stderr')).toBe('a warning on stderr\n');
    expect(exit.stderrTail).toBe('a warning on stderr');
    expect(rec.logs).toContainEqual({ stream: 'stderr', line: 'a warning on stderr' });
    expect(rec.logs.filter((l) => l.stream === 'stdout')).toHaveLength(10);
    expect(exit.durationMs).toBeGreaterThan(0);
    const outcome = classifyExit(exit, { objectives: ['val_accuracy'], reported: new Set(['loss', 'val_accuracy']), timeoutMs: null });
    expect(outcome).toEqual({ state: 'complete', reason: null });
  });

  it('appends to the logs of an earlier run of the same trial', async () => {
    const logDir = path.join(tempDir(), 'logs');
    await launch([node, fixture('report.mjs'), '1'], { logDir }).trial.done;
    await launch([node, fixture('report.mjs'), '1'], { logDir }).trial.done;
    expect(readLog(logDir, 'stderr')).toBe('a warning on stderr\na warning on stderr\n');
  });

  it('records a crash with its exit code and the end of stderr', async () => {
    const { trial, rec } = launch([node, fixture('crash.mjs'), '3']);
    const exit = await trial.done;
    expect(exit.code).toBe(3);
    expect(rec.reports).toHaveLength(1);
    expect(exit.stderrTail.endsWith('File "train.py", line 12\nRuntimeError: CUDA out of memory')).toBe(true);
    expect(exit.stderrTail.length).toBeLessThanOrEqual(2048);
    expect(exit.stderrTail).toMatch(/^noise line \d+ x+\n/); // cut at a line start
    expect(classifyExit(exit, { objectives: ['loss'], reported: new Set(['loss']), timeoutMs: null })).toEqual({
      state: 'failed',
      reason: 'exit code 3: RuntimeError: CUDA out of memory',
    });
  });

  it('records death by a signal', async () => {
    const { trial } = launch([node, fixture('segfault.mjs')]);
    const exit = await trial.done;
    expect(exit).toMatchObject({ code: null, signal: 'SIGSEGV', stoppedBy: null });
    expect(classifyExit(exit, { objectives: [], reported: new Set(), timeoutMs: null })).toEqual({
      state: 'failed',
      reason: 'killed by signal SIGSEGV: about to crash',
    });
  });

  it('fails a trial that exits 0 without reporting its objective', async () => {
    const { trial } = launch([node, fixture('no-objective.mjs')]);
    const exit = await trial.done;
    expect(exit.code).toBe(0);
    expect(classifyExit(exit, { objectives: ['val_accuracy'], reported: new Set(['loss']), timeoutMs: null })).toEqual({
      state: 'failed',
      reason: 'exited 0 without reporting objective val_accuracy',
    });
  });

  it('logs malformed report lines to stderr.log and keeps going', async () => {
    const { trial, rec, logDir } = launch([node, fixture('malformed.mjs')]);
    const exit = await trial.done;
    expect(exit.code).toBe(0);
    expect(exit.reportCount).toBe(1);
    expect(rec.reports).toEqual([{ step: 2, metrics: { loss: 0.25 } }]);
    const notes = readLog(logDir, 'stderr').trimEnd().split('\n');
    expect(notes).toHaveLength(8);
    for (const note of notes) expect(note).toMatch(/^\[nightshift: malformed report line: .+\]$/);
    expect(notes).toContain('[nightshift: malformed report line: missing "step" (a non-negative integer, e.g. {"step": 3, "loss": 0.2})]');
    expect(notes).toContain('[nightshift: malformed report line: metric "flag" must be a finite number, got the boolean true]');
    expect(notes).toContain('[nightshift: malformed report line: metric "loss" is NaN; report only finite numbers]');
    // The trial's own stderr tail is the trial's, not Nightshift's notes.
    expect(exit.stderrTail).toBe('');
  });

  it('survives megabytes of garbage: bounded logs, no blocked pipe, every valid report seen', async () => {
    const maxLogBytes = 64 * 1024;
    const { trial, rec, logDir } = launch([node, fixture('flood.mjs')], { maxLogBytes });
    const exit = await trial.done;
    expect(exit.code).toBe(0);
    expect(rec.reports.map((r) => r.step)).toEqual([1, 3, 4]);
    const stdoutSize = statSync(path.join(logDir, 'stdout.log')).size;
    const stderrSize = statSync(path.join(logDir, 'stderr.log')).size;
    expect(stdoutSize).toBeGreaterThanOrEqual(maxLogBytes);
    expect(stdoutSize).toBeLessThan(maxLogBytes + 200);
    expect(stderrSize).toBeLessThan(maxLogBytes + 200);
    expect(readLog(logDir, 'stdout').endsWith(`\n[nightshift: log truncated after ${maxLogBytes} bytes]\n`)).toBe(true);
    const stderr = readLog(logDir, 'stderr');
    expect(stderr).toContain('[nightshift: malformed report line: longer than 1048576 characters]');
    expect(stderr.endsWith(`[nightshift: log truncated after ${maxLogBytes} bytes]\n`)).toBe(true);
    expect(exit.stderrTail.length).toBeLessThanOrEqual(2048);
  });

  it('reports a command that does not exist, without throwing', async () => {
    const { trial } = launch(['python4', 'train.py']);
    expect(trial.pid).toBe(0);
    const exit = await trial.done;
    expect(exit).toMatchObject({ code: null, signal: null, spawnError: 'command not found: python4', reportCount: 0 });
    expect(await trial.stop('user')).toBe(exit);
    expect(classifyExit(exit, { objectives: ['x'], reported: new Set(), timeoutMs: null })).toEqual({
      state: 'failed',
      reason: 'command not found: python4',
    });
  });

  it('reports a script that is not executable', async () => {
    const script = path.join(tempDir(), 'train.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const exit = await launch([script]).trial.done;
    expect(exit.spawnError).toBe(`command not executable (permission denied): ${script}`);
  });

  it('blames a missing working directory, not the command', async () => {
    const cwd = path.join(tempDir(), 'missing');
    const exit = await launch([node, '-e', '0'], { cwd }).trial.done;
    expect(exit.spawnError).toBe(`working directory not found: ${cwd}`);
  });

  it('reports an empty command', async () => {
    const exit = await launch([]).trial.done;
    expect(exit.spawnError).toMatch(/^empty command/);
  });

  it('keeps a throwing report handler from taking the engine down', async () => {
    const { trial, logDir } = launch([node, fixture('report.mjs'), '2'], {
      onReport: () => {
        throw new Error('store is closed');
      },
    });
    const exit = await trial.done;
    expect(exit.code).toBe(0);
    expect(readLog(logDir, 'stderr')).toContain('[nightshift: report handler failed: store is closed]');
  });
});
