/**
 * Session rules of the real server process: duplicate logins replace the older connection,
 * malformed keys, the login deadline, keep-alive of dead peers, and the ordering promise
 * (events caused by a request arrive before its response).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Identity } from '@lemon/crypto-wasm';
import { decodeServerFrame, encodeRequest, serverAddressOf, toBase64Url, type ServerMessage } from '@lemon/protocol';
import { initCrypto, loginFrame, makeTempDir, openRaw, removeTempDirs, startServerProcess, type Hello, type RawSocket } from './integration/helpers';

type Server = Awaited<ReturnType<typeof startServerProcess>>;
type Snapshot = { self: { id: string; channelId: number }; defaultChannelId: number; users: Array<{ id: string }> };

/**
 * Only the tests that are about these deadlines run against a server with short ones: a
 * stall of the (busy) test machine longer than a ping round would otherwise drop observer
 * sockets in unrelated tests. The keep-alive server's round is long enough that its own
 * observer survives a stall of about a second, short enough that the test stays quick.
 */
const LOGIN_TIMEOUT_MS = 1500;
const PING_INTERVAL_MS = 1000;

const sockets: RawSocket[] = [];

beforeAll(initCrypto);
afterEach(() => sockets.splice(0).forEach((s) => s.close()));
afterAll(removeTempDirs);

