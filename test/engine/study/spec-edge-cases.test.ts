// Inputs a careless or hostile user can write that used to slip through or mislead: keys written twice in
// JSON, `__proto__` as a name, parameters shadowed by built-in placeholders, and very long choice lists.
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { StudySpecError } from '../../../src/main/engine/study/errors.js';
import { BUILTIN_PLACEHOLDERS } from '../../../src/main/engine/study/placeholders.js';
import { parseStudyText, type StudyFormat } from '../../../src/main/engine/study/spec.js';
import { duplicateKeyPath } from '../../../src/main/engine/study/study-text.js';

function parse(text: string, format: StudyFormat = 'json') {
  return parseStudyText(text, { file: `s.${format}`, format, strategies: STRATEGIES });
}

function issuesOf(text: string, format: StudyFormat = 'json') {
  try {
    parse(text, format);
  } catch (e) {
    if (e instanceof StudySpecError) return e.issues;
    throw e;
  }
  throw new Error('accepted');
}

const json = (searchSpace: string, command = '["python3", "t.py"]') =>
  `{"name": "s", "trainer": {"command": ${command}}, "search_space": ${searchSpace}, "objectives": [{"metric": "loss", "direction": "minimize"}]}`;

describe('duplicate keys in a JSON study', () => {
  it('are refused at the path of the key written twice', () => {
    expect(issuesOf(json('{"x": {"type": "float", "low": 0, "high": 1}}').replace('"name": "s"', '"name": "s", "name": "t"'))).toEqual([
      { path: 'name', message: expect.stringContaining('duplicate key "name"') },
    ]);
    expect(issuesOf(json('{"x": {"type": "float", "low": 0, "high": 1}, "x": {"type": "int", "low": 0, "high": 3}}'))).toEqual([
      { path: 'search_space.x', message: expect.stringContaining('write each key once') },
    ]);
  });

  it('are found inside lists, compare decoded, and not confused with strings or sibling objects', () => {
    expect(duplicateKeyPath('{"a": [1, {"b": 1}, {"c": 1, "c": 2}]}')).toEqual(['a', 2, 'c']);
    expect(duplicateKeyPath('{"a": {"k": 1}, "b": {"k": 1}}')).toBeNull();
    expect(duplicateKeyPath('{"k\\u0061": 1, "ka": 2}')).toEqual(['ka']);
    expect(duplicateKeyPath('{"s": "{\\"s\\": 1, [", "t": ["s", "s"], "u": {"s": "\\\\"}}')).toBeNull();
    expect(duplicateKeyPath('[{"a": 1}, {"a": 1, "b": [[], {"a": 0, "a": 0}]}]')).toEqual([1, 'b', 1, 'a']);
  });
});

describe('reserved and shadowed names', () => {
  it('refuses __proto__ as a parameter name by its path, in JSON and YAML', () => {
    const message = expect.stringContaining('"__proto__" cannot be a name here');
    expect(issuesOf(json('{"x": {"type": "float", "low": 0, "high": 1}, "__proto__": {"type": "float", "low": 0, "high": 1}}'))).toEqual([
      { path: 'search_space.__proto__', message },
    ]);
    const yaml = 'name: s\ntrainer: {command: [python3, t.py], env: {__proto__: x}}\nsearch_space: {x: {type: float, low: 0, high: 1}}\nobjectives: [{metric: loss, direction: minimize}]\n';
    expect(issuesOf(yaml, 'yaml')).toEqual([{ path: 'trainer.env.__proto__', message }]);
  });

  it.each(BUILTIN_PLACEHOLDERS)('refuses a parameter named %s, which the built-in placeholder would shadow', (name) => {
    expect(issuesOf(json(`{"${name}": {"type": "int", "low": 0, "high": 3}}`, `["python3", "t.py", "{${name}}"]`))).toEqual([
      { path: `search_space.${name}`, message: expect.stringContaining(`"${name}" is a built-in placeholder`) },
    ]);
  });

  it('still accepts names that only look like object members', () => {
    const spec = parse(json('{"constructor": {"type": "int", "low": 0, "high": 3}, "toString": {"type": "float", "low": 0, "high": 1}}', '["t", "{constructor}", "{toString}"]'));
    expect(Object.keys(spec.search_space)).toEqual(['constructor', 'toString']);
  });
});

describe('a categorical parameter with 300,000 choices', () => {
  const choices = Array.from({ length: 300_000 }, (_, i) => `c${i}`);

  it('validates (the duplicate check is linear, not quadratic)', () => {
    const spec = parse(json(JSON.stringify({ c: { type: 'categorical', choices } })));
    expect(spec.search_space.c).toMatchObject({ type: 'categorical' });
  });

  it('still names a duplicate among them by its index', () => {
    expect(issuesOf(json(JSON.stringify({ c: { type: 'categorical', choices: [...choices, 'c7'] } })))).toEqual([
      { path: 'search_space.c.choices[300000]', message: 'duplicate choice "c7"; list each choice once' },
    ]);
  });
});
