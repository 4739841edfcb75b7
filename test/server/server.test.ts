// `nightshift serve` transport: who may talk to it, how it answers bad requests, and that it keeps running.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiRouter } from '../../src/main/api/router.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { cliEnv, collect, startCli, tempDir } from '../helpers/cli.js';
import { writeStudy } from '../api/helpers.js';
import { waitFor } from '../helpers/procs.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP (fetch would not let a test set Host or Origin). */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

describe('nightshift serve: token, Host and Origin rules, malformed requests', () => {
  const fx = writeStudy({ name: 'web', trials: 4, delayMs: 5 });
  const rendererDir = path.join(fx.dir, 'renderer');
  let router: ApiRouter;
  let server: RunningServer;
  let host: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Nightshift</title>');
    writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(fx.dir, 'secret.txt'), 'secret');
    router = new ApiRouter({ db: fx.db });
    server = await startServer({ router, port: 0, rendererDir, maxBodyBytes: 64 * 1024 });
    host = `127.0.0.1:${server.port}`;
    auth = { Host: host, Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  });
  afterAll(async () => {
    await server.close();
    await router.close();
  });

  const api = (method: string, body: unknown, headers = auth) => send(server.port, { method: 'POST', path: `/api/${method}`, headers, body: JSON.stringify(body) });

  it('binds 127.0.0.1 and prints a URL carrying a fresh random token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const other = await startServer({ router, port: 0, rendererDir });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('401 without a token or with a wrong one; the page with ?token= sets a cookie that then suffices', async () => {
    expect((await send(server.port, { path: '/', headers: { Host: host } })).status).toBe(401);
    expect((await api('studies.list', {}, { Host: host })).status).toBe(401);
    const wrong = await api('studies.list', {}, { Host: host, Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toMatch(/token/);
    expect((await send(server.port, { path: `/?token=${server.token}x`, headers: { Host: host } })).status).toBe(401);

    const page = await send(server.port, { path: `/?token=${server.token}`, headers: { Host: host } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Nightshift</title>');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly/);
    const asset = await send(server.port, { path: '/assets/app.js', headers: { Host: host, Cookie: cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const viaCookie = await api('studies.list', {}, { Host: host, Cookie: cookie });
    expect(viaCookie.status).toBe(200);
    expect(JSON.parse(viaCookie.body)).toEqual({ ok: true, result: [] });
  });

  it('403 when the Host header is not the bound address (DNS rebinding), even with the token', async () => {
    for (const h of ['evil.example', `evil.example:${server.port}`, '127.0.0.1:1', `192.168.1.5:${server.port}`]) {
      const r = await api('studies.list', {}, { ...auth, Host: h });
      expect(r.status, h).toBe(403);
      expect(JSON.parse(r.body).error.code).toBe('forbidden');
    }
    expect((await api('studies.list', {}, { ...auth, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('403 for a cross-site request (foreign Origin), 200 for this origin', async () => {
    expect((await api('studies.list', {}, { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('studies.list', {}, { ...auth, Origin: `http://${host}` })).status).toBe(200);
  });

  it('WebSocket: refused from a foreign Origin, a wrong Host or without the token; pushes events otherwise', async () => {
    const url = `ws://${host}/api/events`;
    expect(await wsOpen(`${url}?token=${server.token}`, { Origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await wsOpen(url, { Origin: `http://${host}` })).toEqual({ status: 401 });
    expect(await wsOpen(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, { Host: 'evil.example' })).toEqual({ status: 403 });
    const ok = await wsOpen(`${url}?token=${server.token}`, { Origin: `http://${host}` });
    if (!('ws' in ok)) throw new Error(`refused: ${ok.status}`);
    const got: unknown[] = [];
    ok.ws.on('message', (m) => got.push(JSON.parse(String(m))));
    const start = await api('campaign.start', { file: fx.file });
    expect(start.status).toBe(200);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (got.some((e) => (e as { event: string; payload: { state?: string } }).event === 'study' && (e as { payload: { state: string } }).payload.state === 'finished')) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    expect(got).toContainEqual(expect.objectContaining({ event: 'report', payload: expect.objectContaining({ study: 'web', step: 3 }) }));
    ok.ws.close();
  });

  it('answers malformed requests with a clear error, and keeps serving', async () => {
    const notJson = await send(server.port, { method: 'POST', path: '/api/studies.list', headers: auth, body: '{"oops' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/);

    const wrongType = await api('trial.detail', { study: 'web', number: 'one' });
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.body).error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'number' }] });

    const unknown = await api('engine.shutdown', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_method');

    const big = await send(server.port, { method: 'POST', path: '/api/study.validate', headers: auth, body: JSON.stringify({ text: 'x'.repeat(200 * 1024) }) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('too_large');

    expect((await send(server.port, { method: 'GET', path: '/api/studies.list', headers: auth })).status).toBe(405);
    expect((await send(server.port, { path: '/../secret.txt', headers: auth })).body).not.toContain('secret');
    expect((await send(server.port, { path: '/%2e%2e/secret.txt', headers: auth })).status).toBe(404);
    expect((await api('study.summary', { study: 'nope' })).status).toBe(404);
    for (const bad of ['%E0%A4%A', 'studies.list%', '%ZZ']) {
      const r = await send(server.port, { method: 'POST', path: `/api/${bad}`, headers: auth, body: '{}' });
      expect(r.status, bad).toBe(400);
      expect(JSON.parse(r.body).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/malformed %-escape/) });
    }

    const after = await api('study.summary', { study: 'web' });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body).result.counts.complete).toBe(4);
  });
});

describe('nightshift serve (the command)', () => {
  it('prints its URL, answers with it, and stops cleanly on SIGTERM', async () => {
    const home = tempDir();
    const child = startCli(['serve', '--port', '0', '--json'], { env: cliEnv(home) });
    const done = collect(child);
    const line = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const token = new URL(url).searchParams.get('token')!;
    const r = await send(port, { method: 'POST', path: '/api/db.info', headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` }, body: '{}' });
    expect(JSON.parse(r.body).result.file).toBe(path.join(home, 'nightshift.db'));
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/warning/);
  });

  it('warns on stderr when it listens beyond this machine (--host 0.0.0.0), keeping --json output one line', async () => {
    const child = startCli(['serve', '--host', '0.0.0.0', '--port', '0', '--json'], { env: cliEnv(tempDir()) });
    const done = collect(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
    });
    expect(JSON.parse(line)).toMatchObject({ host: '0.0.0.0' });
    await waitFor(() => stderr.includes('\n'), 10_000, 'the warning');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, JSON.stringify(r)).toBe(0);
    const warning = r.stderr.trim().split('\n');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/^warning: listening on 0\.0\.0\.0: the dashboard is reachable from the network.*token/);
  });

  it('refuses a bad port with one clear line', async () => {
    const r = await collect(startCli(['serve', '--port', 'abc'], { env: cliEnv(tempDir()) }));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('nightshift serve: --port abc is not a port number (0-65535)');
  });
});
