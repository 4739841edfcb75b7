// Every malformed study in test/fixtures/bad-studies must fail with exactly one issue that names the path
// and says what to do. cases.json is shared with the CLI test, which checks exit code 2 and the same text.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/bad-studies');
const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Record<string, { path: string; message: string }>;

function failureOf(file: string): StudySpecError {
  try {
    loadStudyFile(file, STRATEGIES);
  } catch (e) {
    if (e instanceof StudySpecError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('malformed study files', () => {
  it('has a case for every fixture file and a file for every case', () => {
    const files = readdirSync(dir).filter((f) => f !== 'cases.json').sort();
    expect(Object.keys(cases).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(35);
  });

  it.each(Object.entries(cases))('%s', (name, expected) => {
    const file = path.join(dir, name);
    const error = failureOf(file);
    expect(error.file).toBe(file);
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue!.path).toBe(expected.path);
    expect(issue!.message).toContain(expected.message);
    // The CLI prints error.message as is: one line, `file: path: message`.
    expect(error.message).toBe([file, expected.path, issue!.message].filter((s) => s !== '').join(': '));
    expect(error.message).not.toContain('\n');
  });
});
