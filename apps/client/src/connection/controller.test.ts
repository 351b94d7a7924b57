// The connection controller against the real server process (apps/server/dist/main.js, real
// SQLite in a temp folder) over real WebSockets (`ws` in Node), with real Ed25519 identities.
// Other people are real Node sessions from @lemon/testing. Waiting is event-driven: a Solid
// effect over the controller's accessors, bounded by a timeout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEffect, createRoot } from 'solid-js';
import { Identity } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { ERROR_TEXT, ErrorCode, ProtocolError } from '@lemon/protocol';
import type { BackoffPolicy, SessionIdentity, SocketFactory } from '@lemon/session';
import {
  connectClient,
  makeTempDir,
  nodeSocket,
  reachState,
  removeTempDirs,
  startServerProcess,
  type ServerProcess,
  type StartOptions,
  type TestClient,
} from '@lemon/testing';
import { createConnectionController, type ConnectionController, type ConnectTarget } from './controller';
import { TAKEN_OVER_TEXT, describeError } from './errors';

/** Retries come quickly, so a restarted server is found again soon. */
const FAST: BackoffPolicy = { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 };
/** No retry by itself within any test's time: only "reconnect now" can bring it back. */
const A_MINUTE: BackoffPolicy = { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 };
const WAIT_MS = 15_000;

interface Harness {
  controller: ConnectionController;
  identity: SessionIdentity;
  notices: string[];
  /** Sockets the controller opened. */
  opened: () => number;
  dispose: () => void;
}

let harness: Harness | undefined;
const servers: ServerProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  await initCryptoFromFile();
});

