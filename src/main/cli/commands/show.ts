import { studyDiskUse, type StudyDiskUse } from '../../engine/campaign/disk.js';
import { studyShowJson } from '../../engine/report/json.js';
import { formatSize } from '../../engine/study/units.js';
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
    show.best.length === 0 ? 'no complete trial yet' : show.objectives.length > 1 ? `Pareto set (${show.best.length}):` : 'best:',
    ...show.best.map((t) => `  ${describeTrial(t)}`),
  ];
  if (show.disk) lines.push(`disk: ${formatSize(show.disk.bytes)} in ${show.disk.folder} (checkpoints ${formatSize(show.disk.checkpoint_bytes)})`);
  return lines.join('\n') + '\n';
}
