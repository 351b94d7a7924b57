/**
 * Plain HTTP on the same port as the WebSocket:
 *   GET /         the built single-file client (503 with a hint while it is not built)
 *   GET /healthz  {status, version, protocol, uptimeS, connections}
 *   anything else 404 (405 for other methods on the two paths above)
 * Request headers are never interpreted beyond method and path; in particular
 * X-Forwarded-For and friends are ignored (Node's parser already caps header size).
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROTOCOL_VERSION } from '@lemon/protocol';
import { errorFields, logger } from '../log';
import { SERVER_VERSION } from '../version';

const log = logger('http');

export interface HttpOptions {
  clientHtml: string;
  /** Open WebSocket connections right now. */
  connections(): number;
  /** Monotonic ms at start, on the same clock as `now`. */
  startedAt: number;
  now(): number;
}

const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The client is one self-contained file: inline scripts and styles, inlined WASM, workers
 * and worklets from blob:/data: URLs, and connections to whichever server the user types
 * (ws:, wss:, http(s) for /healthz). Everything else (plugins, framing, base URL, forms)
 * is shut off. The client must still render all names as text, never as HTML.
 */
export const CLIENT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss: http: https: data: blob:",
  "worker-src 'self' blob: data:",
  "manifest-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PLAIN_CSP = "default-src 'none'; frame-ancestors 'none'";

const CLIENT_MISSING =
  'The Lemon Chat client is not built yet.\n' +
  'Build it with `npx nx build client` (or run the server with `npx nx serve server`),\n' +
  'or point the server at a client.html with --client-html.\n';

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Length': String(length), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  send(req, res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': PLAIN_CSP, 'Cache-Control': 'no-store', ...extra }, text);
}

/** Reads client.html again only when it changed on disk (the client may be rebuilt while we run). */
class ClientFile {
  private cached: { mtimeMs: number; size: number; body: Buffer } | null = null;

  constructor(readonly path: string) {}

  async load(): Promise<Buffer | null> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      this.cached = null;
      return null;
    }
    if (!info.isFile()) return null;
    if (this.cached && this.cached.mtimeMs === info.mtimeMs && this.cached.size === info.size) return this.cached.body;
    const body = await readFile(this.path);
    this.cached = { mtimeMs: info.mtimeMs, size: info.size, body };
    return body;
  }
}

export function createHttpHandler(options: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const client = new ClientFile(options.clientHtml);

  const serveClient = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await client.load();
    if (!body) {
      log.debug('client.html missing', { path: client.path });
      sendText(req, res, 503, CLIENT_MISSING, { 'Retry-After': '30' });
      return;
    }
    send(req, res, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CLIENT_CSP,
      'Cache-Control': 'no-cache',
      'Cross-Origin-Opener-Policy': 'same-origin',
    }, body);
  };

  const serveHealth = (req: IncomingMessage, res: ServerResponse): void => {
    const body = JSON.stringify({
      status: 'ok',
      version: SERVER_VERSION,
      protocol: PROTOCOL_VERSION,
      uptimeS: Math.floor((options.now() - options.startedAt) / 1000),
      connections: options.connections(),
    });
    send(req, res, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Security-Policy': PLAIN_CSP,
      'Cache-Control': 'no-store',
      // Public, harmless facts; lets a client opened from disk probe a server.
      'Access-Control-Allow-Origin': '*',
    }, body);
  };

  return (req, res) => {
    const path = pathOf(req.url);
    const route = path === '/' ? serveClient : path === '/healthz' ? serveHealth : null;
    if (!route) return sendText(req, res, 404, 'Not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(req, res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      log.error('request failed', { path, ...errorFields(error) });
      if (!res.headersSent) sendText(req, res, 500, 'Internal error\n');
      else res.destroy();
    });
  };
}
