import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_CSP, createHttpHandler } from './handler';

let dir: string;
let server: Server;
let port: number;
let now = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-http-'));
  now = 10_000;
  server = createServer(
    createHttpHandler({ clientHtml: join(dir, 'client.html'), connections: () => 3, startedAt: 1_000, now: () => now }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /', () => {
  it('answers 503 with a hint while client.html is not built', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body).toMatch(/nx build client/);
    // The hint does not reveal where the server keeps its files.
    expect(reply.body).not.toContain(dir);
  });

  it('serves client.html with security headers, and picks up a rebuilt file', async () => {
    writeFileSync(join(dir, 'client.html'), '<!doctype html><title>v1</title>');
    const first = await get('/?from=bookmark');
    expect(first.status).toBe(200);
    expect(first.body).toBe('<!doctype html><title>v1</title>');
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.headers['content-security-policy']).toBe(CLIENT_CSP);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['x-frame-options']).toBe('DENY');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    writeFileSync(join(dir, 'client.html'), '<!doctype html><title>version two</title>');
    expect((await get('/')).body).toContain('version two');
  });

  it('answers HEAD without a body', async () => {
    writeFileSync(join(dir, 'client.html'), '<p>x</p>');
    const reply = await get('/', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('8');
    expect(reply.body).toBe('');
  });
});

describe('GET /healthz', () => {
  it('reports status, version, uptime and connections as JSON', async () => {
    const reply = await get('/healthz');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', version: expect.any(String), protocol: 1, uptimeS: 9, connections: 3 });
  });
});

describe('everything else', () => {
  it.each(['/nope', '/healthz/', '//', '/../etc/passwd', '/client.html'])('%s is 404', async (path) => {
    expect((await get(path)).status).toBe(404);
  });

  it('answers 405 for other methods', async () => {
    const reply = await get('/healthz', { method: 'POST' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('ignores X-Forwarded-For and survives a huge one (431 from the HTTP parser)', async () => {
    expect((await get('/healthz', { headers: { 'X-Forwarded-For': '1.2.3.4' } })).status).toBe(200);
    const huge = await get('/healthz', { headers: { 'X-Forwarded-For': '9'.repeat(100_000) } });
    expect(huge.status).toBe(431);
    expect((await get('/healthz')).status).toBe(200);
  });
});
