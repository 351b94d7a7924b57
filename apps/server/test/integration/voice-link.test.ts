/**
 * VoiceLink (the client's voice transport) through the real server process with real werift
 * peers: it moves onto the data channel when WebRTC works, stays on the WebSocket when it
 * cannot connect, and stop() takes the user off the relay. Frames are opaque bytes carrying a
 * sequence number; the relay forwards them without looking inside.
 */
import { decodeVoiceBatch, encodeVoiceFrame } from '@lemon/protocol';
import { VoiceLink, type PeerConnectionLike } from '@lemon/session';
import { loopbackPeer, waitUntil } from '@lemon/testing';
import { RTCPeerConnection } from 'werift';
import { sharedServer, type TestClient } from './helpers';

interface Person {
  client: TestClient;
  link: VoiceLink;
  /** Sequence numbers of the frames that reached this person through the link. */
  heard: number[];
}

function person(client: TestClient, createPeer: (() => PeerConnectionLike) | null, options: { upgradeTimeoutMs?: number } = {}): Person {
  const link = new VoiceLink({ session: client.session, createPeer, upgradeTimeoutMs: options.upgradeTimeoutMs ?? 20_000, retryDataChannelMs: 60_000 });
  const p: Person = { client, link, heard: [] };
  link.on('packet', (packet) => {
    for (const frame of decodeVoiceBatch(packet)) p.heard.push(new DataView(frame.buffer, frame.byteOffset).getUint32(0));
  });
  return p;
}

/** A fake encrypted frame carrying a sequence number in its first 4 bytes. */
function frame(seq: number): Uint8Array {
  const bytes = new Uint8Array(80).fill(0xab);
  new DataView(bytes.buffer).setUint32(0, seq);
  return encodeVoiceFrame(bytes);
}

