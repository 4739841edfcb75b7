// Errors the CLI reports as one line and an exit code, never a stack trace.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes: 0 ok, 1 runtime failure, 2 bad input (usage, study file, database file), 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
