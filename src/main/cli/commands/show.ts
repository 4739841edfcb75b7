import type { FinalistsJson } from '../../../shared/finalists.js';
import { studyDiskUse, type StudyDiskUse } from '../../engine/campaign/disk.js';
import { studyShowJson } from '../../engine/report/json.js';
import { formatStudyCost } from '../../engine/report/study-cost.js';
import { formatEnergy, formatSize } from '../../engine/study/units.js';
import { onePositional, parse } from '../args.js';
import { describeTrial } from '../format.js';
import { openForRead, requireStudy } from '../store.js';

export const SHOW_HELP = `Usage: nightshift show <study> [--db FILE] [--json]

Shows a study: its objectives, trial counts, why it stopped, and its best trial
(one objective) or its Pareto set (several objectives).

Options:
  --db FILE   database to read
  --json      print {"name","state","objectives","counts","best":[trial...],"stop_reason","disk"}
              (disk: the study folder's bytes, and how many of them are checkpoints)
`;

export function showCommand(argv: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parse('show', argv, {});
  if (values.help) return void out.write(SHOW_HELP), 0;
  const name = onePositional('show', positionals, 'study name');
  const { store: maybe, paths } = openForRead(values.db);
  const { store, study } = requireStudy(maybe, name, paths.db);
  const show = { ...studyShowJson(store, study), disk: studyDiskUse(paths.artifacts, study.name) };
  store.close();
  if (values.json) {
    out.write(JSON.stringify(show, null, 2) + '\n');
    return 0;
  }
  out.write(formatShow(show));
  return 0;
}

export function formatShow(show: ReturnType<typeof studyShowJson> & { disk?: StudyDiskUse }): string {
  const c = show.counts;
  const lines = [
    `study ${show.name} (${show.state}${show.stop_reason ? `: ${show.stop_reason}` : ''})`,
    `objectives: ${show.objectives.map((o) => `${o.direction} ${o.metric}`).join(', ')}`,
    `trials: ${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed, ${c.stopped} stopped, ${c.running} running, ${c.queued} queued`,
    `cost: ${formatStudyCost(show.cost)}`,
    ...(show.transfer_prior ? [`transfer: ${show.transfer_prior}`] : []),
    show.best.length === 0
      ? 'no complete trial yet'
      : show.best_validated
        ? `best (validated by the finalists stage):`
        : show.objectives.length > 1
          ? `Pareto set (${show.best.length}):`
          : 'best:',
    ...show.best.map((t) => `  ${describeTrial(t)}`),
    ...(show.finalists ? formatFinalists(show.finalists) : []),
  ];
  // The finalist runs' energy on its own line: the search's budget never counted it.
  if (show.finalists && show.energy) lines.push(`energy: search ${formatEnergyOrNone(show.energy.search_j)}, finalist runs ${formatEnergyOrNone(show.energy.finalists_j)}`);
  if (show.disk) lines.push(`disk: ${formatSize(show.disk.bytes)} in ${show.disk.folder} (checkpoints ${formatSize(show.disk.checkpoint_bytes)})`);
  return lines.join('\n') + '\n';
}

const formatEnergyOrNone = (j: number | null): string => (j === null ? 'not measured' : formatEnergy(j));

/** The finalists table: validated mean ± 95% interval against the search value, per configuration. */
export function formatFinalists(f: FinalistsJson): string[] {
  const m = f.objective;
  const num = (x: number | undefined | null) => (x === undefined || x === null ? '?' : +x.toPrecision(4));
  const lines = [
    `finalists (${f.seeds} seed${f.seeds === 1 ? '' : 's'}${f.folds ? ` x ${f.folds} folds` : ''}${f.done ? '' : ', not all runs done yet'}), by validated ${m}:`,
  ];
  for (const r of f.finalists) {
    const v = r.validated[m];
    const ci = v && v.low !== null ? ` [${num(v.low)}, ${num(v.high)}]` : '';
    const e = r.validated.energy_j;
    const precision = r.precision ? ` ${r.precision.search}->${r.precision.validated}` : '';
    lines.push(
      `  ${r.rank}. trial #${r.trial}: ${m} ${v ? num(v.mean) : 'no complete run'}${ci} (search ${num(r.search[m])}, optimism ${num(r.optimism[m])})` +
        `${e ? `, ${num(e.mean)} J` : ''}, ${r.runs.complete}/${r.runs.planned} runs${precision}`,
    );
  }
  const runnerUp = f.finalists[1]?.trial;
  const p = (a: number | null | undefined, b: number | null | undefined) => f.beats.find((x) => x.a === a && x.b === b)?.p;
  if (f.winner !== null && f.winner_kept === false) {
    lines.push(`  the search's best (#${f.search_winner}) did not hold: P(#${f.winner} beats it) = ${num(p(f.winner, f.search_winner))}`);
  } else if (f.winner !== null && runnerUp !== undefined) {
    lines.push(`  the search's best held: P(#${f.winner} beats #${runnerUp}) = ${num(p(f.winner, runnerUp))}`);
  }
  return lines;
}
