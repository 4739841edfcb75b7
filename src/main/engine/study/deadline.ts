// `budget.deadline`: "07:00" (the next 07:00 local time, so an overnight campaign started at 22:00 ends
// in the morning) or an ISO date-time. The study keeps the string as written; it is resolved when a run
// starts, because "07:00" means a different instant on every resume.

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;
// Date and time are both required: a bare date parses as UTC midnight, which is rarely what was meant.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const EXAMPLES = 'write a local time "07:00" or an ISO date-time such as "2030-01-31T07:00" or "2030-01-31T07:00:00Z"';

/** Why `deadline` is not a valid deadline string, or null when it is. */
export function deadlineError(deadline: string): string | null {
  const text = deadline.trim();
  if (CLOCK.test(text)) return null;
  const m = ISO.exec(text);
  if (!m) return `${JSON.stringify(deadline)} is not a deadline; ${EXAMPLES}`;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return `${JSON.stringify(deadline)} is not a real date and time; ${EXAMPLES}`;
  }
  return null;
}

/** The instant a deadline string refers to, given the moment the run starts. */
export function resolveDeadline(deadline: string, now: Date): Date {
  const error = deadlineError(deadline);
  if (error) throw new RangeError(error);
  const text = deadline.trim();
  const clock = CLOCK.exec(text);
  if (clock) {
    const hours = Number(clock[1]);
    const minutes = Number(clock[2]);
    const at = new Date(now.getTime());
    at.setHours(hours, minutes, 0, 0);
    if (at.getTime() <= now.getTime()) {
      // Step the calendar day, not 24 h, so the wall-clock time holds across a daylight-saving change.
      at.setDate(at.getDate() + 1);
      at.setHours(hours, minutes, 0, 0);
    }
    return at;
  }
  // Without an offset, ECMAScript reads a date-time as local time, which is what a user typing it means.
  return new Date(text.toUpperCase().replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}
