// CSV export: one row per trial; parameters, objective values and metrics each get their own columns
// (prefixed, so a metric and a parameter of the same name cannot collide).
import type { TrialJson } from '../../../shared/types.js';

export function trialsCsv(trials: readonly TrialJson[]): string {
  const keys = (pick: (t: TrialJson) => Record<string, unknown>) => [...new Set(trials.flatMap((t) => Object.keys(pick(t))))].sort();
  const paramKeys = keys((t) => t.params);
  const valueKeys = keys((t) => t.values);
  const metricKeys = keys((t) => t.metrics);
  const header = [
    'number',
    'state',
    ...paramKeys.map((k) => `param.${k}`),
    ...valueKeys.map((k) => `value.${k}`),
    ...metricKeys.map((k) => `metric.${k}`),
    'started_at',
    'ended_at',
    'reason',
  ];
  const rows = trials.map((t) => [
    t.number,
    t.state,
    ...paramKeys.map((k) => t.params[k]),
    ...valueKeys.map((k) => t.values[k]),
    ...metricKeys.map((k) => t.metrics[k]),
    t.started_at,
    t.ended_at,
    t.reason,
  ]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  // Quote per RFC 4180; also neutralise spreadsheet formula injection from user-controlled text.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
