/**
 * Admins are user ids given with --admin (no password anywhere). They may change and
 * delete anybody's channels and edit the Lobby; nobody may delete the Lobby or move it.
 */
import { Identity } from '@lemon/crypto-wasm';
import type { ProtocolError } from '@lemon/protocol';
import { connectClient, initCrypto, nextEvent, removeTempDirs, startServerProcess } from './integration/helpers';

type TestClient = Awaited<ReturnType<typeof connectClient>>;

describe('server admins', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let admin: TestClient;
  let user: TestClient;
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: ProtocolError) => e.code);

  beforeAll(async () => {
    await initCrypto();
    const adminIdentity = Identity.generate();
    server = await startServerProcess({ args: ['--admin', adminIdentity.userId] });
    admin = await connectClient(server.wsUrl, 'Root', { identity: adminIdentity });
    user = await connectClient(server.wsUrl, 'Plain');
  });
  afterAll(async () => {
    admin.session.close();
    user.session.close();
    await server.stop();
    removeTempDirs();
  });

  it('may rename and describe the Lobby; others may not', async () => {
    const lobby = admin.world.defaultChannelId;
    expect(await codeOf(user.session.request('channel.update', { channelId: lobby, name: 'Mine' }))).toBe('FORBIDDEN');
    const seen = nextEvent(user.session, 'channel.updated', (e) => e.data.channel.id === lobby);
    const { channel } = await admin.session.request('channel.update', { channelId: lobby, name: 'Welcome', description: 'start here' });
    expect(channel).toMatchObject({ id: lobby, name: 'Welcome', description: 'start here', parentId: null });
    expect((await seen).data.channel.name).toBe('Welcome');
  });

  it('may not move the Lobby below another channel or delete it', async () => {
    const lobby = admin.world.defaultChannelId;
    const { channel } = await admin.session.request('channel.create', { parentId: null, name: 'Elsewhere' });
    expect(await codeOf(admin.session.request('channel.update', { channelId: lobby, parentId: channel.id }))).toBe('CHANNEL_INVALID');
    expect(await codeOf(admin.session.request('channel.delete', { channelId: lobby }))).toBe('FORBIDDEN');
  });

  it("may change and delete other people's channels", async () => {
    const { channel } = await user.session.request('channel.create', { parentId: null, name: 'Users Room' });
    const { channel: renamed } = await admin.session.request('channel.update', { channelId: channel.id, name: 'Moderated' });
    expect(renamed.name).toBe('Moderated');
    await expect(admin.session.request('channel.delete', { channelId: channel.id })).resolves.toEqual({ deleted: [channel.id] });
  });

  it('reorders siblings and tells everyone each new position', async () => {
    const names = ['One', 'Two', 'Three'];
    const ids: number[] = [];
    for (const name of names) ids.push((await admin.session.request('channel.create', { parentId: null, name: `Order ${name}` })).channel.id);
    const last = ids[2]!;
    const updates = new Map<number, number>();
    const all = new Promise<void>((resolve) => {
      const off = user.session.on('event', (e) => {
        if (e.event !== 'channel.updated') return;
        updates.set(e.data.channel.id, e.data.channel.position);
        if (ids.every((id) => updates.has(id))) {
          off();
          resolve();
        }
      });
    });
    const { channel } = await admin.session.request('channel.update', { channelId: last, position: 0 });
    expect(channel.position).toBe(0);
    await all;
    expect(updates.get(last)).toBe(0);
    const positions = [...user.session.world!.channels.values()].filter((c) => c.parentId === null).map((c) => c.position).sort((a, b) => a - b);
    expect(positions).toEqual(positions.map((_, i) => i)); // still dense, no duplicates
  });
});