/** A server of its own for the describe block calling this, started before its tests. */
function serverFor(limits?: Record<string, number>): () => Server {
  let server: Server | null = null;
  beforeAll(async () => {
    server = await startServerProcess(limits ? { args: ['--config', writeConfig({ limits })] } : {});
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the server is not started yet');
    return server;
  };
}

/** Default settings (ping every 30 s, a minute to log in) for everything else. */
const server = serverFor();

function writeConfig(config: unknown): string {
  const path = join(makeTempDir('lemon-config-'), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const answerTo = (raw: RawSocket, id: number) => raw.take((m) => (m.kind === 'response' || m.kind === 'error') && m.id === id);

async function login(
  server: Server,
  name: string,
  identity = Identity.generate(),
): Promise<{ raw: RawSocket; snapshot: Snapshot; identity: Identity }> {
  const { raw, hello } = await openRaw(server.wsUrl);
  sockets.push(raw);
  raw.send(loginFrame(1, hello, identity, { displayName: name }));
  const answer = await answerTo(raw, 1);
  if (answer.kind !== 'response') throw new Error(`login failed: ${JSON.stringify(answer)}`);
  return { raw, snapshot: answer.result as Snapshot, identity };
}

function eventsIn(raw: RawSocket, name: string): ServerMessage[] {
  return raw.messages.filter((m) => m.kind === 'event' && m.event === name);
}

describe('a second login of the same identity', () => {
  it('replaces the older connection, and everyone sees it leave and come back', async () => {
    const observer = await login(server(), 'Observer');
    const identity = Identity.generate();
    const first = await login(server(), 'Roamer', identity);
    await observer.raw.take((m) => m.kind === 'event' && m.event === 'user.connected');

    const second = await login(server(), 'Roamer', identity);
    expect(second.snapshot.self.id).toBe(identity.userId);
    expect(second.snapshot.users.filter((u) => u.id === identity.userId)).toHaveLength(1);

    const kicked = await first.raw.error(null);
    expect(kicked.code).toBe('ALREADY_CONNECTED');
    expect(await first.raw.closed).toEqual({ code: 1000, reason: 'ALREADY_CONNECTED' });

    const left = await observer.raw.take((m) => m.kind === 'event' && m.event === 'user.disconnected');
    const back = await observer.raw.take((m) => m.kind === 'event' && m.event === 'user.connected');
    expect(left).toMatchObject({ data: { userId: identity.userId } });
    expect(back).toMatchObject({ data: { user: { id: identity.userId, displayName: 'Roamer' } } });

    // The old socket closing later does not take the new session offline.
    observer.raw.send(encodeRequest(2, 'ping', {}));
    await answerTo(observer.raw, 2);
    expect(eventsIn(observer.raw, 'user.disconnected')).toEqual([]);
    second.raw.send(encodeRequest(2, 'ping', {}));
    expect((await answerTo(second.raw, 2)).kind).toBe('response');
  });
});

describe('login failures', () => {
  it.each([
    ['the identity point (small order)', Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0))],
    ['a non-canonical encoding', new Uint8Array(32).fill(0xff)],
  ])('refuse %s as a public key with BAD_SIGNATURE and close the socket', async (_what, key) => {
    const { raw, hello } = await openRaw(server().wsUrl);
    sockets.push(raw);
    raw.send(
      encodeRequest(1, 'auth.login', {
        publicKey: toBase64Url(key),
        challenge: hello.data.challenge,
        signature: toBase64Url(new Uint8Array(64)),
        address: serverAddressOf(server().wsUrl),
        displayName: 'Forger',
      }),
    );
    expect((await raw.error(1)).code).toBe('BAD_SIGNATURE');
    expect(await raw.closed).toEqual({ code: 1008, reason: 'BAD_SIGNATURE' });
  });

  it('consume the challenge: a correct login after a failed one on the same socket is impossible', async () => {
    const { raw, hello } = await openRaw(server().wsUrl);
    sockets.push(raw);
    const identity = Identity.generate();
    raw.send(loginFrame(1, hello, identity, { signer: Identity.generate() }));
    raw.send(loginFrame(2, hello, identity));
    expect((await raw.error(1)).code).toBe('BAD_SIGNATURE');
    await raw.closed;
    expect(raw.messages.some((m) => m.kind === 'response')).toBe(false);
  });

});

describe('the login deadline', () => {
  const server = serverFor({ loginTimeoutMs: LOGIN_TIMEOUT_MS });

  it('closes a connection that does not log in before its challenge expires', async () => {
    const { raw, hello } = await openRaw(server().wsUrl);
    sockets.push(raw);
    expect(hello.data.challengeExpiresInMs).toBeLessThanOrEqual(LOGIN_TIMEOUT_MS);
    expect((await raw.error(null, LOGIN_TIMEOUT_MS + 10_000)).code).toBe('CHALLENGE_EXPIRED');
    expect(await raw.closed).toEqual({ code: 1008, reason: 'CHALLENGE_EXPIRED' });
  });
});

describe('keep-alive', () => {
  const server = serverFor({ pingIntervalMs: PING_INTERVAL_MS });

  it('terminates a peer that stops answering pings, and tells everyone it left', async () => {
    const observer = await login(server(), 'Watcher');
    const ws = new WebSocket(server().wsUrl, { autoPong: false });
    const frames: ServerMessage[] = [];
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const hello = await new Promise<Hello>((resolve, reject) => {
      ws.on('message', (data) => {
        const decoded = decodeServerFrame(data.toString());
        if (!decoded.ok) return;
        frames.push(decoded.value);
        if (decoded.value.kind === 'event' && decoded.value.event === 'server.hello') resolve(decoded.value as Hello);
      });
      ws.once('error', reject);
    });
    const identity = Identity.generate();
    ws.send(loginFrame(1, hello, identity, { displayName: 'Sleeper', address: serverAddressOf(server().wsUrl) }));
    const left = await observer.raw.take(
      (m) => m.kind === 'event' && m.event === 'user.disconnected' && m.data.userId === identity.userId,
      20 * PING_INTERVAL_MS + 10_000,
    );
    expect(left).toBeTruthy();
    expect(frames.some((m) => m.kind === 'response' && m.id === 1)).toBe(true);
    expect(await closed).toBe(1006); // cut without a closing handshake
    // The watcher answered every ping (ws does by default) and is still served.
    observer.raw.send(encodeRequest(2, 'ping', {}));
    expect((await answerTo(observer.raw, 2)).kind).toBe('response');
  });
});

describe('ordering', () => {
  it('delivers the events a request causes before its response, and none for a no-op join', async () => {
    const ada = await login(server(), 'Orderly Ada');
    const bob = await login(server(), 'Orderly Bob');
    ada.raw.send(encodeRequest(2, 'channel.create', { parentId: null, name: 'Order' }));
    const created = await answerTo(ada.raw, 2);
    const channelId = (created as { result: { channel: { id: number } } }).result.channel.id;
    expect(eventsIn(ada.raw, 'channel.created')).toHaveLength(1);

    ada.raw.messages.splice(0);
    ada.raw.send(encodeRequest(3, 'channel.join', { channelId }));
    await ada.raw.take((m) => m.kind === 'response' && m.id === 3);
    // Taken the moment the response arrived: the event must already be there.
    expect(eventsIn(ada.raw, 'user.moved')).toMatchObject([{ data: { userId: ada.identity.userId, channelId } }]);
    await bob.raw.take((m) => m.kind === 'event' && m.event === 'user.moved');

    // Joining the channel you are in: success, and nobody hears about it.
    ada.raw.send(encodeRequest(4, 'channel.join', { channelId }));
    expect(await answerTo(ada.raw, 4)).toMatchObject({ kind: 'response', result: { channelId } });
    bob.raw.send(encodeRequest(2, 'ping', {}));
    await answerTo(bob.raw, 2);
    expect(eventsIn(bob.raw, 'user.moved')).toEqual([]);
  });
});
