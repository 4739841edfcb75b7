// The report's finalists section: what re-running the top configurations with other seeds (and folds,
// and overrides such as full precision) found, against what the search said. Every figure is the
// finalists stage's own summary (finalists/results.ts), so `show --json` and the report agree.
import type { FinalistJson, FinalistsJson, IntervalJson } from '../../../../shared/finalists.js';
import type { StateCounts } from '../../../../shared/types.js';
import { paramsText } from '../model.js';
import { esc, num, table } from './escape.js';

const ENERGY = 'energy_j';

export interface FinalistsSectionInput {
  finalists: FinalistsJson | null;
  counts: StateCounts;
  /** Energy every finalist run spent, apart from the search's budget. */
  energyJ: number | null;
  /** Energy in the report's unit (study.ts's energyText). */
  energyText: (j: number | null | undefined) => string;
}

const interval = (v: IntervalJson | undefined): string => (v && v.low !== null ? `[${num(v.low)}, ${num(v.high)}]` : '');
const signed = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : `${x > 0 ? '+' : ''}${num(x)}`);

export function finalistsSection(x: FinalistsSectionInput): string {
  const f = x.finalists;
  if (!f) return '';
  const c = x.counts;
  const runs = `${c.complete} complete, ${c.failed} failed, ${c.stopped} stopped, ${c.running} running, ${c.queued} queued`;
  const head =
    `<h2>Finalists (validated)</h2>` +
    `<p class="meta">The top configurations of the search, run again with ${f.seeds} seed${f.seeds === 1 ? '' : 's'}` +
    `${f.folds ? ` × ${f.folds} folds` : ''}; ranked by validated ${esc(f.objective)} (${esc(f.direction)}). ` +
    `Finalist runs: ${esc(runs)}${f.done ? '' : ' (not all planned runs are done yet)'}` +
    `${x.energyJ === null ? '' : `; they spent ${esc(x.energyText(x.energyJ))}, counted apart from the search's budget`}.</p>`;
  return [head, winnerText(f), finalistsTable(f, x.energyText), stabilityText(f), precisionSection(f, x.energyText)].join('');
}

function winnerText(f: FinalistsJson): string {
  const w = f.finalists.find((r) => r.trial === f.winner);
  if (!w) return `<p class="note">No finalist run has completed yet: the search's best stands until one does.</p>`;
  const v = w.validated[f.objective]!;
  const held =
    f.winner_kept === false && f.search_winner !== null
      ? ` The search's best, #${f.search_winner}, did not hold: P(#${w.trial} beats #${f.search_winner}) = ${num(beats(f, w.trial, f.search_winner))}.`
      : f.winner_kept === true
        ? ' It is also the search\'s best.'
        : '';
  return (
    `<p><strong>Best (validated): trial #${w.trial}</strong>, ${esc(f.objective)} ${num(v.mean)} ${esc(interval(v))} ` +
    `over ${v.n} run${v.n === 1 ? '' : 's'} (search said ${num(w.search[f.objective])}).${esc(held)}</p>`
  );
}

function finalistsTable(f: FinalistsJson, energyText: FinalistsSectionInput['energyText']): string {
  const metrics = [f.objective, ...Object.keys(f.finalists[0]?.search ?? {}).filter((m) => m !== f.objective && m !== ENERGY)];
  const head = ['rank', 'trial', 'search rank', ...metrics.flatMap((m) => [`${m} search`, `${m} validated (95% interval)`, `${m} optimism`]), 'energy per run', 'runs', 'parameters run'];
  const rows = f.finalists.map((r) => {
    const e = r.validated[ENERGY];
    return [
      r.trial === f.winner ? `<strong>${r.rank} (best)</strong>` : String(r.rank),
      `#${r.trial}`,
      String(r.search_rank),
      ...metrics.flatMap((m) => {
        const v = r.validated[m];
        return [num(r.search[m]), v ? `${num(v.mean)} ${esc(interval(v))}` : 'no complete run', optimismCell(r.optimism[m])];
      }),
      e ? `${esc(energyText(e.mean))} ${e.low !== null && e.sd > 0 ? esc(`[${energyText(e.low)}, ${energyText(e.high)}]`) : ''}` : '',
      esc(`${r.runs.complete}/${r.runs.planned}${r.runs.failed ? `, ${r.runs.failed} failed` : ''}${r.runs.pending ? `, ${r.runs.pending} pending` : ''}`),
      esc(paramsText(r.run_params)),
    ];
  });
  return (
    table(head, rows, 'wide') +
    `<p class="note">Validated: mean and Student-t 95% interval over each finalist's complete runs. Optimism: the search's value ` +
    `minus the validated mean, signed so that positive means the search promised more than the runs delivered.</p>`
  );
}

