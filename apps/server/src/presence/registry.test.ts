import { decodeServerFrame, eventsFrame } from '@lemon/protocol';
import { broadcastEvent } from './broadcast';
import { InMemoryPresence, type Member } from './registry';

function member(userId: string): Member & { frames: string[]; closed: Array<[number, string]> } {
  const frames: string[] = [];
  const closed: Array<[number, string]> = [];
  return {
    userId,
    publicKey: 'A'.repeat(43),
    frames,
    closed,
    send: (frame) => frames.push(String(frame)),
    sendEvent: (body) => frames.push(eventsFrame([body])),
    close: (code, reason) => closed.push([code, reason]),
  };
}

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('InMemoryPresence', () => {
  it('tracks who is where', () => {
    const presence = new InMemoryPresence();
    const a = member(A);
    presence.join(a, 'Alice', 1);
    presence.join(member(B), 'Bob', 1);
    expect(presence.size).toBe(2);
    expect(presence.get(A)?.user).toEqual({ id: A, displayName: 'Alice', publicKey: a.publicKey, channelId: 1 });
    presence.move(A, 2);
    presence.rename(A, 'Alicia');
    expect(presence.get(A)?.user).toMatchObject({ displayName: 'Alicia', channelId: 2 });
    expect(presence.inChannel(1).map((p) => p.user.id)).toEqual([B]);
    expect(presence.inChannel(2).map((p) => p.user.id)).toEqual([A]);
    expect(presence.all().map((p) => p.user.id).sort()).toEqual([A, B]);
  });

  it('refuses a second entry for the same user', () => {
    const presence = new InMemoryPresence();
    presence.join(member(A), 'Alice', 1);
    expect(() => presence.join(member(A), 'Alice', 1)).toThrow();
  });

  it('lets only the current connection of a user leave', () => {
    const presence = new InMemoryPresence();
    const old = member(A);
    presence.join(old, 'Alice', 1);
    expect(presence.leave(old)).toBe(true);
    const fresh = member(A);
    presence.join(fresh, 'Alice', 1);
    // The replaced connection closing later must not remove the new one.
    expect(presence.leave(old)).toBe(false);
    expect(presence.get(A)?.member).toBe(fresh);
  });

  it('frees everything when the last user leaves', () => {
    const presence = new InMemoryPresence();
    const members = Array.from({ length: 100 }, (_, i) => member(i.toString(16).padStart(32, '0')));
    members.forEach((m, i) => presence.join(m, `u${i}`, i % 7));
    members.forEach((m) => presence.leave(m));
    expect(presence.size).toBe(0);
    for (let c = 0; c < 7; c++) expect(presence.inChannel(c)).toEqual([]);
    // The per-channel index is empty too (no sets left behind for empty channels).
    expect((presence as unknown as { byChannel: Map<number, Set<string>> }).byChannel.size).toBe(0);
  });
});

describe('broadcastEvent', () => {
  it('sends one encoded event to everyone but the excepted user', () => {
    const presence = new InMemoryPresence();
    const a = member(A);
    const b = member(B);
    presence.join(a, 'Alice', 1);
    presence.join(b, 'Bob', 1);
    expect(broadcastEvent(presence, 'user.moved', { userId: A, channelId: 1 }, { exceptUserId: A })).toBe(1);
    expect(a.frames).toEqual([]);
    expect(b.frames).toHaveLength(1);
    const decoded = decodeServerFrame(b.frames[0]!);
    expect(decoded.ok && decoded.value).toEqual({ kind: 'event', event: 'user.moved', data: { userId: A, channelId: 1 } });
  });
});
