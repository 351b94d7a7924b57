/**
 * Connections that have not logged in yet are capped in total (maxPendingLogins → 503) and
 * per remote address (maxPendingLoginsPerAddress → 429), with real sockets against the real
 * server. A second loopback address (127.0.0.2) stands in for another client machine.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Identity } from '@lemon/crypto-wasm';
import { decodeServerFrame, serverAddressOf } from '@lemon/protocol';
import { initCrypto, loginFrame, makeTempDir, removeTempDirs, startServerProcess, type Hello, type ServerProcess } from './integration/helpers';

const open: WebSocket[] = [];
beforeAll(initCrypto);
afterEach(() => open.splice(0).forEach((ws) => ws.terminate()));
afterAll(removeTempDirs);

function configFile(config: unknown): string {
  const path = join(makeTempDir('lemon-config-'), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

interface Pending {
  ws: WebSocket;
  hello: Hello;
  /** Resolves once the server closed the socket (or the test did). */
  closed: Promise<void>;
  /** The next text frame after the hello, decoded. */
  next(): Promise<ReturnType<typeof decodeServerFrame>>;
}

/** Upgrades from `localAddress`: a pending connection (hello received), or the HTTP status of the refusal. */
function attempt(server: ServerProcess, localAddress = '127.0.0.1'): Promise<Pending | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, { localAddress });
    open.push(ws);
    const queue: string[] = [];
    const waiters: Array<(text: string) => void> = [];
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
    ws.on('message', (data) => {
      const text = data.toString();
      const waiter = waiters.shift();
      if (waiter) waiter(text);
      else queue.push(text);
    });
    const nextText = () =>
      new Promise<string>((done, fail) => {
        const queued = queue.shift();
        if (queued !== undefined) return done(queued);
        const timer = setTimeout(() => fail(new Error('no frame within 10 s')), 10_000);
        waiters.push((text) => {
          clearTimeout(timer);
          done(text);
        });
      });
    ws.once('open', () => {
      void nextText().then((text) => {
        const hello = decodeServerFrame(text);
        if (!hello.ok || hello.value.kind !== 'event' || hello.value.event !== 'server.hello') return reject(new Error(`not a hello: ${text}`));
        resolve({ ws, hello: hello.value as Hello, closed, next: () => nextText().then(decodeServerFrame) });
      }, reject);
    });
  });
}

async function pending(server: ServerProcess, localAddress?: string): Promise<Pending> {
  const result = await attempt(server, localAddress);
  if (typeof result === 'number') throw new Error(`upgrade refused with ${result}`);
  return result;
}

async function logIn(server: ServerProcess, conn: Pending): Promise<void> {
  conn.ws.send(loginFrame(1, conn.hello, Identity.generate(), { displayName: 'Patient', address: serverAddressOf(server.wsUrl) }));
  const answer = await conn.next();
  expect(answer.ok && answer.value.kind).toBe('response');
}

describe('connections waiting to log in', () => {
  it('are capped per remote address (429), others are still let in, and a login frees the slot', async () => {
    const server = await startServerProcess({
      args: ['--config', configFile({ limits: { maxPendingLogins: 100, maxPendingLoginsPerAddress: 2 } })],
    });
    try {
      const first = await pending(server);
      const second = await pending(server);
      expect(await attempt(server)).toBe(429);
      // Another address is not affected by this one's waiting connections.
      expect(typeof (await attempt(server, '127.0.0.2'))).toBe('object');

      // A connection that logs in no longer counts as waiting…
      await logIn(server, first);
      const third = await pending(server);
      expect(await attempt(server)).toBe(429);
      // …and one that goes away gives its slot back (its close is seen by the server before
      // a later upgrade only once the server closed it too: wait for that).
      second.ws.close();
      await second.closed;
      await expect(waitForAdmission(server)).resolves.toBe('admitted');
      expect(third.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      await server.stop();
    }
  });

  it('are capped in total (503) whatever their address, while logged-in users do not count', async () => {
    const server = await startServerProcess({
      args: ['--config', configFile({ limits: { maxPendingLogins: 2, maxPendingLoginsPerAddress: 16 } })],
    });
    try {
      const a = await pending(server);
      await pending(server, '127.0.0.2');
      expect(await attempt(server, '127.0.0.3')).toBe(503);
      expect(await attempt(server)).toBe(503);
      await logIn(server, a);
      await pending(server, '127.0.0.3');
      expect(await attempt(server)).toBe(503);
      // The logged-in connection is still served.
      expect(a.ws.readyState).toBe(WebSocket.OPEN);
      const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { connections: number };
      expect(health.connections).toBe(3);
    } finally {
      await server.stop();
    }
  });
});

/**
 * The server releases a slot in its own close handler, which may run a moment after the
 * client saw the close: retry the upgrade on each refusal, bounded (no fixed sleeps; each
 * attempt is a full round trip to the server).
 */
async function waitForAdmission(server: ServerProcess, timeoutMs = 10_000): Promise<'admitted'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt(server);
    if (typeof result !== 'number') return 'admitted';
    if (Date.now() > deadline) throw new Error(`still refused with ${result} after ${timeoutMs} ms`);
  }
}
