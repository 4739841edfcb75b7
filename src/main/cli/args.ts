// Argument parsing shared by the commands: node's parseArgs, with errors turned into usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${command}: ${(e as Error).message}. See \`nightshift ${command} --help\`.`, EXIT.usage);
  }
}

export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new CliError(`${command}: expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}. See \`nightshift ${command} --help\`.`, EXIT.usage);
  }
  return positionals[0]!;
}