/** Sends frames at a microphone's pace (the relay cuts faster senders down). */
function talk(p: Person, from: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const timer = setInterval(() => {
      if (!p.link.send(frame(from + i))) {
        clearInterval(timer);
        reject(new Error(`send of frame ${from + i} refused on path ${p.link.path}`));
        return;
      }
      if (++i === count) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

const hearsAll = (p: Person, from: number, count: number) => () => {
  const got = new Set(p.heard);
  for (let seq = from; seq < from + count; seq++) if (!got.has(seq)) return false;
  return true;
};

const onPath = (ps: Person[], path: string) =>
  waitUntil(() => ps.every((p) => p.link.path === path), ps.map((p) => (f: () => void) => p.link.on('path', f)), `everyone on ${path}`);

const untilHeard = (p: Person, from: number, count: number) =>
  waitUntil(hearsAll(p, from, count), [(f) => p.link.on('packet', f)], `${count} frames from ${from}`);

/** What became of the werift peers a factory made. */
interface PeerLog {
  states: string[];
  changed: Set<() => void>;
}

/**
 * A real werift peer that cannot reach this server: it gathers IPv6 only, while the test
 * server listens on IPv4 loopback only, so no candidate pair can ever work (a client on an
 * IPv6-only network meeting an IPv4-only voice server).
 */
function wrongFamilyPeer(log: PeerLog): () => PeerConnectionLike {
  return () => {
    const pc = new RTCPeerConnection({ iceServers: [], iceUseIpv4: false, iceUseIpv6: true });
    pc.connectionStateChange.subscribe((state) => {
      log.states.push(state);
      log.changed.forEach((f) => f());
    });
    return pc;
  };
}

/** Fewer than sent may arrive over unreliable UDP on a busy machine; this many must. */
const FRAMES = 25;

describe('VoiceLink through the real server', () => {
  const shared = sharedServer();
  const people: Person[] = [];
  afterEach(async () => {
    await Promise.all(people.splice(0).map((p) => p.link.stop()));
  });

  async function room(names: string[], factories: ((() => PeerConnectionLike) | null)[], options: { upgradeTimeoutMs?: number }[] = []): Promise<Person[]> {
    const clients = await Promise.all(names.map((n) => shared.join(n)));
    const { channel } = await clients[0]!.session.request('channel.create', { parentId: null, name: `Room ${names.join(' ')}` });
    for (const c of clients) await c.session.request('channel.join', { channelId: channel.id });
    const ps = clients.map((c, i) => person(c, factories[i]!, options[i]));
    people.push(...ps);
    return ps;
  }

  it('moves onto the data channel (werift) and carries voice both ways there', async () => {
    const [ann, bob] = await room(['LAnn', 'LBob'], [loopbackPeer, loopbackPeer]);
    const paths: string[] = [];
    ann!.link.on('path', (p) => paths.push(p));
    ann!.link.start();
    bob!.link.start();
    await onPath([ann!, bob!], 'datachannel');
    expect(paths).toEqual(['websocket', 'datachannel']);

    await Promise.all([talk(ann!, 1000, FRAMES), talk(bob!, 2000, FRAMES)]);
    // Unordered, no retransmits: allow a lost datagram, but nearly all must arrive.
    await waitUntil(
      () => bob!.heard.filter((s) => s >= 1000 && s < 1000 + FRAMES).length >= FRAMES - 2 && ann!.heard.filter((s) => s >= 2000 && s < 2000 + FRAMES).length >= FRAMES - 2,
      [ann!, bob!].map((p) => (f: () => void) => p.link.on('packet', f)),
      'the frames over the data channels',
    );
    for (const p of [ann!, bob!]) {
      expect(p.link.stats).toMatchObject({ sent: { websocket: 0, datachannel: FRAMES }, received: { websocket: 0 }, upgrades: 1, failures: 0 });
      expect(p.link.stats.received.datachannel).toBeGreaterThan(0);
    }
  });

  it('stays on the WebSocket when its peer cannot connect, and voice still flows both ways', async () => {
    const log: PeerLog = { states: [], changed: new Set() };
    const [cid, dan] = await room(['LCid', 'LDan'], [wrongFamilyPeer(log), loopbackPeer], [{ upgradeTimeoutMs: 1_500 }, {}]);
    const paths: string[] = [];
    cid!.link.on('path', (p) => paths.push(p));
    cid!.link.start();
    dan!.link.start();
    await onPath([dan!], 'datachannel');
    expect(cid!.link.path).toBe('websocket');

    // The attempt really ran and really failed: ICE never connected, the link gave up and
    // closed the peer, and never left the WebSocket.
    await waitUntil(
      () => cid!.link.stats.failures >= 1 && log.states.includes('closed'),
      [
        (f) => {
          log.changed.add(f);
          return () => log.changed.delete(f);
        },
      ],
      'the data-channel attempt to fail',
    );
    expect(cid!.link.stats.upgradeAttempts).toBe(1);
    expect(log.states).not.toContain('connected');
    expect(paths).toEqual(['websocket']);

    await Promise.all([talk(cid!, 3000, FRAMES), talk(dan!, 4000, FRAMES)]);
    await waitUntil(
      () => hearsAll(cid!, 4000, FRAMES)() && dan!.heard.filter((s) => s >= 3000 && s < 3000 + FRAMES).length >= FRAMES - 2,
      [cid!, dan!].map((p) => (f: () => void) => p.link.on('packet', f)),
      'the frames across the two paths',
    );
    expect(cid!.link.stats).toMatchObject({ sent: { websocket: FRAMES, datachannel: 0 }, received: { datachannel: 0 }, upgrades: 0 });
    expect(cid!.link.stats.received.websocket).toBeGreaterThan(0);
  });

  it('stop() takes the user off the relay: the others still hear, they no longer do', async () => {
    const [eve, fay, gus] = await room(['LEve', 'LFay', 'LGus'], [null, null, null]);
    for (const p of [eve!, fay!, gus!]) p.link.start();
    await onPath([eve!, fay!, gus!], 'websocket');
    // voice.path is fire and forget; a ping answered means the server has applied it.
    await Promise.all([eve!, fay!, gus!].map((p) => p.client.session.request('ping', {})));

    await talk(fay!, 5000, 10);
    await waitUntil(() => hearsAll(eve!, 5000, 10)() && hearsAll(gus!, 5000, 10)(), [eve!, gus!].map((p) => (f: () => void) => p.link.on('packet', f)), 'the first frames');

    let eveRaw = 0;
    eve!.client.session.on('voice', () => (eveRaw += 1));
    await eve!.link.stop();
    expect(eve!.link.path).toBe('off');
    await eve!.client.session.request('ping', {});

    await talk(fay!, 6000, 10);
    // Gus hears every frame, so the relay has sent all it would send; Eve got none of it.
    await untilHeard(gus!, 6000, 10);
    // Asked after Gus had them, so answered after anything the same tick sent Eve.
    await eve!.client.session.request('ping', {});
    expect(eveRaw).toBe(0);
    expect(eve!.heard.some((s) => s >= 6000)).toBe(false);
    expect(eve!.link.send(frame(1))).toBe(false);
  });
});
