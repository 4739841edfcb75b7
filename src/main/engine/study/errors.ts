// Errors a user causes with a study file (or sampler/scheduler options). The CLI prints them as one line
// per issue, `file: path: message`, and exits with code 2, without a stack trace.

export interface SpecIssue {
  /** Dotted path into the study file, e.g. `search_space.lr.low`; empty for the file itself. */
  path: string;
  /** What is wrong and how to fix it, e.g. `must be > 0 when log is true`. */
  message: string;
}

export class StudySpecError extends Error {
  constructor(
    readonly file: string | null,
    readonly issues: SpecIssue[],
  ) {
    super(issues.map((i) => formatIssue(file, i)).join('\n'));
    this.name = 'StudySpecError';
  }
}

export function formatIssue(file: string | null, issue: SpecIssue): string {
  return [file, issue.path, issue.message].filter((s) => s !== null && s !== '').join(': ');
}