function optimismCell(x: number | undefined): string {
  if (x === undefined) return '';
  return `<span class="${x > 0 ? 'bad' : x < 0 ? 'good' : ''}">${esc(signed(x))}</span>`;
}

const beats = (f: FinalistsJson, a: number, b: number): number | undefined => f.beats.find((x) => x.a === a && x.b === b)?.p;

function stabilityText(f: FinalistsJson): string {
  const ranked = f.finalists.filter((r) => r.validated[f.objective]);
  const tau = f.rank_tau === null ? '' : ` Kendall's τ between the search's order and the validated order: ${num(f.rank_tau)} (1: unchanged).`;
  const kept = f.winner_kept === null ? '' : f.winner_kept ? ' The search\'s winner stayed the winner.' : ' The search\'s winner did not stay the winner.';
  const intro = `<h3>Rank stability</h3><p>${esc(kept + tau)}</p>`;
  if (ranked.length < 2) return intro;
  // P(row beats column): the posterior probability of a better true mean (finalists/stats.ts).
  const head = ['P(row beats column)', ...ranked.map((r) => `#${r.trial}`)];
  const rows = ranked.map((a) => [`#${a.trial}`, ...ranked.map((b) => (a === b ? '' : num(beats(f, a.trial, b.trial))))]);
  return `${intro}${table(head, rows)}<p class="note">Probability that the row's true mean ${esc(f.objective)} is better than the column's, from runs paired by seed and fold.</p>`;
}

/** Search precision against the finalists' (the override): what full precision changed, per finalist. */
function precisionSection(f: FinalistsJson, energyText: FinalistsSectionInput['energyText']): string {
  const rows = f.finalists.filter((r): r is FinalistJson & { precision: NonNullable<FinalistJson['precision']> } => r.precision !== null);
  if (rows.length === 0) return '';
  const m = f.objective;
  const head = ['trial', 'precision', `${m} at search precision`, `${m} at validated precision (mean)`, `${m} difference`, 'energy at search precision', 'energy per validated run', 'energy difference'];
  const body = rows.map((r) => {
    const v = r.validated[m];
    const e = r.validated[ENERGY];
    const se = r.search[ENERGY];
    const dE = e && se !== undefined ? e.mean - se : undefined;
    const pct = dE !== undefined && se !== 0 ? ` (${signed((100 * dE) / se!)}%)` : '';
    return [
      `#${r.trial}`,
      esc(`${r.precision.search} → ${r.precision.validated}`),
      num(r.search[m]),
      v ? `${num(v.mean)} ${esc(interval(v))}` : 'no complete run',
      esc(v && r.search[m] !== undefined ? signed(v.mean - r.search[m]) : ''),
      esc(energyText(se)),
      esc(energyText(e?.mean)),
      esc(dE === undefined ? '' : `${dE > 0 ? '+' : dE < 0 ? '−' : ''}${energyText(Math.abs(dE))}${pct}`),
    ];
  });
  return (
    `<h3>Precision: search against validation</h3>${table(head, body)}` +
    `<p class="note">Difference: validated minus search. The search's energy is its trial's (all its rungs, under a multi-fidelity ` +
    `scheduler); the validated energy is the mean per finalist run, whose other overrides (such as more epochs) count too.</p>`
  );
}
