/**
 * The voice relay through the real server process over the WebSocket path (the fallback when
 * UDP is blocked): frames reach the others in the sender's channel in per-tick batches, never
 * another channel; talking lights follow; muted senders and voice-off channels are silent;
 * garbage is refused without harm. Frames here are opaque bytes — the server never decrypts.
 */
import { decodeVoiceBatch, encodeVoiceEnd, encodeVoiceFrame, type ServerEvent } from '@lemon/protocol';
import { waitUntil } from '@lemon/testing';
import { sharedServer, type TestClient } from './helpers';

interface Listener {
  client: TestClient;
  frames: number[];
  talking: Map<string, boolean>;
}

function listen(client: TestClient): Listener {
  const l: Listener = { client, frames: [], talking: new Map() };
  client.session.on('voice', (packet) => {
    for (const frame of decodeVoiceBatch(packet)) l.frames.push(new DataView(frame.buffer, frame.byteOffset).getUint32(0));
  });
  client.session.on('event', (event: ServerEvent) => {
    if (event.event === 'voice.talking') l.talking.set(event.data.userId, event.data.talking);
  });
  return l;
}

/** A fake encrypted frame carrying a sequence number in its first 4 bytes. */
function frame(seq: number): Uint8Array {
  const bytes = new Uint8Array(80).fill(0xab);
  new DataView(bytes.buffer).setUint32(0, seq);
  return encodeVoiceFrame(bytes);
}

const until = (ls: Listener[], check: () => boolean, what: string) =>
  waitUntil(
    check,
    ls.flatMap((l) => [(f: () => void) => l.client.session.on('voice', f), (f: () => void) => l.client.session.on('event', f)]),
    what,
  );

/**
 * Sends `count` frames at the pace a microphone makes them (one per 20 ms: the relay cuts
 * faster senders down), then a ping, whose answer means the server has read every frame.
 */
async function talk(client: TestClient, from: number, count: number): Promise<void> {
  await new Promise<void>((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      expect(client.session.sendVoice(frame(from + i))).toBe(true);
      if (++i === count) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await client.session.request('ping', {});
}

describe('voice relay over the WebSocket', () => {
  const shared = sharedServer();

  it('relays a speaker to the others in the channel only, lights up talking, and honours mute and voice off', async () => {
    const annL = listen(await shared.join('VAnn'));
    const ann = annL.client;
    const bob = listen(await shared.join('VBob'));
    const cat = listen(await shared.join('VCat'));
    const dan = listen(await shared.join('VDan'));
    const { channel } = await ann.session.request('channel.create', { parentId: null, name: 'Voice Room' });
    const { channel: other } = await ann.session.request('channel.create', { parentId: null, name: 'Other Room' });
    for (const c of [ann, bob.client, cat.client]) await c.session.request('channel.join', { channelId: channel.id });
    await dan.client.session.request('channel.join', { channelId: other.id });
    for (const c of [ann, bob.client, dan.client]) await c.session.request('voice.path', { path: 'websocket' });
    // Cat stays on path "none": she chose not to receive voice.

    await talk(ann, 0, 20);
    await until([bob], () => bob.frames.length === 20, 'all 20 frames at Bob');
    expect(bob.frames).toEqual([...Array(20).keys()]);
    await until([bob, dan], () => bob.talking.get(ann.identity.userId) === true && dan.talking.get(ann.identity.userId) === true, 'talking lights');
    ann.session.sendVoice(encodeVoiceEnd());
    await until([bob], () => bob.talking.get(ann.identity.userId) === false, 'the light going off');
    expect(cat.frames).toEqual([]);
    expect(dan.frames).toEqual([]);

    // Muted: nothing is relayed and nobody lights up.
    await ann.session.request('voice.state', { muted: true, deafened: false });
    await until([bob], () => bob.client.session.world!.users.get(ann.identity.userId)?.muted === true, 'Bob sees Ann muted');
    await talk(ann, 100, 10);
    // Voice off in the channel: same.
    await ann.session.request('voice.state', { muted: false, deafened: false });
    await ann.session.request('channel.update', { channelId: channel.id, voice: false });
    await talk(ann, 200, 10);
    // A ping round trip after the last frame: anything relayed would have been batched by now.
    await ann.session.request('voice.state', { muted: false, deafened: true });
    await until([bob], () => bob.client.session.world!.users.get(ann.identity.userId)?.deafened === true, 'Bob sees Ann deafened');

    // On again: Bob hears Ann, and Ann (deafened) hears nothing from Bob.
    await ann.session.request('channel.update', { channelId: channel.id, voice: true });
    await talk(bob.client, 300, 5);
    await talk(ann, 400, 5);
    await until([bob], () => bob.frames.filter((n) => n >= 400).length === 5, 'Ann again');
    // Batches reach a listener in order, so whatever was relayed while muted or off would be here by now.
    expect(bob.frames.filter((n) => n >= 100 && n < 400)).toEqual([]);
    expect(annL.frames).toEqual([]);
  });

  it('refuses garbage voice packets and closes a connection that keeps sending them', async () => {
    const eve = await shared.join('VEve');
    const closed = new Promise<void>((resolve) => eve.session.on('state', (s) => s !== 'online' && resolve()));
    for (let i = 0; i < 100 && eve.session.state === 'online'; i++) eve.session.sendVoice(Uint8Array.of(99, i));
    await closed;
    // The server is fine: a newcomer logs in and pings.
    const fred = await shared.join('VFred');
    await expect(fred.session.request('ping', {})).resolves.toBeDefined();
  });
});
