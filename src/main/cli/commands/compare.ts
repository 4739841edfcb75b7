// `nightshift compare`: several studies side by side, from the default database or from other files
// (Nightshift or Optuna), each opened read-only.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openAnyStudySource, OptunaFormatError } from '../../engine/optuna/index.js';
import { buildComparison, compareHtml, comparisonJson, energyText, labelInputs, htmlToPdf, PdfUnavailableError, type CompareInput } from '../../engine/report/index.js';
import { StoreOpenError } from '../../engine/storage/open.js';
import type { StoreReader } from '../../engine/storage/types.js';
import { parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { num, table } from '../format.js';
import { dataPathsFor } from '../store.js';

export const COMPARE_HELP = `Usage: nightshift compare STUDY[@FILE] STUDY[@FILE] ... [--db FILE] [--json | --format html|pdf --out FILE]

Compares studies: best result per shared objective and total energy, and in the HTML report their
Pareto fronts and convergence (by trial and by energy spent) on the same axes. A study named
NAME@FILE is read from that database file (Nightshift or Optuna, never modified); a plain NAME from
--db FILE, $NIGHTSHIFT_DB or $NIGHTSHIFT_HOME/nightshift.db.

Options:
  --db FILE     database for studies given without @FILE
  --json        print {"objectives": [...], "studies": [{label, name, source, counts, best, front, total_energy_j}]}
  --format F    text (default), html or pdf
  --out FILE    write the html or pdf report to FILE (html goes to standard output without it)
`;

export function parseStudyRef(ref: string, defaultDb: string): { name: string; file: string } {
  const at = ref.indexOf('@');
  if (at === 0) throw new CliError(`compare: "${ref}" has no study name before @`, EXIT.usage);
  if (at < 0) return { name: ref, file: defaultDb };
  const file = ref.slice(at + 1);
  if (!file) throw new CliError(`compare: "${ref}" has no file after @`, EXIT.usage);
  return { name: ref.slice(0, at), file: path.resolve(file) };
}

export async function compareCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('compare', argv, { format: { type: 'string' }, out: { type: 'string' } });
  if (values.help) return void out.write(COMPARE_HELP), 0;
  if (positionals.length < 1) throw new CliError('compare: give at least one study (NAME or NAME@FILE); see `nightshift compare --help`', EXIT.usage);
  const format = values.format ?? 'text';
  if (!['text', 'html', 'pdf'].includes(format)) throw new CliError(`compare: --format must be text, html or pdf (got "${format}")`, EXIT.usage);
  if (format === 'pdf' && !values.out) throw new CliError('compare: --format pdf writes a file; give it with --out FILE', EXIT.usage);
  const defaultDb = dataPathsFor(values.db).db;
  const refs = positionals.map((r) => parseStudyRef(r, defaultDb));

  const stores = new Map<string, StoreReader>();
  try {
    const inputs: CompareInput[] = refs.map(({ name, file }) => {
      let store = stores.get(file);
      if (!store) {
        try {
          store = openAnyStudySource(file);
        } catch (e) {
          if (e instanceof StoreOpenError || e instanceof OptunaFormatError) throw new CliError(`compare: ${e.message}`, EXIT.usage);
          if ((e as NodeJS.ErrnoException).code === 'SQLITE_CANTOPEN') throw new CliError(`compare: ${file}: no such database file`, EXIT.usage);
          throw e;
        }
        stores.set(file, store);
      }
      const study = store.getStudy(name);
      if (!study) {
        const names = store.listStudies().map((s) => s.name);
        throw new CliError(`compare: no study named "${name}" in ${file} (studies there: ${names.length ? names.join(', ') : 'none'})`, EXIT.usage);
      }
      return { store, study, label: name, source: file };
    });
    // Same name from two files: tell them apart by file name.
    labelInputs(inputs, (f) => path.basename(f));
    const cmp = buildComparison(inputs);
    if (values.json) {
      out.write(JSON.stringify(comparisonJson(cmp), null, 2) + '\n');
      return EXIT.ok;
    }
    if (format === 'text') {
      out.write(
        table(
          ['study', 'complete', 'pruned', 'failed', ...cmp.shared.map((o) => `best ${o.metric}`), 'energy', 'source'],
          cmp.studies.map((s) => [
            s.label,
            s.counts.complete,
            s.counts.pruned,
            s.counts.failed,
            ...cmp.shared.map((o) => {
              const t = s.bestBy[o.metric];
              return t ? `${num(t.values[o.metric]!)} (#${t.number})` : '';
            }),
            energyText(s.totalEnergyJ),
            s.source,
          ]),
        ),
      );
      if (cmp.shared.length === 0) out.write('These studies share no objective (same metric and direction).\n');
      return EXIT.ok;
    }
    const html = compareHtml(cmp, { version: process.env.npm_package_version });
    if (format === 'html' && !values.out) {
      out.write(html);
      return EXIT.ok;
    }
    try {
      if (format === 'html') writeFileSync(values.out!, html);
      else await htmlToPdf(html, values.out!);
    } catch (e) {
      if (e instanceof PdfUnavailableError) throw new CliError(`compare: ${e.message}`);
      throw new CliError(`compare: cannot write ${values.out}: ${(e as Error).message.split('\n')[0]}`);
    }
    process.stderr.write(`wrote the comparison to ${values.out}\n`);
    return EXIT.ok;
  } finally {
    for (const s of stores.values()) s.close();
  }
}
