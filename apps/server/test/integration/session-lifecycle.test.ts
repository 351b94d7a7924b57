import { Identity } from '@lemon/crypto-wasm';
import { ProtocolError } from '@lemon/protocol';
import { Session, type StateDetail } from '@lemon/session';
import { nodeSocket } from '@lemon/testing';
import { connectClient, initCrypto, makeTempDir, reachState, removeTempDirs, startServerProcess } from './helpers';

/** Resolves with the detail of the next time `session` enters `state`. */
function stateDetail(session: Session, state: Session['state'], timeoutMs = 20_000): Promise<StateDetail> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${state} within ${timeoutMs} ms`)), timeoutMs);
    const off = session.on('state', (s, detail) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve(detail);
    });
  });
}

describe('session lifecycle against the real server', () => {
  beforeAll(initCrypto);
  afterAll(removeTempDirs);

  it('reconnects by itself when the server comes back, and rebuilds its view', async () => {
    const dataDir = makeTempDir();
    let server = await startServerProcess({ dataDir });
    const port = server.port;
    const identity = Identity.generate();
    const session = new Session({
      url: server.wsUrl,
      identity,
      displayName: 'Phoenix',
      createSocket: nodeSocket,
      reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 },
    });
    try {
      await session.connect();
      const dropped = stateDetail(session, 'reconnecting');
      await server.stop();
      expect((await dropped).error?.code).toBe('DISCONNECTED');

      const back = new Promise<void>((resolve) => session.on('online', () => resolve()));
      server = await startServerProcess({ dataDir, port });
      await back;
      expect(session.state).toBe('online');
      expect(session.world?.users.get(identity.userId)?.displayName).toBe('Phoenix');
    } finally {
      session.close();
      await server.stop();
    }
  });

  it('reconnectNow skips a long backoff wait', async () => {
    const dataDir = makeTempDir();
    let server = await startServerProcess({ dataDir });
    const port = server.port;
    const session = new Session({
      url: server.wsUrl,
      identity: Identity.generate(),
      displayName: 'Eager',
      createSocket: nodeSocket,
      reconnect: { initialMs: 10 * 60_000, maxMs: 10 * 60_000, factor: 1, jitter: 0 },
    });
    try {
      await session.connect();
      const waiting = stateDetail(session, 'reconnecting');
      await server.stop();
      expect((await waiting).retryInMs).toBe(10 * 60_000);
      server = await startServerProcess({ dataDir, port });
      session.reconnectNow();
      await reachState(session, 'online', 20_000);
    } finally {
      session.close();
      await server.stop();
    }
  });

  it('stops (instead of fighting back) when the same identity logs in elsewhere', async () => {
    const server = await startServerProcess();
    const identity = Identity.generate();
    const first = new Session({
      url: server.wsUrl,
      identity,
      displayName: 'Twin',
      createSocket: nodeSocket,
      reconnect: { initialMs: 10, maxMs: 10, factor: 1, jitter: 0 },
    });
    try {
      await first.connect();
      const closed = stateDetail(first, 'closed');
      const second = await connectClient(server.wsUrl, 'Twin', { identity });
      const detail = await closed;
      expect(detail.error).toBeInstanceOf(ProtocolError);
      expect(detail.error?.code).toBe('ALREADY_CONNECTED');
      // The newer session stays online: a round trip after the old one gave up proves it.
      await expect(second.session.request('ping', {})).resolves.toEqual({ serverTime: expect.any(Number) });
      expect(second.session.state).toBe('online');
      expect(first.state).toBe('closed');
      second.session.close();
    } finally {
      first.close();
      await server.stop();
    }
  });

  it('a refused login that leaves the socket open still leads to a reconnect that says why', async () => {
    const server = await startServerProcess();
    // A display name beyond the schema's bound is refused as INVALID_PAYLOAD; the server
    // answers but keeps the connection (regression: the session used to wait forever).
    const session = new Session({
      url: server.wsUrl,
      identity: Identity.generate(),
      displayName: 'x'.repeat(1000),
      createSocket: nodeSocket,
      reconnect: { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 },
    });
    try {
      const reconnecting = stateDetail(session, 'reconnecting');
      session.start();
      expect((await reconnecting).error?.code).toBe('INVALID_PAYLOAD');
    } finally {
      session.close();
      await server.stop();
    }
  });
});
