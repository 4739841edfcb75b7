// What a trial was made from, as the store keeps it (columns lineage_kind, parent_trial_id, lineage_detail
// since schema v5). Before v5 this was one `origin` string (`promote:3`, `retry:7`, `warm-start:study`)
// that four modules parsed back with regexes; the text form is still produced here for display and for
// the JSON contract, which keeps its `origin` field. Walking lineage (roots, chains) is ../lineage/.

/** Every way a trial comes to be. */
export const LINEAGE_KINDS = [
  /** The study's `baseline` configuration (or, in a sensitivity study, the best configuration it varies). */
  'baseline',
  /** Proposed by the sampler; detail: the sampler's name. */
  'sampler',
  /** Re-run of an interrupted trial (parent), same configuration and budget. */
  'retry',
  /** A multi-fidelity promotion of the parent to a larger budget, continuing from its checkpoint. */
  'promote',
  /** A top configuration of an earlier study; detail: that study's name. */
  'warm-start',
  /** One point of a one-at-a-time sensitivity plan; detail: the parameter varied. */
  'sensitivity',
  /** Added by a user (API, dashboard). */
  'enqueued',
  /** Copied from elsewhere; detail: where from (e.g. `optuna`, or an origin text this version does not know). */
  'imported',
  /** A re-run of a top configuration (parent) after the search, with its own seed or overrides. */
  'finalist',
] as const;

export type LineageKind = (typeof LINEAGE_KINDS)[number];

/** The lineage of a trial to create. `parentNumber` names a trial of the same study. */
export interface NewLineage {
  kind: LineageKind;
  parentNumber?: number | null;
  detail?: string | null;
}

/** The lineage of a stored trial. The parent, when there is one, is a trial of the same study. */
export interface TrialLineage {
  kind: LineageKind;
  parentId: number | null;
  parentNumber: number | null;
  detail: string | null;
}

export function isLineageKind(s: string): s is LineageKind {
  return (LINEAGE_KINDS as readonly string[]).includes(s);
}

/**
 * The pre-v5 origin text of a lineage (`promote:3`, `sampler:gp`, `baseline`), for display and for the
 * JSON outputs that keep `origin`. An imported trial shows where it came from (`optuna`).
 */
export function originText(l: { kind: LineageKind; parentNumber?: number | null; detail?: string | null }): string {
  const parent = l.parentNumber ?? null;
  const detail = l.detail ?? null;
  switch (l.kind) {
    case 'baseline':
    case 'enqueued':
      return l.kind;
    case 'imported':
      return detail ?? 'imported';
    case 'retry':
    case 'promote':
      return `${l.kind}:${parent ?? detail ?? '?'}`;
    case 'finalist':
      return ['finalist', parent, detail].filter((x) => x !== null).join(':');
    default:
      return detail === null ? l.kind : `${l.kind}:${detail}`;
  }
}
