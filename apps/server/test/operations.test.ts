/**
 * What an operator relies on, against the real process: TLS on the same port, the
 * connection cap, cutting abusive connections, shutdown reaching everyone, bad config
 * exiting 2, and logs that never carry names, keys, signatures or challenges.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Identity } from '@lemon/crypto-wasm';
import { decodeServerFrame, encodeRequest } from '@lemon/protocol';
import { initCrypto, loginFrame, makeTempDir, openRaw, removeTempDirs, startServerProcess, type RawSocket } from './integration/helpers';
import { runServerToExit } from '@lemon/testing';

const FIXTURES = join(__dirname, 'fixtures');
const CERT = join(FIXTURES, 'tls-cert.pem');
const KEY = join(FIXTURES, 'tls-key.pem');

const sockets: RawSocket[] = [];
beforeAll(initCrypto);
afterEach(() => sockets.splice(0).forEach((s) => s.close()));
afterAll(removeTempDirs);

function configFile(config: unknown): string {
  const path = join(makeTempDir('lemon-config-'), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function raw(wsUrl: string) {
  const opened = await openRaw(wsUrl);
  sockets.push(opened.raw);
  return opened;
}

const runToExit = (args: string[]) => runServerToExit(args);

describe('command line', () => {
  it('exits 2 with a clear message on bad config', async () => {
    const result = await runToExit(['--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port: must be a whole number/);
  });

  it('exits 2 for an unknown flag and 0 for --help', async () => {
    expect((await runToExit(['--admin-password', 'hunter2'])).code).toBe(2);
    const help = await runToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--data-dir/);
  });
});

describe('TLS', () => {
  it('serves https and wss on one port with the given certificate', async () => {
    const server = await startServerProcess({ args: ['--tls-cert', CERT, '--tls-key', KEY] });
    try {
      const listening = JSON.parse(await server.waitForLog((l) => l.includes('"listening"')));
      expect(listening).toMatchObject({ url: `https://127.0.0.1:${server.port}/`, wsUrl: `wss://127.0.0.1:${server.port}/ws`, tls: true });
      const expected = new X509Certificate(readFileSync(CERT)).fingerprint256;

      // The fixture is self-signed: instead of trusting it, check that it is what we got.
      const health = await new Promise<{ status: number; body: string; fingerprint: string }>((resolve, reject) => {
        const req = httpsRequest(`https://127.0.0.1:${server.port}/healthz`, { rejectUnauthorized: false, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, fingerprint: (res.socket as TLSSocket).getPeerCertificate().fingerprint256 }),
          );
        });
        req.on('error', reject);
        req.end();
      });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
      expect(health.fingerprint).toBe(expected);

      const ws = new WebSocket(`wss://127.0.0.1:${server.port}/ws`, { rejectUnauthorized: false });
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data) => resolve(data.toString()));
        ws.once('error', reject);
      });
      const hello = decodeServerFrame(first);
      expect(hello.ok && hello.value.kind === 'event' && hello.value.event).toBe('server.hello');
      ws.close();

      // Plain http on the TLS port is not served.
      await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });
});

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

describe('connection cap', () => {
  it('refuses WebSocket upgrades beyond maxConnections with 503, and accepts again once one has left', async () => {
    const server = await startServerProcess({ args: ['--config', configFile({ limits: { maxConnections: 3 } })] });
    try {
      const observer = await raw(server.wsUrl);
      observer.raw.send(loginFrame(1, observer.hello, Identity.generate(), { displayName: 'Observer' }));
      await observer.raw.take((m) => m.kind === 'response' && m.id === 1);
      const leaver = await raw(server.wsUrl);
      const leaverId = Identity.generate();
      leaver.raw.send(loginFrame(1, leaver.hello, leaverId, { displayName: 'Leaver' }));
      await leaver.raw.take((m) => m.kind === 'response' && m.id === 1);
      await raw(server.wsUrl);

      expect(await upgradeStatus(server.wsUrl)).toBe(503);
      leaver.raw.close();
      // user.disconnected is sent from the server's close handler, after it counted the socket out.
      await observer.raw.take((m) => m.kind === 'event' && m.event === 'user.disconnected' && m.data.userId === leaverId.userId);
      expect(await upgradeStatus(server.wsUrl)).toBe(101);
    } finally {
      await server.stop();
    }
  });
});

describe('abuse', () => {
  it('closes a connection after too many errors in a row, and 404s upgrades on other paths', async () => {
    const server = await startServerProcess({ args: ['--config', configFile({ limits: { abuseErrorLimit: 5 } })] });
    try {
      const { raw: bad } = await raw(server.wsUrl);
      for (let i = 0; i < 5; i++) bad.send('garbage');
      expect(await bad.closed).toEqual({ code: 1008, reason: 'RATE_LIMITED' });
      expect(bad.messages.filter((m) => m.kind === 'error')).toHaveLength(5);
      expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/not-ws`)).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe('shutdown and logs', () => {
  it('tells logged-in and anonymous connections alike, and logs no names, keys, signatures or challenges', async () => {
    const server = await startServerProcess({ args: ['--log-level', 'debug'] });
    const canary = 'Canary Zebra 7Q';
    const a = await raw(server.wsUrl);
    const identity = Identity.generate();
    const frame = loginFrame(1, a.hello, identity, { displayName: canary });
    a.raw.send(frame);
    await a.raw.take((m) => m.kind === 'response' && m.id === 1);
    a.raw.send(encodeRequest(2, 'channel.create', { parentId: null, name: `${canary} room`, description: `${canary} about` }));
    await a.raw.take((m) => m.kind === 'response' && m.id === 2);
    a.raw.send(encodeRequest(3, 'user.rename', { displayName: `${canary} 2` }));
    await a.raw.take((m) => m.kind === 'response' && m.id === 3);
    const anonymous = await raw(server.wsUrl);

    const exit = server.stop('SIGTERM');
    for (const s of [a.raw, anonymous.raw]) {
      expect(await s.take((m) => m.kind === 'event' && m.event === 'server.shutdown')).toBeTruthy();
      expect((await s.closed).code).toBe(1001);
    }
    expect(await exit).toBe(0);

    const log = server.logLines.join('\n');
    const login = JSON.parse(frame).data as { publicKey: string; signature: string; challenge: string };
    for (const secretish of [canary, login.publicKey, login.signature, login.challenge, anonymous.hello.data.challenge, a.hello.data.serverKey]) {
      expect(log).not.toContain(secretish);
    }
    // …while the events themselves are there, by user id.
    expect(log).toContain(identity.userId);
    expect(log).toMatch(/"msg":"login"/);
    expect(log).toMatch(/"msg":"channel created"/);
  });
});