afterEach(async () => {
  harness?.dispose();
  harness = undefined;
  for (const client of clients.splice(0)) client.session.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

afterAll(() => removeTempDirs());

async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const server = await startServerProcess({ ...options, args: ['--server-name', 'Lemon Test', '--log-level', 'warn', ...(options.args ?? [])] });
  servers.push(server);
  return server;
}

async function otherUser(server: ServerProcess, name: string, identity?: Identity): Promise<TestClient> {
  const client = await connectClient(server.wsUrl, name, identity ? { identity } : {});
  clients.push(client);
  return client;
}

function setup(options: { identity?: SessionIdentity; reconnect?: BackoffPolicy } = {}): Harness {
  const identity = options.identity ?? Identity.generate();
  const notices: string[] = [];
  let opened = 0;
  const createSocket: SocketFactory = (url) => {
    opened++;
    return nodeSocket(url);
  };
  let disposeRoot!: () => void;
  const controller = createRoot((dispose) => {
    disposeRoot = dispose;
    return createConnectionController({
      identity: () => identity,
      createSocket,
      sessionOptions: { reconnect: options.reconnect ?? FAST },
      notify: (text) => notices.push(text),
      tickMs: 50,
    });
  });
  harness = {
    controller,
    identity,
    notices,
    opened: () => opened,
    dispose: () => {
      controller.dispose();
      disposeRoot();
    },
  };
  return harness;
}

function targetOf(server: { port: number }, displayName = 'Ada'): ConnectTarget {
  return { host: '127.0.0.1', port: server.port, secure: false, displayName };
}

/**
 * Resolves as soon as `check` (reactive: it reads the controller's accessors) holds; rejects
 * with what was awaited and the controller's state if it does not within `timeoutMs`.
 */
function waitFor(controller: ConnectionController, what: string, check: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    createRoot((dispose) => {
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        queueMicrotask(dispose);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        const state = { phase: controller.phase(), session: controller.sessionState(), issue: controller.issue(), attempt: controller.attempt() };
        finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; controller: ${JSON.stringify(state)}`));
      }, timeoutMs);
      createEffect(() => {
        if (check()) finish();
      });
    });
  });
}

const names = (c: ConnectionController) => c.world.tree.map((n) => [n.channel.name, n.users.map((u) => u.displayName)]);

/** A port on which nothing listens: a server that was started there and is gone. */
async function deadPort(): Promise<number> {
  const server = await startServerProcess({ args: ['--log-level', 'warn'] });
  await server.stop();
  return server.port;
}

describe('connection controller (real server)', () => {
  it('connects, exposes the world as a store and the tree in order', async () => {
    const server = await startServer();
    const { controller } = setup();
    const target = targetOf(server);
    await controller.connect(target);
    expect(controller.phase()).toBe('online');
    expect(controller.sessionState()).toBe('online');
    expect(controller.target()).toEqual(target);
    expect(controller.issue()).toBeNull();
    expect(controller.world.serverName).toBe('Lemon Test');
    expect(controller.self()?.displayName).toBe('Ada');
    expect(controller.self()?.channelId).toBe(controller.world.defaultChannelId);
    expect(names(controller)).toEqual([['Lobby', ['Ada']]]);
  });

  it('applies events with reconcile: changed parts update, untouched nodes keep their identity', async () => {
    const server = await startServer();
    const { controller } = setup();
    await controller.connect(targetOf(server));
    const lobbyId = controller.world.defaultChannelId;
    const bob = await otherUser(server, 'Bob');
    const { channel: quiet } = await bob.session.request('channel.create', { parentId: null, name: 'Quiet' });
    await waitFor(controller, 'Bob and Quiet', () => names(controller).length === 2 && controller.world.tree[0]?.users.length === 2);
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada', 'Bob']],
      ['Quiet', []],
    ]);
    const lobbyNode = controller.world.tree[0]!;
    const quietNode = controller.world.tree[1]!;
    const quietChannel = quietNode.channel;
    const quietEntry = controller.world.channels[quiet.id];

    const { channel: chess } = await bob.session.request('channel.create', { parentId: lobbyId, name: 'Chess', description: 'quiet' });
    await bob.session.request('channel.join', { channelId: chess.id });
    await waitFor(controller, 'Bob in Chess', () => controller.world.tree[0]?.children[0]?.users[0]?.displayName === 'Bob');
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada']],
      ['Quiet', []],
    ]);
    expect(controller.world.tree[0]).toBe(lobbyNode);
    expect(controller.world.tree[1]).toBe(quietNode);
    expect(controller.world.tree[1]!.channel).toBe(quietChannel);
    expect(controller.world.channels[chess.id]?.description).toBe('quiet');
    expect(controller.world.channels[quiet.id]).toBe(quietEntry);

    await bob.session.request('channel.join', { channelId: lobbyId });
    await waitFor(controller, 'Bob back in Lobby', () => controller.world.tree[0]?.users.length === 2);
    await bob.session.request('channel.delete', { channelId: chess.id });
    await waitFor(controller, 'Chess gone', () => controller.world.tree[0]?.children.length === 0);
    expect(controller.world.channels[chess.id]).toBeUndefined();
    expect(controller.world.tree[0]).toBe(lobbyNode);
    expect(controller.world.tree[1]).toBe(quietNode);
    expect(controller.world.channels[quiet.id]).toBe(quietEntry);

    bob.session.close();
    await waitFor(controller, 'Bob gone', () => controller.world.tree[0]?.users.length === 1);
    expect(Object.keys(controller.world.users)).toEqual([controller.world.selfId]);
  });

  it('reports an unreachable server on the first attempt instead of retrying', async () => {
    const port = await deadPort();
    const { controller, opened } = setup();
    const failure = await controller.connect(targetOf({ port })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect(controller.phase()).toBe('disconnected');
    expect(controller.issue()).toEqual({ code: 'UNREACHABLE', text: `Could not reach 127.0.0.1:${port}. Check the address and that the server is running.` });
    // Stopped, not waiting for a retry: a closed Session never schedules one.
    expect(controller.sessionState()).toBe('closed');
    expect(controller.retryInSeconds()).toBeNull();
    expect(opened()).toBe(1);
  });

  it('reports a refused first login in words', async () => {
    const server = await startServer();
    // Two real identities crossed: the key of one, the signature of the other.
    const mine = Identity.generate();
    const someoneElse = Identity.generate();
    const crossed: SessionIdentity = { publicKey: mine.publicKey, sign: (message) => someoneElse.sign(message) };
    const { controller } = setup({ identity: crossed });
    await expect(controller.connect(targetOf(server))).rejects.toMatchObject({ code: ErrorCode.BAD_SIGNATURE });
    expect(controller.phase()).toBe('disconnected');
    expect(controller.sessionState()).toBe('closed');
    expect(controller.issue()).toEqual({ code: ErrorCode.BAD_SIGNATURE, text: ERROR_TEXT.BAD_SIGNATURE });
    expect(controller.world.tree).toEqual([]);
  });

  it('says why the server turned the first login away (challenge expired before it was signed)', async () => {
    const dataDir = makeTempDir();
    // The server's shortest allowed login window; it sends CHALLENGE_EXPIRED and closes.
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ limits: { loginTimeoutMs: 100 } }));
    const server = await startServer({ dataDir });
    const real = Identity.generate();
    // A real key on a device too slow to sign within that window (blocks past the deadline).
    const slow: SessionIdentity = {
      publicKey: real.publicKey,
      sign: (message) => {
        const deadline = Date.now() + 300;
        while (Date.now() < deadline) {
          // busy: this device signs slowly
        }
        return real.sign(message);
      },
    };
    const { controller } = setup({ identity: slow });
    await expect(controller.connect(targetOf(server))).rejects.toMatchObject({ code: ErrorCode.CHALLENGE_EXPIRED });
    expect(controller.phase()).toBe('disconnected');
    expect(controller.issue()).toEqual({ code: ErrorCode.CHALLENGE_EXPIRED, text: ERROR_TEXT.CHALLENGE_EXPIRED });
  });

  it('reconnects by itself after the server restarts, keeping the last world meanwhile', async () => {
    const dataDir = makeTempDir();
    const first = await startServer({ dataDir });
    const { controller, notices } = setup();
    await controller.connect(targetOf(first));
    await controller.createChannel({ parentId: null, name: 'Persisted', description: 'stored in SQLite' });
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada']],
      ['Persisted', []],
    ]);
    const lobbyNode = controller.world.tree[0];

    await first.stop();
    await waitFor(controller, 'reconnecting', () => controller.phase() === 'reconnecting');
    expect(notices).toContain('The server is shutting down.');
    expect(controller.issue()).toEqual({ code: ErrorCode.DISCONNECTED, text: ERROR_TEXT.DISCONNECTED });
    expect(controller.retryInSeconds()).not.toBeNull();
    // The last known world stays (the view greys it out).
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada']],
      ['Persisted', []],
    ]);
    await waitFor(controller, 'a second failed attempt', () => controller.attempt() >= 2);
    expect(controller.phase()).toBe('reconnecting');

    const second = await startServer({ dataDir, port: first.port });
    expect(second.port).toBe(first.port);
    await waitFor(controller, 'online again', () => controller.phase() === 'online');
    expect(controller.issue()).toBeNull();
    expect(controller.retryInSeconds()).toBeNull();
    expect(controller.attempt()).toBe(0);
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada']],
      ['Persisted', []],
    ]);
    expect(controller.world.channels[controller.world.tree[1]!.id]?.description).toBe('stored in SQLite');
    // Rebuilt from a new snapshot, yet reconciled into the same nodes.
    expect(controller.world.tree[0]).toBe(lobbyNode);
    // Requests work again.
    await expect(controller.rename('Ada Again')).resolves.toBe('Ada Again');
  });

  it('"reconnect now" skips the wait', async () => {
    const dataDir = makeTempDir();
    const first = await startServer({ dataDir });
    const { controller } = setup({ reconnect: A_MINUTE });
    await controller.connect(targetOf(first));
    const stoppedAt = Date.now();
    await first.stop();
    await waitFor(controller, 'reconnecting', () => controller.phase() === 'reconnecting');
    expect(controller.retryInSeconds()).toBeGreaterThan(30);
    // The scheduled attempt is a minute after the drop (fixed policy, no jitter).
    expect(controller.retryAt()).toBeGreaterThanOrEqual(stoppedAt + 60_000);
    expect(controller.retryAt()).toBeLessThanOrEqual(Date.now() + 60_000);
    await startServer({ dataDir, port: first.port });
    expect(controller.phase()).toBe('reconnecting');
    controller.retryNow();
    // Well before the minute is up.
    await waitFor(controller, 'online after "reconnect now"', () => controller.phase() === 'online', WAIT_MS);
    expect(controller.self()?.displayName).toBe('Ada');
    expect(controller.issue()).toBeNull();
    expect(controller.retryInSeconds()).toBeNull();
    expect(controller.retryAt()).toBeNull();
  });

  it('stops, and says why, when the same identity logs in elsewhere; connecting again takes it back', async () => {
    const server = await startServer();
    const identity = Identity.generate();
    const { controller, notices, opened } = setup({ identity });
    const target = targetOf(server);
    await controller.connect(target);
    const selfId = controller.world.selfId;

    const elsewhere = await otherUser(server, 'Ada elsewhere', identity);
    await waitFor(controller, 'the takeover to stop this connection', () => controller.phase() === 'disconnected');
    expect(controller.issue()).toEqual({ code: ErrorCode.ALREADY_CONNECTED, text: TAKEN_OVER_TEXT });
    expect(controller.sessionState()).toBe('closed');
    expect(controller.retryInSeconds()).toBeNull();
    expect(controller.world.tree).toEqual([]);
    // Explained on the connect screen, not as a separate error notice.
    expect(notices).toEqual([]);
    // No tug of war: the other device is still online after a round trip, and this controller
    // opened no new socket (its Session is closed; a closed Session schedules no retry).
    await elsewhere.session.request('ping', {});
    expect(elsewhere.session.state).toBe('online');
    expect(opened()).toBe(1);
    expect(controller.sessionState()).toBe('closed');

    // Connecting again on purpose takes the identity back (the stopped Session starts over).
    await controller.connect(target);
    expect(controller.world.selfId).toBe(selfId);
    expect(controller.self()?.displayName).toBe('Ada');
    await reachState(elsewhere.session, 'closed');
    expect(opened()).toBe(2);
  });

  it('renames, refusing bad names locally and taken names with the server’s code', async () => {
    const server = await startServer();
    await otherUser(server, 'Cy');
    const { controller } = setup();
    await controller.connect(targetOf(server));
    await expect(controller.rename('  ')).rejects.toMatchObject({ code: ErrorCode.NAME_INVALID });
    const taken = await controller.rename('cy').catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: ErrorCode.NAME_TAKEN });
    expect(describeError(taken)).toBe(ERROR_TEXT.NAME_TAKEN);
    expect(controller.self()?.displayName).toBe('Ada');
    await expect(controller.rename('  Ada   Lovelace ')).resolves.toBe('Ada Lovelace');
    expect(controller.self()?.displayName).toBe('Ada Lovelace');
  });

  it('creates, joins, updates and deletes channels; refusals become ProtocolErrors with words', async () => {
    const server = await startServer();
    const { controller } = setup();
    await controller.connect(targetOf(server));
    const lobbyId = controller.world.defaultChannelId;

    await expect(controller.createChannel({ parentId: null, name: '   ' })).rejects.toMatchObject({ code: ErrorCode.CHANNEL_INVALID });
    const chess = await controller.createChannel({ parentId: lobbyId, name: '  Chess  ', description: '  moves only  ' });
    expect(chess).toMatchObject({ name: 'Chess', description: 'moves only', parentId: lobbyId });
    expect(controller.world.channels[chess.id]?.name).toBe('Chess');
    // CHANNEL_INVALID covers several refusals: the server's message says which one.
    const taken = await controller.createChannel({ parentId: lobbyId, name: 'CHESS' }).catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: ErrorCode.CHANNEL_INVALID });
    expect(describeError(taken)).toMatch(/^A channel with that name already exists/);

    await controller.join(chess.id);
    expect(controller.self()?.channelId).toBe(chess.id);
    expect(names(controller)).toEqual([['Lobby', []]]);
    expect(controller.world.tree[0]?.children[0]?.users.map((u) => u.displayName)).toEqual(['Ada']);

    await expect(controller.updateChannel(chess.id, { name: 'Go' })).resolves.toMatchObject({ name: 'Go' });
    expect(controller.world.channels[chess.id]?.name).toBe('Go');

    const forbidden = await controller.deleteChannel(lobbyId).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(ProtocolError);
    expect(forbidden).toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(describeError(forbidden)).toBe(ERROR_TEXT.FORBIDDEN);
    await expect(controller.join(chess.id + 1000)).rejects.toMatchObject({ code: ErrorCode.NO_SUCH_CHANNEL });

    await expect(controller.deleteChannel(chess.id)).resolves.toEqual([chess.id]);
    expect(controller.world.channels[chess.id]).toBeUndefined();
    expect(controller.self()?.channelId).toBe(lobbyId);
  });

  it('refuses requests while disconnected and forgets the world', async () => {
    const server = await startServer();
    const { controller } = setup();
    await controller.connect(targetOf(server));
    controller.disconnect();
    expect(controller.phase()).toBe('disconnected');
    expect(controller.issue()).toBeNull();
    expect(controller.world.tree).toEqual([]);
    expect(controller.self()).toBeUndefined();
    await expect(controller.join(controller.world.defaultChannelId)).rejects.toMatchObject({ code: ErrorCode.DISCONNECTED });
    await expect(controller.rename('Ada')).rejects.toMatchObject({ code: ErrorCode.DISCONNECTED });
  });
});
