// The one grammar of `{name}` placeholders in trainer.command: the validator checks a study against it and
// the runner fills argv with it, so a command that validates is a command that fills. `{{` and `}}` are
// literal braces; a name is an identifier (like parameter names, which it mostly refers to).

/** Placeholders every trial can use in trainer.command besides its parameters and the fidelity param. */
export const BUILTIN_PLACEHOLDERS = ['trial_id', 'trial_number', 'seed', 'checkpoint_dir', 'budget', 'study'] as const;

export type TemplatePart = { literal: string } | { placeholder: string };

/** A malformed argv element; the message quotes the element and says how to write literal braces. */
export class PlaceholderSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaceholderSyntaxError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits one argv element into literal text and placeholders; throws PlaceholderSyntaxError. */
export function parseTemplate(element: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < element.length; i++) {
    const c = element[i]!;
    if ((c === '{' || c === '}') && element[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = element.indexOf('}', i + 1);
      if (end < 0) throw new PlaceholderSyntaxError(`unclosed "{" in ${JSON.stringify(element)}; write {{ for a literal brace`);
      const name = element.slice(i + 1, end);
      if (!NAME.test(name)) {
        throw new PlaceholderSyntaxError(`"{${name}}" in ${JSON.stringify(element)} is not a placeholder such as {lr}; write {{ and }} for literal braces`);
      }
      if (literal !== '') parts.push({ literal });
      literal = '';
      parts.push({ placeholder: name });
      i = end;
    } else if (c === '}') {
      throw new PlaceholderSyntaxError(`lone "}" in ${JSON.stringify(element)}; write }} for a literal brace`);
    } else {
      literal += c;
    }
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}
