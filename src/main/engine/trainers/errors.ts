// A mistake the user can fix (study file, data file, hyperparameter value). The trainer prints its message as
// one line on stderr and exits with code 2, like the CLI does for study-file errors; anything else is a bug
// or an environment failure and exits with code 1 and a stack trace.
export class TrainerUserError extends Error {
  override readonly name = 'TrainerUserError';
}

export const EXIT_USER_ERROR = 2;
