// The built renderer as static files: only files under its folder, never a path that climbs out of it.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '';
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + rel);
  const notFound = (status: number, text: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };
  if (rel.includes('\0') || (file !== base && !file.startsWith(base + path.sep))) return notFound(404, 'not found\n');
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return notFound(404, 'not found\n');
    size = st.size;
  } catch {
    if (rel === '/index.html') {
      return notFound(503, `The dashboard is not built (no ${path.join(base, 'index.html')}). Run \`npm run build\`; the API works meanwhile.\n`);
    }
    return notFound(404, 'not found\n');
  }
  // Hashed asset names never change content; the page itself must be fetched fresh after a rebuild.
  const cache = rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': size, 'Cache-Control': cache });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
