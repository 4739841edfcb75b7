// `nightshift serve`: the dashboard and the API over HTTP, pushed events over a WebSocket.
// POST /api/<method> with a JSON body → the router's answer; GET /api/events upgrades to a WebSocket;
// everything else is the built renderer (out/renderer). Guard (./guard.ts) decides who may ask.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorCode, ApiEvent } from '../../shared/api.js';
import type { ApiRouter } from '../api/router.js';
import { Guard, newToken, TOKEN_COOKIE } from './guard.js';
import { serveStatic } from './static.js';

export interface ServeOptions {
  router: ApiRouter;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  token?: string;
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A request body is a few hundred bytes; study text for `study.validate` is the largest thing sent. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** A client too slow to read its events loses some rather than growing the server's memory without end. */
const MAX_BUFFERED_EVENT_BYTES = 4 * 1024 * 1024;

const STATUS: Record<ApiErrorCode, number> = {
  unknown_method: 404,
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  invalid_study: 422,
  readonly: 409,
  internal: 500,
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The page URL carries the token: never leak it to another site through Referer.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ApiErrorCode | 'unauthorized' | 'forbidden' | 'too_large' | 'bad_method', message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error: { code, message } }, extra);
}

/** Reads the body up to `max` bytes; null (after answering 413) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<string | null> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () => {
      sendError(res, 413, 'too_large', `request body over ${max} bytes`, { Connection: 'close' });
      // Stop reading; the connection closes after the answer.
      req.removeAllListeners('data');
      req.resume();
      resolve(null);
    };
    if (declared > max) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        return tooLarge();
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      if (!done) resolve(null);
    });
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { router } = opts;
  // The port is known only after listen; the guard is created then (requests cannot arrive before).
  let guard: Guard | null = null;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'internal', `internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = guard!.check(req, url);
    if (refused) return sendError(res, refused.status, refused.status === 401 ? 'unauthorized' : 'forbidden', refused.message);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendError(res, 405, 'bad_method', `use POST for ${url.pathname}`, { Allow: 'POST' });
      const body = await readBody(req, res, maxBody);
      if (body === null) return;
      let request: unknown = {};
      if (body.trim() !== '') {
        try {
          request = JSON.parse(body);
        } catch (e) {
          return sendError(res, 400, 'invalid_request', `the body is not JSON: ${(e as Error).message}`);
        }
      }
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        // A lone or malformed %-escape (`/api/%E0%A4%A`) is the client's mistake, not the server's.
        return sendError(res, 400, 'invalid_request', `the path ${url.pathname} holds a malformed %-escape; methods are plain names such as /api/studies.list`);
      }
      const answer = await router.handle(method, request);
      return sendJson(res, answer.ok ? 200 : STATUS[answer.error.code], answer);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'bad_method', 'only GET here', { Allow: 'GET, HEAD' });
    // The first visit carries ?token=; keep it as a cookie so the assets, fetches and the WebSocket carry it too.
    const cookie = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    serveStatic(opts.rendererDir, url.pathname, req, res, { ...SECURITY_HEADERS, 'Set-Cookie': cookie });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = url.pathname === '/api/events' ? guard!.check(req, url) : { status: 404, message: 'no WebSocket here' };
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${refused.status === 401 ? 'Unauthorized' : refused.status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refused.message}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const unsubscribe = router.subscribe((e: ApiEvent) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_EVENT_BYTES) ws.send(JSON.stringify(e));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    // Clients only listen; whatever they send is ignored.
    ws.on('message', () => {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  guard = new Guard(token, { host, port });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
