import type { ProtocolError } from '@lemon/protocol';
import { codeOf, nextEvent, sharedServer } from './helpers';

describe('presence and channels', () => {
  const { join } = sharedServer();

  it('tells everyone who connects, moves and disconnects', async () => {
    const ada = await join('Ada');
    const arrived = nextEvent(ada.session, 'user.connected');
    const bob = await join('Bob');
    expect((await arrived).data.user).toMatchObject({ id: bob.identity.userId, displayName: 'Bob' });
    expect(bob.world.users.get(ada.identity.userId)?.displayName).toBe('Ada');

    const { channel } = await ada.session.request('channel.create', { parentId: null, name: 'Games' });
    const moved = nextEvent(ada.session, 'user.moved', (e) => e.data.userId === bob.identity.userId);
    await bob.session.request('channel.join', { channelId: channel.id });
    expect((await moved).data.channelId).toBe(channel.id);
    expect(ada.session.world?.users.get(bob.identity.userId)?.channelId).toBe(channel.id);

    const left = nextEvent(ada.session, 'user.disconnected', (e) => e.data.userId === bob.identity.userId);
    bob.session.close();
    await left;
    expect(ada.session.world?.users.has(bob.identity.userId)).toBe(false);
  });

  it('refuses joining a channel that does not exist', async () => {
    const cy = await join('Cy');
    expect(await codeOf(cy.session.request('channel.join', { channelId: 999_999 }))).toBe('NO_SUCH_CHANNEL');
  });

  it('nests channels, lets only the creator edit or delete, and moves people out of deleted ones', async () => {
    const owner = await join('Owner');
    const other = await join('Other');
    const { channel: top } = await owner.session.request('channel.create', { parentId: null, name: 'Music', description: 'tunes' });
    const { channel: sub } = await owner.session.request('channel.create', { parentId: top.id, name: 'Jazz' });
    expect(sub.parentId).toBe(top.id);
    await other.session.request('channel.join', { channelId: sub.id });

    expect(await codeOf(other.session.request('channel.update', { channelId: top.id, name: 'Mine' }))).toBe('FORBIDDEN');
    expect(await codeOf(other.session.request('channel.delete', { channelId: top.id }))).toBe('FORBIDDEN');
    expect(await codeOf(owner.session.request('channel.update', { channelId: top.id, parentId: sub.id }))).toBe('CHANNEL_INVALID');
    expect(await codeOf(owner.session.request('channel.create', { parentId: top.id, name: 'JAZZ' }))).toBe('CHANNEL_INVALID');
    expect(await codeOf(owner.session.request('channel.delete', { channelId: owner.world.defaultChannelId }))).toBe('FORBIDDEN');

    const updated = nextEvent(other.session, 'channel.updated', (e) => e.data.channel.id === top.id);
    await owner.session.request('channel.update', { channelId: top.id, name: 'Tunes', description: 'all music' });
    expect((await updated).data.channel).toMatchObject({ name: 'Tunes', description: 'all music' });

    const movedOut = nextEvent(other.session, 'user.moved', (e) => e.data.userId === other.identity.userId);
    const deleted = nextEvent(other.session, 'channel.deleted');
    const result = await owner.session.request('channel.delete', { channelId: top.id });
    expect(result.deleted.sort()).toEqual([top.id, sub.id].sort());
    expect((await movedOut).data.channelId).toBe(owner.world.defaultChannelId);
    expect((await deleted).data.channelIds.sort()).toEqual([top.id, sub.id].sort());
    expect(other.session.world?.channels.has(sub.id)).toBe(false);
  });

  it('refuses channel names that are empty or too long and nesting that is too deep', async () => {
    const c = await join('Deep');
    expect(await codeOf(c.session.request('channel.create', { parentId: null, name: '  ' }))).toBe('NAME_INVALID');
    expect(await codeOf(c.session.request('channel.create', { parentId: null, name: 'x'.repeat(65) }))).toBe('NAME_INVALID');
    let parent: number | null = null;
    let code = 'ok';
    for (let depth = 1; depth <= 12 && code === 'ok'; depth++) {
      try {
        const created: { channel: { id: number } } = await c.session.request('channel.create', { parentId: parent, name: `level ${depth}` });
        parent = created.channel.id;
      } catch (e) {
        code = (e as ProtocolError).code;
      }
    }
    expect(code).toBe('CHANNEL_INVALID');
  });

  it('delivers a login snapshot larger than any client frame (regression: 64 KiB limit applied both ways)', async () => {
    const builder = await join('Builder');
    // 512 lemons = 1024 UTF-16 units (the limit) = 2 KiB of UTF-8; 35 of them stay within the rate limit's burst.
    const description = '🍋'.repeat(512);
    for (let i = 0; i < 35; i++) await builder.session.request('channel.create', { parentId: null, name: `room ${i}`, description });
    const late = await join('Late');
    expect([...late.world.channels.values()].filter((c) => c.description === description)).toHaveLength(35);
  });
});
