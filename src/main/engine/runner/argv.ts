// Builds a trial's argv from the study's command template. There is never a shell in between: each template
// element becomes exactly one argv element, so a value like `1; touch X` or `$(id)` reaches the trial literally.

export type ArgvValue = string | number | boolean;

/** A template that cannot be filled: an unknown `{name}` or a stray brace. The message names the element. */
export class ArgvTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgvTemplateError';
  }
}

type Piece = { literal: string } | { placeholder: string };

function parseElement(element: string, index: number): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  let i = 0;
  while (i < element.length) {
    const c = element[i];
    const next = element[i + 1];
    if (c === '{' && next === '{') {
      literal += '{';
      i += 2;
    } else if (c === '}' && next === '}') {
      literal += '}';
      i += 2;
    } else if (c === '{') {
      const close = element.indexOf('}', i + 1);
      if (close < 0) {
        throw new ArgvTemplateError(
          `command[${index}] ${JSON.stringify(element)}: unclosed "{"; write "{{" for a literal brace`,
        );
      }
      const name = element.slice(i + 1, close);
      if (name === '' || name.includes('{')) {
        throw new ArgvTemplateError(
          `command[${index}] ${JSON.stringify(element)}: invalid placeholder "{${name}}"; write "{{" and "}}" for literal braces`,
        );
      }
      if (literal !== '') pieces.push({ literal });
      literal = '';
      pieces.push({ placeholder: name });
      i = close + 1;
    } else if (c === '}') {
      throw new ArgvTemplateError(
        `command[${index}] ${JSON.stringify(element)}: stray "}"; write "}}" for a literal brace`,
      );
    } else {
      literal += c;
      i += 1;
    }
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/** The placeholder names a template uses, in order of first use (for validating a study before it runs). */
export function argvPlaceholders(template: readonly string[]): string[] {
  const names: string[] = [];
  template.forEach((element, index) => {
    for (const piece of parseElement(element, index)) {
      if ('placeholder' in piece && !names.includes(piece.placeholder)) names.push(piece.placeholder);
    }
  });
  return names;
}

/**
 * Fills `{name}` placeholders with `String(value)`: numbers keep their shortest round-tripping form
 * (`0.0001`, `1e-7`), never `toFixed`, so the trial parses back exactly the value that was sampled.
 */
export function fillArgv(template: readonly string[], values: Readonly<Record<string, ArgvValue>>): string[] {
  return template.map((element, index) =>
    parseElement(element, index)
      .map((piece) => {
        if ('literal' in piece) return piece.literal;
        if (!Object.prototype.hasOwnProperty.call(values, piece.placeholder)) {
          const known = Object.keys(values);
          throw new ArgvTemplateError(
            `command[${index}] ${JSON.stringify(element)}: unknown placeholder "{${piece.placeholder}}"; ` +
              (known.length > 0 ? `known names are ${known.join(', ')}` : 'there are no parameters to fill in'),
          );
        }
        return String(values[piece.placeholder]);
      })
      .join(''),
  );
}
