import { Identity } from '@lemon/crypto-wasm';
import { connectClient, initCrypto, makeTempDir, removeTempDirs, startServerProcess } from './helpers';

describe('persistence across restarts', () => {
  beforeAll(initCrypto);
  afterAll(removeTempDirs);

  it('keeps users, names and the channel tree after SIGTERM and a new start on the same data folder', async () => {
    const dataDir = makeTempDir();
    const identity = Identity.generate();
    const first = await startServerProcess({ dataDir });
    const ada = await connectClient(first.wsUrl, 'Ada', { identity });
    await ada.session.request('user.rename', { displayName: 'Ada L' });
    const { channel: top } = await ada.session.request('channel.create', { parentId: null, name: 'Projects', description: 'work' });
    const { channel: sub } = await ada.session.request('channel.create', { parentId: top.id, name: 'Lemon' });

    const shutdownSeen = new Promise<string>((resolve) =>
      ada.session.on('event', (e) => {
        if (e.event === 'server.shutdown') resolve(e.data.reason);
      }),
    );
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await shutdownSeen).toBe('shutdown');
    ada.session.close();

    const second = await startServerProcess({ dataDir });
    try {
      const back = await connectClient(second.wsUrl, 'Whatever', { identity });
      expect(back.world.users.get(identity.userId)?.displayName).toBe('Ada L');
      expect(back.world.channels.get(top.id)).toMatchObject({ name: 'Projects', description: 'work', parentId: null });
      expect(back.world.channels.get(sub.id)).toMatchObject({ name: 'Lemon', parentId: top.id });
      // The server's own identity survives too: logins are still signed over the same key.
      expect(back.session.server?.serverKey).toEqual(ada.session.server?.serverKey);
      back.session.close();
    } finally {
      await second.stop();
    }
  });
});
