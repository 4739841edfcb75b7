// An error the router answers with as is: a code the client can act on and a message naming the fix.
import type { ApiErrorCode, SpecIssueJson } from '../../shared/api.js';

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: SpecIssueJson[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}
