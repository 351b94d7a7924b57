import { createRoot } from 'solid-js';
import { ERROR_TEXT, ErrorCode, ProtocolError } from '@lemon/protocol';
import { Session } from '@lemon/session';
import { createConnectionController, type ConnectionController } from './controller';
import { FakeServer } from './fake-server';

const identity = { publicKey: new Uint8Array(32).fill(1), sign: () => new Uint8Array(64) };
const target = { host: '127.0.0.1', port: 4747, secure: false, displayName: 'Ada' };

function setup(server = new FakeServer()) {
  const notices: string[] = [];
  let dispose!: () => void;
  const controller = createRoot((d) => {
    dispose = d;
    return createConnectionController({
      identity: () => identity,
      createSocket: server.createSocket,
      // Fast, deterministic backoff for tests.
      createSession: (options) => new Session({ ...options, reconnect: { initialMs: 20, maxMs: 40, factor: 2, jitter: 0 }, keepAliveMs: 60_000 }),
      notify: (text) => notices.push(text),
      tickMs: 5,
    });
  });
  return { server, controller, notices, dispose: () => (controller.dispose(), dispose()) };
}

/** Resolves when `check` holds (polled; bounded). */
async function until(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

let current: ReturnType<typeof setup> | undefined;
afterEach(() => current?.dispose());

async function online(): Promise<ReturnType<typeof setup>> {
  current = setup();
  await current.controller.connect(target);
  return current;
}

const names = (c: ConnectionController) => c.world.tree.map((n) => [n.channel.name, n.users.map((u) => u.displayName)]);

describe('connection controller', () => {
  it('connects, exposes the world as a store and the tree in order', async () => {
    const { controller } = await online();
    expect(controller.phase()).toBe('online');
    expect(controller.sessionState()).toBe('online');
    expect(controller.world.serverName).toBe('Fake');
    expect(controller.self()?.displayName).toBe('Ada');
    expect(names(controller)).toEqual([['Lobby', ['Ada']]]);
  });

  it('applies events with reconcile: changed parts update, untouched nodes keep their identity', async () => {
    const { controller, server } = await online();
    const lobbyBefore = controller.world.tree[0];
    server.emit('channel.created', { channel: { id: 2, parentId: 1, name: 'Chess', description: 'quiet', position: 0 } });
    server.emit('user.connected', { user: { id: 'b'.repeat(32), displayName: 'Bob', publicKey: server.self().publicKey, channelId: 2 } });
    await until(() => controller.world.tree[0]?.children.length === 1 && controller.world.tree[0]!.children[0]!.users.length === 1, 'Bob in Chess');
    expect(controller.world.tree[0]).toBe(lobbyBefore);
    expect(controller.world.channels[2]?.description).toBe('quiet');
    server.emit('user.moved', { userId: 'b'.repeat(32), channelId: 1 });
    await until(() => controller.world.tree[0]!.users.length === 2, 'Bob back in Lobby');
    server.emit('channel.deleted', { channelIds: [2] });
    await until(() => controller.world.tree[0]!.children.length === 0, 'Chess gone');
    expect(controller.world.channels[2]).toBeUndefined();
  });

  it('reports an unreachable server on the first attempt instead of retrying blindly', async () => {
    current = setup();
    current.server.up = false;
    await expect(current.controller.connect(target)).rejects.toBeInstanceOf(ProtocolError);
    expect(current.controller.phase()).toBe('disconnected');
    expect(current.controller.issue()).toEqual({ code: 'UNREACHABLE', text: 'Could not reach 127.0.0.1:4747. Check the address and that the server is running.' });
    expect(current.server.sockets).toHaveLength(1);
  });

  it('reports a refused first login in words', async () => {
    current = setup();
    current.server.loginError = ErrorCode.NAME_INVALID;
    await expect(current.controller.connect(target)).rejects.toMatchObject({ code: ErrorCode.NAME_INVALID });
    expect(current.controller.issue()).toEqual({ code: ErrorCode.NAME_INVALID, text: ERROR_TEXT.NAME_INVALID });
  });

  it('reconnects by itself after a drop, counting down, keeping the last world meanwhile', async () => {
    const { controller, server } = await online();
    server.up = false;
    server.live!.drop();
    await until(() => controller.phase() === 'reconnecting', 'reconnecting');
    expect(controller.retryInSeconds()).not.toBeNull();
    expect(controller.issue()?.text).toBe('The connection to the server was lost.');
    expect(names(controller)).toEqual([['Lobby', ['Ada']]]);
    await until(() => controller.attempt() >= 2, 'a second failed attempt');
    server.up = true;
    server.channels.push({ id: 5, parentId: null, name: 'Later', description: '', position: 1 });
    await until(() => controller.phase() === 'online', 'online again');
    expect(controller.issue()).toBeNull();
    expect(controller.retryInSeconds()).toBeNull();
    expect(names(controller)).toEqual([
      ['Lobby', ['Ada']],
      ['Later', []],
    ]);
  });

  it('stops (no tug of war) when the same identity logs in elsewhere', async () => {
    const { controller, server } = await online();
    server.live!.deliver(JSON.stringify({ v: 1, kind: 'error', id: null, error: { code: 'ALREADY_CONNECTED', message: 'x' } }));
    await until(() => controller.phase() === 'disconnected', 'disconnected');
    expect(controller.issue()?.code).toBe(ErrorCode.ALREADY_CONNECTED);
    const count = server.sockets.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.sockets).toHaveLength(count);
  });

  it('renames, refusing bad names locally and taken names with the server’s code', async () => {
    const { controller, server } = await online();
    server.others.push({ id: 'c'.repeat(32), displayName: 'Cy', publicKey: server.self().publicKey, channelId: 1 });
    await expect(controller.rename('  ')).rejects.toMatchObject({ code: ErrorCode.NAME_INVALID });
    await expect(controller.rename('cy')).rejects.toMatchObject({ code: ErrorCode.NAME_TAKEN });
    await expect(controller.rename('  Ada   Lovelace ')).resolves.toBe('Ada Lovelace');
    expect(controller.self()?.displayName).toBe('Ada Lovelace');
  });

  it('turns server refusals into ProtocolErrors and refuses requests while offline', async () => {
    const { controller } = await online();
    await expect(controller.deleteChannel(1)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    controller.disconnect();
    expect(controller.phase()).toBe('disconnected');
    expect(controller.world.tree).toEqual([]);
    await expect(controller.join(1)).rejects.toMatchObject({ code: ErrorCode.DISCONNECTED });
  });
});
