// Who may talk to `nightshift serve`. The server drives trial processes (it runs commands from study files),
// so a web page the user happens to visit must not reach it:
// - a random token per launch (in the printed URL, then an HttpOnly cookie) → 401 without it;
// - the Host header must name the bound address → 403 otherwise: a DNS-rebinding page (evil.example
//   resolving to 127.0.0.1) sends its own name as Host;
// - a browser's Origin, when sent, must be this server → 403 otherwise (cross-site POSTs and WebSockets;
//   browsers don't apply CORS to WebSocket handshakes, so the Origin check is the defence there).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import os from 'node:os';

export const TOKEN_COOKIE = 'nightshift_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function hostName(hostHeader: string): { name: string; port: string } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(hostHeader);
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), port: m[2] ?? '80' };
}

export class Guard {
  constructor(
    readonly token: string,
    private readonly bound: { host: string; port: number },
  ) {}

  /** Whether a Host header names this server (see the DNS-rebinding note above). */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const h = hostName(hostHeader);
    if (!h || h.port !== String(this.bound.port)) return false;
    const bound = this.bound.host.toLowerCase();
    if (h.name === bound || h.name === `[${bound}]`) return true;
    if (LOOPBACK.has(bound)) return LOOPBACK.has(h.name);
    // Bound to every interface: any address literal is fine (rebinding needs a name), as are this machine's names.
    if (WILDCARD.has(bound)) return isIP(h.name.replace(/^\[|\]$/g, '')) !== 0 || h.name === 'localhost' || h.name === os.hostname().toLowerCase();
    return false;
  }

  /** A browser's Origin must be this very server; requests without one (curl, scripts) pass on to the token check. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return origin === `http://${req.headers.host ?? ''}`;
  }

  /** The token from `?token=`, `Authorization: Bearer`, or the cookie set when the page was opened. */
  tokenOf(req: IncomingMessage, url: URL): string | null {
    const q = url.searchParams.get('token');
    if (q) return q;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === TOKEN_COOKIE) return v.join('=');
    }
    return null;
  }

  tokenValid(given: string | null): boolean {
    if (given === null) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** null when the request may proceed, else the status and message to refuse it with. */
  check(req: IncomingMessage, url: URL): { status: 401 | 403; message: string } | null {
    if (!this.hostAllowed(req.headers.host)) {
      return { status: 403, message: `Host "${req.headers.host ?? ''}" is not this server; open the URL nightshift serve printed` };
    }
    if (!this.originAllowed(req)) return { status: 403, message: `requests from ${req.headers.origin} are not allowed` };
    if (!this.tokenValid(this.tokenOf(req, url))) {
      return { status: 401, message: 'missing or wrong token; open the URL nightshift serve printed (it ends with ?token=...)' };
    }
    return null;
  }
}
