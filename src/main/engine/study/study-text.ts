// From a study file's bytes to plain data: UTF-8 decoding, YAML or JSON syntax, each error with its line
// and column. What the data means is checked afterwards (spec-schema.ts, spec.ts).
import { LineCounter, parseDocument } from 'yaml';

export function decodeUtf8(bytes: Uint8Array, fail: (message: string) => never): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const where = at < 0 ? '' : ` (byte 0x${bytes[at]!.toString(16).toUpperCase()} on line ${lineOfByte(bytes, at)})`;
    return fail(`is not valid UTF-8 text${where}; save the file with UTF-8 encoding`);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

export function parseYaml(text: string, fail: (message: string) => never): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const key = error.code === 'DUPLICATE_KEY' ? ` (${`key ${/^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trim()}`})` : '';
    return fail(`YAML syntax error at line ${line}, column ${col}: ${error.message.split('\n')[0]!}${key}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail(`YAML error: ${(e as Error).message}`);
  }
}

/**
 * Parses JSON like YAML with `uniqueKeys`: a key written twice in one object is refused at its path, where
 * JSON.parse would silently keep the last value (and a study would run with a value the user never meant).
 */
export function parseJson(text: string, fail: (message: string) => never, failAt: (path: PropertyKey[], message: string) => never): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 echoes (part of) the text in some messages; keep only the reason, on one line.
    const reason = (e as Error).message
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'the text ends too early (a missing } or ]?)')
      .split('\n')[0]!;
    const offset = jsonErrorOffset(text);
    if (offset < 0) return fail(`JSON syntax error: ${reason}`);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    return fail(`JSON syntax error at line ${line}, column ${col}: ${reason}`);
  }
  const duplicate = duplicateKeyPath(text);
  if (duplicate) failAt(duplicate, `duplicate key ${JSON.stringify(duplicate.at(-1))}: JSON would keep only its last value; write each key once`);
  return value;
}

/**
 * The path of the first key that appears twice in one object of `text` (valid JSON), or null. One pass
 * with an explicit stack (no recursion, so deep nesting cannot overflow it); keys compare decoded, so
 * "a" and "\u0061" are the same key.
 */
export function duplicateKeyPath(text: string): PropertyKey[] | null {
  // One frame per open object or array: its keys so far (null for arrays) and the key or index being read.
  const stack: { keys: Set<string> | null; at: string | number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push({ keys: new Set(), at: '' });
    else if (c === '[') stack.push({ keys: null, at: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top && top.keys === null) top.at = (top.at as number) + 1;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (next < text.length && ' \t\n\r'.includes(text[next]!)) next++;
      const top = stack.at(-1);
      if (text[next] === ':' && top?.keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return [...stack.slice(0, -1).map((f) => f.at), key];
        top.keys.add(key);
        top.at = key;
      }
      i = end;
    }
  }
  return null;
}

/** Offset of the first character a JSON parser rejects (V8's messages give it only sometimes); -1 if unknown. */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const string = (): void => {
    for (i++; ; i++) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') return void i++;
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
    }
  };
  const value = (): void => {
    ws();
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        ws();
        if (open === '{') {
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === close) return void i++;
        if (text[i] !== ',') fail();
        i++;
      }
    }
    if (open === '"') return string();
    LITERAL.lastIndex = i;
    if (!LITERAL.test(text)) fail();
    i = LITERAL.lastIndex;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (e) {
    if (typeof e === 'number') return e;
    return -1;
  }
}
