import { toBase64Url } from '@lemon/protocol';
import { Conversations, channelConversation } from './conversations';

const id = (n: number) => toBase64Url(new Uint8Array(16).fill(n));
const room = channelConversation(1);

describe('Conversations', () => {
  it('counts unread messages from others, not our own, until read', () => {
    const c = new Conversations();
    c.apply(room, 'ann', { t: 'text', id: id(1), text: 'hi' }, 1, false);
    c.apply(room, 'me', { t: 'text', id: id(2), text: 'hello' }, 2, true);
    c.apply(room, 'ann', { t: 'poke', id: id(3), text: 'psst' }, 3, false);
    expect(c.unreadCount(room)).toBe(2);
    c.markRead(room);
    expect(c.unreadCount(room)).toBe(0);
    expect(c.entries(room).map((e) => e.kind)).toEqual(['text', 'text', 'poke']);
  });

  it('applies edits and deletes only from the author of the original', () => {
    const c = new Conversations();
    c.apply(room, 'ann', { t: 'text', id: id(1), text: 'original' }, 1, false);
    expect(c.apply(room, 'bob', { t: 'edit', id: id(2), target: id(1), text: 'forged' }, 2, false)).toBeNull();
    expect(c.apply(room, 'bob', { t: 'delete', id: id(3), target: id(1) }, 3, false)).toBeNull();
    expect(c.entries(room)[0]).toMatchObject({ text: 'original', edited: false, deleted: false });
    c.apply(room, 'ann', { t: 'edit', id: id(4), target: id(1), text: 'better' }, 4, false);
    expect(c.entries(room)[0]).toMatchObject({ text: 'better', edited: true });
    c.apply(room, 'ann', { t: 'delete', id: id(5), target: id(1) }, 5, false);
    expect(c.entries(room)[0]).toMatchObject({ text: '', deleted: true });
    expect(c.apply(room, 'ann', { t: 'edit', id: id(6), target: id(1), text: 'back' }, 6, false)).toBeNull();
  });

  it('ignores a repeated message id (a replayed delivery)', () => {
    const c = new Conversations();
    expect(c.apply(room, 'ann', { t: 'text', id: id(1), text: 'once' }, 1, false)).not.toBeNull();
    expect(c.apply(room, 'ann', { t: 'text', id: id(1), text: 'twice' }, 2, false)).toBeNull();
    expect(c.entries(room)).toHaveLength(1);
  });
});
