import { writeFileSync } from 'node:fs';
import { trialsCsv } from '../../engine/report/csv.js';
import { studyExportJson } from '../../engine/report/json.js';
import { onePositional, parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { openForRead, requireStudy } from '../store.js';

export const EXPORT_HELP = `Usage: nightshift export <study> --format csv|json [--out FILE] [--db FILE]

Writes every trial of a study (parameters, values, metrics, state, times, reason).

Options:
  --format F  csv (one row per trial) or json ({"study": {...}, "trials": [...]})
  --out FILE  write to FILE instead of standard output
  --db FILE   database to read
`;

const FORMATS = ['csv', 'json'] as const;

export function exportCommand(argv: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parse('export', argv, { format: { type: 'string' }, out: { type: 'string' } });
  if (values.help) return void out.write(EXPORT_HELP), 0;
  const name = onePositional('export', positionals, 'study name');
  const format = values.format;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`export: --format must be one of ${FORMATS.join(', ')}${format ? ` (got "${format}")` : ''}`, EXIT.usage);
  }
  const { store: maybe, paths } = openForRead(values.db);
  const { store, study } = requireStudy(maybe, name, paths.db);
  const data = studyExportJson(store, study);
  store.close();
  const text = format === 'csv' ? trialsCsv(data.trials) : JSON.stringify(data, null, 2) + '\n';
  if (values.out) {
    try {
      writeFileSync(values.out, text);
    } catch (e) {
      throw new CliError(`export: cannot write ${values.out}: ${(e as Error).message}`);
    }
    process.stderr.write(`wrote ${data.trials.length} trials to ${values.out}\n`);
  } else {
    out.write(text);
  }
  return 0;
}
