import path from 'node:path';
import { ApiRouter } from '../../api/router.js';
import { packageRoot } from '../../engine/campaign/command.js';
import { startServer } from '../../server/server.js';
import { parse } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { dataPathsFor } from '../store.js';

export const SERVE_HELP = `Usage: nightshift serve [--port N] [--host H] [--db FILE] [--readonly]

Serves the dashboard and its API to a browser. It listens on 127.0.0.1 unless --host says
otherwise, and prints a URL with a token that changes on every launch: only someone with that
URL can see or steer your studies. Campaigns started from the page run in this process; Ctrl-C
stops them (running trials run again on the next start).

Options:
  --port N     port to listen on (default 8477; 0 picks a free one)
  --host H     address to bind (default 127.0.0.1; 0.0.0.0 for every interface, e.g. over a VPN)
  --db FILE    database to use (default: $NIGHTSHIFT_DB, else $NIGHTSHIFT_HOME/nightshift.db)
  --readonly   never write to the database (look at a colleague's file)
  --json       print {"url","host","port"} as one JSON line instead of the sentence
`;

const DEFAULT_PORT = 8477;

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost reach only this machine; anything else may be reachable from others. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function serveCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parse('serve', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    readonly: { type: 'boolean', default: false },
  });
  if (values.help) return void out.write(SERVE_HELP), 0;
  if (positionals.length > 0) throw new CliError(`unexpected argument ${positionals[0]}. See \`nightshift serve --help\`.`, EXIT.usage);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${values.port} is not a port number (0-65535)`, EXIT.usage);
  const host = values.host ?? '127.0.0.1';

  const paths = dataPathsFor(values.db);
  let router: ApiRouter;
  try {
    router = new ApiRouter({ db: paths.db, artifacts: paths.artifacts, readonly: values.readonly });
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.usage);
  }
  let server;
  try {
    server = await startServer({ router, host, port, rendererDir: path.join(packageRoot(), 'out', 'renderer') });
  } catch (e) {
    await router.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is in use; pick another with --port (0 picks a free one)`, EXIT.failure);
    throw new CliError(`cannot listen on ${host}:${port}: ${(e as Error).message}`, EXIT.failure);
  }
  // Handlers first: a script that reads the URL and at once sends SIGTERM must get a clean stop, not a kill.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(EXIT.interrupted);
      stopping = true;
      const running = router.activeCampaigns();
      if (running.length > 0) process.stderr.write(`\n${signal}: stopping campaigns ${running.join(', ')} (their running trials run again next time)\n`);
      for (const s of SIGNALS) process.off(s, onSignal);
      void (async () => {
        await router.close(`interrupted by ${signal}`);
        await server.close();
        resolve();
      })();
    };
    for (const s of SIGNALS) process.on(s, onSignal);
  });
  if (!isLoopback(host)) {
    // stderr, so `--json` output stays one parseable line.
    process.stderr.write(
      `warning: listening on ${host}: the dashboard is reachable from the network, not only from this machine; the token in the URL is all that protects it (it can start trial commands here). Share the URL only over a trusted channel, or use the default --host 127.0.0.1 with an SSH tunnel.\n`,
    );
  }
  out.write(values.json ? JSON.stringify({ url: server.url, host: server.host, port: server.port }) + '\n' : `Nightshift dashboard: ${server.url}\nDatabase: ${paths.db}\nPress Ctrl-C to stop.\n`);

  await stopped;
  return EXIT.ok;
}
