import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asOptunaReader, importedSpec } from '../../engine/optuna/index.js';
import { copyStudy, htmlReport, htmlToPdf, PdfUnavailableError, ReplayClock } from '../../engine/report/index.js';
import { trialsCsv } from '../../engine/report/csv.js';
import { studyExportJson } from '../../engine/report/json.js';
import { openStore } from '../../engine/storage/open.js';
import type { Store, StoreReader, StudyRecord } from '../../engine/storage/types.js';
import { onePositional, parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { openForRead, requireStudy } from '../store.js';

export const EXPORT_HELP = `Usage: nightshift export <study> --format csv|json|html|pdf|db [--out FILE] [--db FILE]

Writes a study: every trial (parameters, values, metrics, state, times, reason, energy provenance),
or a report, or a database file holding only this study.

Options:
  --format F  csv   one row per trial
              json  {"study": {...}, "trials": [...]}
              html  a self-contained report (no script; opens and prints anywhere)
              pdf   the same report as PDF (needs Chromium; set NIGHTSHIFT_CHROMIUM if not in /usr/bin)
              db    a standalone Nightshift database with this study, its trials, reports and events
  --out FILE  write to FILE instead of standard output (required for pdf and db)
  --db FILE   database to read
`;

const FORMATS = ['csv', 'json', 'html', 'pdf', 'db'] as const;
type Format = (typeof FORMATS)[number];

export async function exportCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('export', argv, { format: { type: 'string' }, out: { type: 'string' } });
  if (values.help) return void out.write(EXPORT_HELP), 0;
  const name = onePositional('export', positionals, 'study name');
  const format = values.format as Format | undefined;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`export: --format must be one of ${FORMATS.join(', ')}${format ? ` (got "${format}")` : ''}`, EXIT.usage);
  }
  if ((format === 'pdf' || format === 'db') && !values.out) {
    throw new CliError(`export: --format ${format} writes a file; give it with --out FILE`, EXIT.usage);
  }
  const { store: maybe, paths } = openForRead(values.db);
  const { store, study } = requireStudy(maybe, name, paths.db);
  try {
    if (format === 'db') return exportDb(store, study, values.out!);
    if (format === 'html' || format === 'pdf') {
      const html = htmlReport(store, study, { version: process.env.npm_package_version });
      if (format === 'html') return write(values.out, html, out, `report of ${study.name}`);
      try {
        await htmlToPdf(html, values.out!);
      } catch (e) {
        if (e instanceof PdfUnavailableError) throw new CliError(`export: ${e.message}`, EXIT.failure);
        throw new CliError(`export: cannot write ${values.out}: ${(e as Error).message.split('\n')[0]}`);
      }
      process.stderr.write(`wrote the report of ${study.name} to ${values.out}\n`);
      return EXIT.ok;
    }
    const data = studyExportJson(store, study);
    const text = format === 'csv' ? trialsCsv(data.trials) : JSON.stringify(data, null, 2) + '\n';
    return write(values.out, text, out, `${data.trials.length} trials`);
  } finally {
    store.close();
  }
}

function write(file: string | undefined, text: string, out: NodeJS.WritableStream, what: string): number {
  if (!file) {
    out.write(text);
    return EXIT.ok;
  }
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new CliError(`export: cannot write ${file}: ${(e as Error).message}`);
  }
  process.stderr.write(`wrote ${what} to ${file}\n`);
  return EXIT.ok;
}

/** A new database file holding only this study; an existing file is never overwritten or added to. */
function exportDb(store: StoreReader, study: StudyRecord, file: string): number {
  const target = path.resolve(file);
  if (existsSync(target) && statSync(target).size > 0) {
    throw new CliError(`export: ${file} already exists; --format db writes a new database file, choose another name`, EXIT.usage);
  }
  const clock = new ReplayClock();
  let copy: Store;
  try {
    copy = openStore(target, { clock: clock.now });
  } catch (e) {
    throw new CliError(`export: cannot create ${file}: ${(e as Error).message}`, EXIT.usage);
  }
  try {
    // An Optuna study has no Nightshift spec; the copy gets the one `nightshift import` would give it.
    const optuna = asOptunaReader(store);
    const result = copyStudy(store, study.name, copy, { clock, spec: optuna ? (s, as) => importedSpec(optuna, s, as) : undefined });
    const n = Object.values(result.counts).reduce((a, b) => a + b, 0);
    process.stderr.write(`wrote study ${study.name} (${n} trials) to ${target}\n`);
  } finally {
    copy.close();
  }
  return EXIT.ok;
}
