import { studyListJson } from '../../engine/report/json.js';
import { parse } from '../args.js';
import { openForRead } from '../store.js';
import { table } from '../format.js';

export const LS_HELP = `Usage: nightshift ls [--db FILE] [--json]

Lists the studies in the database with their state and trial counts.

Options:
  --db FILE   database to read (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --json      print a JSON array: [{"name","state","created_at","counts"}]
`;

export function lsCommand(argv: string[], out: NodeJS.WritableStream): number {
  const { values } = parse('ls', argv, {});
  if (values.help) return void out.write(LS_HELP), 0;
  const { store } = openForRead(values.db);
  const list = store ? studyListJson(store) : [];
  store?.close();
  if (values.json) {
    out.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  if (list.length === 0) {
    out.write('No studies yet. Start one with `nightshift run study.yaml`.\n');
    return 0;
  }
  out.write(
    table(
      ['name', 'state', 'complete', 'pruned', 'failed', 'stopped', 'queued', 'running', 'created'],
      list.map((s) => [s.name, s.state, s.counts.complete, s.counts.pruned, s.counts.failed, s.counts.stopped, s.counts.queued, s.counts.running, s.created_at]),
    ),
  );
  return 0;
}
