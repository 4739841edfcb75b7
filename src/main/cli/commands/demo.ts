import path from 'node:path';
import { packageRoot } from '../../engine/campaign/command.js';
import { parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { runCommand } from './run.js';

export const DEMO_HELP = `Usage: nightshift demo [--db FILE] [--json]

Runs the built-in demo campaign: an MLP on 10,000 bundled handwritten digits (TF.js, no GPU or Python
needed), tuned for validation accuracy against energy. About 5 minutes on 2 CPU cores. Running it again
resumes the same study. The study file is resources/examples/demo-mnist.yaml.
`;

export function demoStudyFile(): string {
  return path.join(packageRoot(), 'resources', 'examples', 'demo-mnist.yaml');
}

export async function demoCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('demo', argv, {});
  if (values.help) return void out.write(DEMO_HELP), 0;
  if (positionals.length > 0) throw new CliError(`demo: takes no study file (got ${positionals.join(' ')}); use \`nightshift run FILE\``, EXIT.usage);
  return runCommand([demoStudyFile(), ...argv], out);
}
