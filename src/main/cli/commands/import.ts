// `nightshift import`: copies one study from an Optuna storage (or another Nightshift database) into
// the Nightshift database. The source is only ever opened read-only.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { asOptunaReader, importOptunaStudy, openAnyStudySource, OptunaFormatError } from '../../engine/optuna/index.js';
import { copyStudy, CopyStudyError, ReplayClock } from '../../engine/storage/copy.js';
import { openStore, StoreOpenError } from '../../engine/storage/open.js';
import type { Store } from '../../engine/storage/types.js';
import { parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { dataPathsFor } from '../store.js';

export const IMPORT_HELP = `Usage: nightshift import --from FILE --study NAME [--as NEW_NAME] [--db FILE] [--json]

Copies one study, with its trials, parameters, values, intermediate values (as reports) and states,
from an Optuna SQLite storage (or another Nightshift database) into the Nightshift database.
The source file is read, never modified. Optuna's COMPLETE, PRUNED and FAIL trials become complete,
pruned and failed; RUNNING and WAITING ones become stopped, with the reason.

Options:
  --from FILE   the Optuna (or Nightshift) database to copy from
  --study NAME  the study to copy (\`nightshift ls --db FILE\` lists them)
  --as NAME     name of the copy (default: the same name)
  --db FILE     database to copy into (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --json        print {"name","from","db","counts"}
`;

export function importCommand(argv: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parse('import', argv, { from: { type: 'string' }, study: { type: 'string' }, as: { type: 'string' } });
  if (values.help) return void out.write(IMPORT_HELP), 0;
  if (positionals.length > 0) throw new CliError(`import: unexpected argument "${positionals[0]}"; use --from FILE --study NAME`, EXIT.usage);
  if (!values.from) throw new CliError('import: --from FILE is required (the Optuna database to copy from)', EXIT.usage);
  if (!values.study) throw new CliError('import: --study NAME is required (`nightshift ls --db FILE` lists the studies in a file)', EXIT.usage);
  const from = path.resolve(values.from);
  if (!existsSync(from)) throw new CliError(`import: ${values.from}: no such file`, EXIT.usage);
  const { db } = dataPathsFor(values.db);
  if (path.resolve(db) === from) throw new CliError(`import: --from and the target database are the same file (${db}); pass --db OTHER_FILE`, EXIT.usage);

  const source = openOrExplain(() => openAnyStudySource(from));
  const clock = new ReplayClock();
  let target: Store | undefined;
  try {
    target = openOrExplain(() => openStore(db, { clock: clock.now }));
    const optuna = asOptunaReader(source);
    const result = optuna
      ? importOptunaStudy(optuna, values.study, target, { as: values.as, clock })
      : copyStudy(source, values.study, target, { as: values.as, clock });
    const name = result.study.name;
    if (values.json) {
      out.write(JSON.stringify({ name, from, db, counts: result.counts }, null, 2) + '\n');
    } else {
      const c = result.counts;
      out.write(
        `imported ${optuna ? 'Optuna ' : ''}study "${values.study}" as "${name}" into ${db}: ` +
          `${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed, ${c.stopped} stopped, ${c.queued} queued\n`,
      );
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CopyStudyError || e instanceof OptunaFormatError) throw new CliError(`import: ${e.message}`, EXIT.usage);
    throw e;
  } finally {
    target?.close();
    source.close();
  }
}

function openOrExplain<T>(open: () => T): T {
  try {
    return open();
  } catch (e) {
    if (e instanceof StoreOpenError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}
