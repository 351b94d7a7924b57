import { ErrorCode, ProtocolError, decodeVoiceBatch, encodeVoiceEnd, encodeVoiceFrame, type User } from '@lemon/protocol';
import { TALKING_TIMEOUT_MS, VoiceRelay, type VoiceChannelSettings } from './relay';

const key = 'A'.repeat(43);
const id = (c: string) => c.repeat(32);

function setup() {
  const users = new Map<string, User>();
  const channels = new Map<number, VoiceChannelSettings>([
    [1, { voice: true, bitrate: 48_000 }],
    [2, { voice: true, bitrate: 48_000 }],
    [3, { voice: false, bitrate: 48_000 }],
  ]);
  const sent: { to: string; path: string; frames: number[][]; packet: Uint8Array }[] = [];
  const talking: [string, number, boolean][] = [];
  let sendOk = true;
  const relay = new VoiceRelay({
    usersIn: (channelId) => [...users.values()].filter((u) => u.channelId === channelId),
    user: (userId) => users.get(userId),
    channel: (channelId) => channels.get(channelId) ?? null,
    send: (to, path, packet) => {
      if (sendOk) sent.push({ to, path, frames: decodeVoiceBatch(packet).map((f) => Array.from(f)), packet });
      return sendOk;
    },
    talking: (userId, channelId, on) => talking.push([userId, channelId, on]),
  });
  const add = (c: string, channelId: number, extra: Partial<User> = {}) => {
    users.set(id(c), { id: id(c), displayName: c, publicKey: key, channelId, ...extra });
    relay.setPath(id(c), 'datachannel');
  };
  return { relay, users, channels, sent, talking, add, failSends: () => (sendOk = false) };
}

const frame = (n: number, size = 80) => encodeVoiceFrame(new Uint8Array(size).fill(n));

describe('VoiceRelay', () => {
  it('relays to the others in the sender’s channel only, one packet per listener per tick', () => {
    const t = setup();
    t.add('a', 1);
    t.add('b', 1);
    t.add('c', 1);
    t.add('d', 2);
    t.add('e', 1, { deafened: true });
    t.add('f', 1);
    t.relay.setPath(id('f'), 'none');
    t.add('g', 1);
    t.relay.setPath(id('g'), 'websocket');
    expect(t.relay.uplink(id('a'), frame(1), 0)).toBe(true);
    expect(t.relay.uplink(id('b'), frame(2), 5)).toBe(true);
    t.relay.tick(20);
    const to = (c: string) => t.sent.filter((s) => s.to === id(c));
    expect(to('a')).toHaveLength(1);
    expect(to('a')[0]!.frames.map((f) => f[0])).toEqual([2]);
    expect(to('c')).toHaveLength(1);
    expect(to('c')[0]!.frames.map((f) => f[0])).toEqual([1, 2]);
    expect(to('g')[0]!.path).toBe('websocket');
    for (const nobody of ['d', 'e', 'f']) expect(to(nobody)).toHaveLength(0);
    t.relay.tick(40);
    expect(t.sent).toHaveLength(4);
    // Listeners who hear the same frames share one encoded packet; speakers get their own.
    expect(to('c')[0]!.packet).toBe(to('g')[0]!.packet);
    expect(to('a')[0]!.packet).not.toBe(to('c')[0]!.packet);
  });

  it('does not relay muted senders, channels without voice, or people not present', () => {
    const t = setup();
    t.add('a', 1, { muted: true });
    t.add('b', 1);
    t.add('c', 3);
    t.add('d', 3);
    expect(t.relay.uplink(id('a'), frame(1), 0)).toBe(false);
    expect(t.relay.uplink(id('c'), frame(1), 0)).toBe(false);
    expect(t.relay.uplink(id('z'), frame(1), 0)).toBe(false);
    t.relay.tick(20);
    expect(t.sent).toEqual([]);
    expect(t.relay.stats().droppedNotAllowed).toBe(3);
    expect(t.talking).toEqual([]);
  });

  it('cuts a flooding sender down to its channel bitrate', () => {
    const t = setup();
    t.channels.set(1, { voice: true, bitrate: 16_000 });
    t.add('a', 1);
    t.add('b', 1);
    let relayed = 0;
    // 1000 frames of 200 bytes in one second: 1.6 Mbit/s against a 16 kbit/s channel.
    for (let i = 0; i < 1000; i++) if (t.relay.uplink(id('a'), frame(1, 200), i)) relayed += 1;
    const allowedBytes = (16_000 / 8) * 1.5 * 1.2 + 200;
    expect(relayed * 200).toBeLessThanOrEqual(allowedBytes);
    expect(relayed).toBeGreaterThan(5);
    expect(t.relay.stats().droppedOverRate).toBe(1000 - relayed);
  });

  it('lets a steady speaker at the channel bitrate through completely', () => {
    const t = setup();
    t.add('a', 1);
    t.add('b', 1);
    const bytesPerFrame = (48_000 / 8) * 0.02; // 120 bytes per 20 ms
    let relayed = 0;
    for (let i = 0; i < 500; i++) if (t.relay.uplink(id('a'), frame(1, bytesPerFrame + 20), i * 20)) relayed += 1;
    expect(relayed).toBe(500);
  });

  it('lights up talking on the first frame and turns it off on the end marker or after silence', () => {
    const t = setup();
    t.add('a', 1);
    t.add('b', 1);
    t.relay.uplink(id('a'), frame(1), 0);
    t.relay.uplink(id('a'), frame(2), 20);
    expect(t.talking).toEqual([[id('a'), 1, true]]);
    // Known to whoever comes later (a login mid-sentence lights it up too).
    expect(t.relay.talkers()).toEqual([id('a')]);
    t.relay.uplink(id('a'), encodeVoiceEnd(), 40);
    expect(t.relay.talkers()).toEqual([]);
    expect(t.talking).toEqual([
      [id('a'), 1, true],
      [id('a'), 1, false],
    ]);
    t.relay.uplink(id('a'), frame(3), 100);
    t.relay.tick(100 + TALKING_TIMEOUT_MS - 20);
    expect(t.talking).toHaveLength(3);
    t.relay.tick(100 + TALKING_TIMEOUT_MS);
    expect(t.talking.at(-1)).toEqual([id('a'), 1, false]);
    // Leaving ends it too, once.
    t.relay.uplink(id('a'), frame(4), 1000);
    t.relay.userLeft(id('a'));
    expect(t.talking.filter(([, , on]) => !on)).toHaveLength(3);
  });

  it('refuses malformed packets with a typed error, and counts frames it could not deliver', () => {
    const t = setup();
    t.add('a', 1);
    t.add('b', 1);
    expect(() => t.relay.uplink(id('a'), Uint8Array.of(99, 1, 2), 0)).toThrow(ProtocolError);
    try {
      t.relay.uplink(id('a'), new Uint8Array(0), 0);
    } catch (e) {
      expect((e as ProtocolError).code).toBe(ErrorCode.BAD_FRAME);
    }
    t.failSends();
    t.relay.uplink(id('a'), frame(1), 0);
    t.relay.tick(20);
    expect(t.relay.stats().droppedSendFailed).toBe(1);
  });
});
