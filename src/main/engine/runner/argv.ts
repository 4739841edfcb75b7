// Builds a trial's argv from the study's command template. There is never a shell in between: each template
// element becomes exactly one argv element, so a value like `1; touch X` or `$(id)` reaches the trial literally.
import { parseTemplate, PlaceholderSyntaxError, type TemplatePart } from '../study/placeholders.js';

export type ArgvValue = string | number | boolean;

/** A template that cannot be filled: an unknown `{name}` or a stray brace. The message names the element. */
export class ArgvTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgvTemplateError';
  }
}

/** The element's pieces in the study validator's grammar (study/placeholders.ts), errors named by index. */
function parseElement(element: string, index: number): TemplatePart[] {
  try {
    return parseTemplate(element);
  } catch (e) {
    if (e instanceof PlaceholderSyntaxError) throw new ArgvTemplateError(`command[${index}]: ${e.message}`);
    throw e;
  }
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
