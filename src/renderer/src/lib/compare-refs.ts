// Which studies the compare view shows lives in the address (#/compare/alpha/beta@%2Fdata%2Fb.db), so a
// comparison can be bookmarked and reloaded. A study from this database is its name; one from another
// file is NAME@FILE, as `nightshift compare` takes it (study names never hold "@").
export interface StudyRef {
  study: string;
  file?: string;
}

export function refOf(text: string): StudyRef {
  const at = text.indexOf('@');
  return at <= 0 ? { study: text } : { study: text.slice(0, at), file: text.slice(at + 1) };
}

export function refText(r: StudyRef): string {
  return r.file ? `${r.study}@${r.file}` : r.study;
}

/** The refs of the address's path parts (already decoded), each once. */
export function parseRefs(parts: readonly string[]): string[] {
  return [...new Set(parts.filter(Boolean))];
}

export function compareHash(refs: readonly string[]): string {
  return `#/compare${refs.map((r) => `/${encodeURIComponent(r)}`).join('')}`;
}

/** One colour per study, the same in every chart and table of the view. */
export const STUDY_COLORS = ['var(--accent)', 'var(--front)', 'var(--ok)', 'var(--warn)', 'var(--bad)', 'var(--dominated)'];
