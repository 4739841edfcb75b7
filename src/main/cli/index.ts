// The `nightshift` command. Every user error ends as one line on stderr and a non-zero exit code.
import { UnsafeTrialPathError } from '../engine/paths.js';
import { StudySpecError } from '../engine/study/errors.js';
import { ENGINE_COMMANDS, keepEngineHeapTight } from './engine-heap.js';
import { CliError, EXIT } from './errors.js';
import { demoCommand, DEMO_HELP } from './commands/demo.js';
import { exportCommand, EXPORT_HELP } from './commands/export.js';
import { gpusCommand, GPUS_HELP } from './commands/gpus.js';
import { importCommand, IMPORT_HELP } from './commands/import.js';
import { importanceCommand, IMPORTANCE_HELP } from './commands/importance.js';
import { sensitivityCommand, SENSITIVITY_HELP } from './commands/sensitivity.js';
import { compareCommand, COMPARE_HELP } from './commands/compare.js';
import { lsCommand, LS_HELP } from './commands/ls.js';
import { runCommand, RUN_HELP } from './commands/run.js';
import { serveCommand, SERVE_HELP } from './commands/serve.js';
import { showCommand, SHOW_HELP } from './commands/show.js';
import { validateCommand, VALIDATE_HELP } from './commands/validate.js';

type Command = { help: string; summary: string; run: (argv: string[], out: NodeJS.WritableStream) => number | Promise<number> };

const COMMANDS: Record<string, Command> = {
  run: { help: RUN_HELP, summary: 'create or resume a study and run it until its budget is spent', run: runCommand },
  validate: { help: VALIDATE_HELP, summary: 're-run the top configurations with several seeds (finalists) and name the validated winner', run: validateCommand },
  ls: { help: LS_HELP, summary: 'list studies', run: lsCommand },
  show: { help: SHOW_HELP, summary: "a study's state, counts and best trials", run: showCommand },
  export: { help: EXPORT_HELP, summary: 'write all trials (CSV, JSON), a report (HTML, PDF) or a one-study database', run: exportCommand },
  gpus: { help: GPUS_HELP, summary: 'GPUs, CPU and memory, and what can be measured here', run: gpusCommand },
  demo: { help: DEMO_HELP, summary: 'run the built-in demo campaign (MNIST digits, accuracy against energy)', run: demoCommand },
  compare: { help: COMPARE_HELP, summary: 'compare studies (also from other Nightshift or Optuna files)', run: compareCommand },
  import: { help: IMPORT_HELP, summary: 'copy a study from an Optuna (or another Nightshift) database', run: importCommand },
  importance: { help: IMPORTANCE_HELP, summary: 'which parameters mattered, per objective, and what to freeze or narrow', run: importanceCommand },
  sensitivity: { help: SENSITIVITY_HELP, summary: 'vary each parameter from the best configuration in a follow-up study; plot the effects', run: sensitivityCommand },
  serve: { help: SERVE_HELP, summary: 'show the dashboard in a browser (token-protected, 127.0.0.1 by default)', run: serveCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: nightshift <command> [options]

Tunes hyperparameters on this machine, trial by trial, and keeps every result in SQLite.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run \`nightshift <command> --help\` for a command's options.
Data: $NIGHTSHIFT_HOME (default $XDG_DATA_HOME/nightshift or ~/.local/share/nightshift), or --db FILE / $NIGHTSHIFT_DB.
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version') {
    process.stdout.write(`${process.env.npm_package_version ?? '0.1.0'}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`nightshift: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See \`nightshift --help\`.\n`);
    return EXIT.usage;
  }
  if (ENGINE_COMMANDS.has(name)) keepEngineHeapTight();
  try {
    return await command.run(rest, process.stdout);
  } catch (e) {
    if (e instanceof StudySpecError) {
      process.stderr.write(`nightshift ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    // A database's content (a crafted study name) is input too: one line, never a stack trace.
    if (e instanceof UnsafeTrialPathError) {
      process.stderr.write(`nightshift ${name}: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`nightshift ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`nightshift ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failure;
  }
}

const code = await main(process.argv.slice(2));
// Let stdout drain before exiting (piped output would otherwise be cut).
process.stdout.write('', () => process.exit(code));
