import type { ServerEvent } from '@lemon/protocol';
import { Emitter } from './emitter';
import type { SessionEvents, SessionState } from './session';
import { VoiceLink, type DataChannelLike, type IceCandidateLike, type PeerConnectionLike, type VoiceLinkPath } from './voice-link';

/** Stands in for Session: records requests, lets the test play the server. */
class FakeSession extends Emitter<SessionEvents> {
  state: SessionState = 'online';
  requests: { type: string; data: unknown }[] = [];
  voiceSent: Uint8Array[] = [];
  failRequests = new Set<string>();

  request(type: string, data: unknown): Promise<never> {
    this.requests.push({ type, data });
    return (this.failRequests.has(type) ? Promise.reject(new Error('refused')) : Promise.resolve({})) as Promise<never>;
  }

  sendVoice(packet: Uint8Array): boolean {
    if (this.state !== 'online') return false;
    this.voiceSent.push(packet);
    return true;
  }

  serverEvent(event: ServerEvent['event'], data: unknown): void {
    this.emit('event', { event, data } as ServerEvent);
  }

  fire<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.emit(event, ...args);
  }

  paths(): unknown[] {
    return this.requests.filter((r) => r.type === 'voice.path').map((r) => (r.data as { path: string }).path);
  }

  count(type: string): number {
    return this.requests.filter((r) => r.type === type).length;
  }
}

class FakeChannel implements DataChannelLike {
  readyState = 'connecting';
  binaryType?: string;
  onopen?: ((event: unknown) => unknown) | null;
  onclose?: ((event: unknown) => unknown) | null;
  onmessage?: ((event: { data: unknown }) => unknown) | null;
  sent: unknown[] = [];
  send(data: string | ArrayBufferView): void {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(data);
  }
  open(): void {
    this.readyState = 'open';
    this.onopen?.({});
  }
  closeRemotely(): void {
    this.readyState = 'closed';
    this.onclose?.({});
  }
}

class FakePeer implements PeerConnectionLike {
  connectionState = 'new';
  localDescription: { sdp: string } | null = null;
  ondatachannel?: ((event: { channel: DataChannelLike }) => unknown) | null;
  onicecandidate?: ((event: { candidate?: IceCandidateLike | null }) => unknown) | null;
  onconnectionstatechange?: ((event: unknown) => unknown) | null;
  remoteOffer: string | null = null;
  candidatesAdded: IceCandidateLike[] = [];
  closed = false;
  async setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<void> {
    this.remoteOffer = description.sdp;
  }
  async createAnswer(): Promise<{ sdp: string }> {
    return { sdp: 'answer-sdp' };
  }
  async setLocalDescription(description: { type: 'answer'; sdp: string }): Promise<void> {
    this.localDescription = { sdp: `${description.sdp}+candidates` };
  }
  async addIceCandidate(candidate: IceCandidateLike): Promise<void> {
    if (!this.remoteOffer) throw new Error('no remote description');
    if (candidate.candidate === 'bad') throw new Error('bad candidate');
    this.candidatesAdded.push(candidate);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  /** The server's data channel arrives (already open, as werift announces it, or not yet). */
  announceChannel(open: boolean): FakeChannel {
    const channel = new FakeChannel();
    if (open) channel.readyState = 'open';
    this.ondatachannel?.({ channel });
    return channel;
  }
  setConnectionState(state: string): void {
    this.connectionState = state;
    this.onconnectionstatechange?.({});
  }
}

/** Lets pending promise callbacks run (fake timers do not advance). */
const settle = () => jest.advanceTimersByTimeAsync(0);

function setUp(options: { upgradeTimeoutMs?: number; retryDataChannelMs?: number; firstRetryMs?: number; noPeer?: boolean } = {}) {
  const session = new FakeSession();
  const peers: FakePeer[] = [];
  const link = new VoiceLink({
    session,
    createPeer: options.noPeer
      ? null
      : () => {
          const peer = new FakePeer();
          peers.push(peer);
          return peer;
        },
    upgradeTimeoutMs: options.upgradeTimeoutMs ?? 1_000,
    retryDataChannelMs: options.retryDataChannelMs ?? 10_000,
    firstRetryMs: options.firstRetryMs ?? options.retryDataChannelMs ?? 10_000,
  });
  const paths: VoiceLinkPath[] = [];
  link.on('path', (p) => paths.push(p));
  const packets: Uint8Array[] = [];
  link.on('packet', (p) => packets.push(p));
  return { session, peers, link, paths, packets };
}

/** Plays the server through a successful upgrade of the latest peer. */
async function upgrade(session: FakeSession, peers: FakePeer[], channelOpenAtOnce = true): Promise<FakeChannel> {
  await settle(); // voice.connect answered
  session.serverEvent('voice.offer', { offer: 'offer-sdp' });
  await settle();
  const channel = peers.at(-1)!.announceChannel(channelOpenAtOnce);
  session.serverEvent('voice.connection', { state: 'connected' });
  if (!channelOpenAtOnce) channel.open();
  return channel;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('VoiceLink', () => {
  it('starts on the WebSocket at once, then moves to the data channel when both ends are up', async () => {
    const { session, peers, link, paths } = setUp();
    link.start();
    expect(link.path).toBe('websocket');
    expect(session.paths()).toEqual(['websocket']);
    expect(session.count('voice.connect')).toBe(1);
    expect(link.send(new Uint8Array([1]))).toBe(true);
    expect(session.voiceSent).toHaveLength(1);

    await settle();
    session.serverEvent('voice.offer', { offer: 'offer-sdp' });
    await settle();
    expect(peers[0]!.remoteOffer).toBe('offer-sdp');
    // The local description (with its gathered candidates) is what goes out.
    expect(session.requests.find((r) => r.type === 'voice.answer')?.data).toEqual({ answer: 'answer-sdp+candidates' });

    const channel = peers[0]!.announceChannel(false);
    expect(channel.binaryType).toBe('arraybuffer');
    session.serverEvent('voice.connection', { state: 'connected' });
    expect(link.path).toBe('websocket'); // the channel is not open yet
    channel.open();
    expect(link.path).toBe('datachannel');
    expect(paths).toEqual(['websocket', 'datachannel']);
    expect(session.paths()).toEqual(['websocket', 'datachannel']);

    expect(link.send(new Uint8Array([2, 3]))).toBe(true);
    expect(channel.sent).toEqual([new Uint8Array([2, 3])]);
    expect(session.voiceSent).toHaveLength(1);
    expect(link.stats).toMatchObject({ sent: { websocket: 1, datachannel: 1 }, upgradeAttempts: 1, upgrades: 1, failures: 0 });

    // The upgrade timer was cleared: nothing happens when it would have fired.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(link.path).toBe('datachannel');
    expect(peers).toHaveLength(1);
  });

  it('waits for the server too: an open channel alone is not enough', async () => {
    const { session, peers, link } = setUp();
    link.start();
    await settle();
    session.serverEvent('voice.offer', { offer: 'offer-sdp' });
    await settle();
    peers[0]!.announceChannel(true);
    expect(link.path).toBe('websocket');
    session.serverEvent('voice.connection', { state: 'connected' });
    expect(link.path).toBe('datachannel');
  });

  it('trickles candidates: server ones held until the offer is applied, ours until the answer is sent; end-of-candidates and bad ones are skipped', async () => {
    const { session, peers, link } = setUp();
    link.start();
    await settle();
    const peer = peers[0]!;
    peer.onicecandidate?.({ candidate: { candidate: 'ours-early', sdpMid: '0', sdpMLineIndex: 0 } });
    session.serverEvent('voice.candidate', { candidate: { candidate: 'theirs-early', sdpMid: '0' } });
    session.serverEvent('voice.candidate', { candidate: { candidate: 'bad' } });
    expect(session.count('voice.candidate')).toBe(0);
    session.serverEvent('voice.offer', { offer: 'offer-sdp' });
    await settle();
    expect(peer.candidatesAdded.map((c) => c.candidate)).toEqual(['theirs-early']);
    const types = session.requests.map((r) => r.type);
    expect(types.indexOf('voice.answer')).toBeLessThan(types.indexOf('voice.candidate'));
    expect(session.requests.find((r) => r.type === 'voice.candidate')?.data).toEqual({ candidate: { candidate: 'ours-early', sdpMid: '0', sdpMLineIndex: 0 } });

    peer.onicecandidate?.({ candidate: null });
    peer.onicecandidate?.({ candidate: { candidate: '' } });
    peer.onicecandidate?.({});
    peer.onicecandidate?.({ candidate: { candidate: 'ours-late', sdpMid: '0', sdpMLineIndex: 0 } });
    session.serverEvent('voice.candidate', { candidate: { candidate: 'theirs-late' } });
    await settle();
    expect(session.count('voice.candidate')).toBe(2);
    expect(peer.candidatesAdded.map((c) => c.candidate)).toEqual(['theirs-early', 'theirs-late']);
    expect(link.path).toBe('websocket'); // a bad candidate failed nothing
    expect(link.stats.failures).toBe(0);
  });

  it('gives up after upgradeTimeoutMs, stays on the WebSocket, and retries at the retry interval', async () => {
    const { session, peers, link, paths } = setUp({ upgradeTimeoutMs: 1_000, retryDataChannelMs: 10_000 });
    link.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(peers[0]!.closed).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(peers[0]!.closed).toBe(true);
    expect(link.path).toBe('websocket');
    expect(paths).toEqual(['websocket']);
    expect(session.paths()).toEqual(['websocket']); // never said datachannel, so nothing to undo
    expect(link.send(new Uint8Array([1]))).toBe(true);
    expect(session.voiceSent).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(9_999);
    expect(peers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(peers).toHaveLength(2);
    expect(session.count('voice.connect')).toBe(2);

    // Every attempt fails the same way: one per interval, never a tight loop.
    await jest.advanceTimersByTimeAsync(3 * 11_000);
    expect(peers).toHaveLength(5);
    expect(link.stats).toMatchObject({ upgradeAttempts: 5, failures: 4, upgrades: 0 });

    // A later attempt that works still upgrades.
    const channel = await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
    expect(link.send(new Uint8Array([9]))).toBe(true);
    expect(channel.sent).toHaveLength(1);
  });

  it('retries sooner after the first failure in a row, then at the retry interval', async () => {
    const { peers, link } = setUp({ upgradeTimeoutMs: 1_000, retryDataChannelMs: 10_000, firstRetryMs: 2_000 });
    link.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(peers).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(peers).toHaveLength(2);
    // The second attempt fails too: now the long wait.
    await jest.advanceTimersByTimeAsync(1_000 + 9_999);
    expect(peers).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(peers).toHaveLength(3);
  });

  it.each([
    ['the server reports failed', (s: FakeSession) => s.serverEvent('voice.connection', { state: 'failed' })],
    ['the server reports closed', (s: FakeSession) => s.serverEvent('voice.connection', { state: 'closed' })],
    ['the channel closes', (_s: FakeSession, _p: FakePeer, c: FakeChannel) => c.closeRemotely()],
    ['ICE fails', (_s: FakeSession, p: FakePeer) => p.setConnectionState('failed')],
  ])('goes back to the WebSocket when %s, then retries', async (_what, breakIt) => {
    const { session, peers, link, paths } = setUp({ retryDataChannelMs: 10_000 });
    link.start();
    const channel = await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
    breakIt(session, peers[0]!, channel);
    expect(link.path).toBe('websocket');
    expect(paths).toEqual(['websocket', 'datachannel', 'websocket']);
    expect(session.paths()).toEqual(['websocket', 'datachannel', 'websocket']);
    expect(peers[0]!.closed).toBe(true);
    expect(link.send(new Uint8Array([1]))).toBe(true);
    expect(session.voiceSent).toHaveLength(1);
    expect(link.stats.failures).toBe(1);
    // Late callbacks of the closed peer change nothing.
    channel.closeRemotely();
    peers[0]!.setConnectionState('closed');
    expect(link.stats.failures).toBe(1);

    await jest.advanceTimersByTimeAsync(10_000);
    expect(peers).toHaveLength(2);
    await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
  });

  it('ignores events of the server’s previous peer that arrive before voice.connect is answered', async () => {
    const { session, peers, link } = setUp();
    link.start();
    session.serverEvent('voice.connection', { state: 'failed' });
    session.serverEvent('voice.offer', { offer: 'stale' });
    expect(link.stats.failures).toBe(0);
    await settle();
    expect(peers[0]!.remoteOffer).toBeNull();
    await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
  });

  it('fails the attempt when voice.connect or the answer is refused', async () => {
    const { session, peers, link } = setUp();
    session.failRequests.add('voice.connect');
    link.start();
    await settle();
    expect(peers[0]!.closed).toBe(true);
    expect(link.stats.failures).toBe(1);
    expect(link.path).toBe('websocket');

    session.failRequests.delete('voice.connect');
    session.failRequests.add('voice.answer');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(peers).toHaveLength(2);
    session.serverEvent('voice.offer', { offer: 'offer-sdp' });
    await settle();
    expect(peers[1]!.closed).toBe(true);
    expect(link.stats.failures).toBe(2);
  });

  it('redoes everything after a reconnect: off while offline, WebSocket and a new attempt once online', async () => {
    const { session, peers, link, paths } = setUp();
    link.start();
    await upgrade(session, peers);
    session.state = 'reconnecting';
    session.fire('state', 'reconnecting', {});
    expect(link.path).toBe('off');
    expect(peers[0]!.closed).toBe(true);
    expect(link.send(new Uint8Array([1]))).toBe(false);
    session.state = 'online';
    session.fire('state', 'online', {});
    session.fire('online', {} as never, false);
    expect(link.path).toBe('websocket');
    expect(paths).toEqual(['websocket', 'datachannel', 'off', 'websocket']);
    expect(session.paths()).toEqual(['websocket', 'datachannel', 'websocket']);
    expect(peers).toHaveLength(2);
    await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
  });

  it('waits for the session when started offline', async () => {
    const { session, peers, link } = setUp();
    session.state = 'connecting';
    link.start();
    expect(link.path).toBe('off');
    expect(session.requests).toEqual([]);
    session.state = 'online';
    session.fire('online', {} as never, true);
    expect(link.path).toBe('websocket');
    expect(peers).toHaveLength(1);
  });

  it('with no peer factory it stays on the WebSocket and never tries a data channel', async () => {
    const { session, link } = setUp({ noPeer: true });
    link.start();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(link.path).toBe('websocket');
    expect(session.count('voice.connect')).toBe(0);
    expect(link.stats.upgradeAttempts).toBe(0);
  });

  it('normalizes downlink packets from both paths and ignores text', async () => {
    const { session, peers, link, packets } = setUp();
    link.start();
    session.fire('voice', new Uint8Array([1, 2]));
    const channel = await upgrade(session, peers);
    const backing = new Uint8Array([9, 9, 3, 4, 9]);
    channel.onmessage?.({ data: backing.buffer.slice(2, 4) });
    channel.onmessage?.({ data: new DataView(backing.buffer, 2, 2) });
    channel.onmessage?.({ data: Buffer.from([5, 6]) });
    channel.onmessage?.({ data: 'text is not voice' });
    expect(packets.map((p) => [...p])).toEqual([[1, 2], [3, 4], [3, 4], [5, 6]]);
    expect(packets.every((p) => p instanceof Uint8Array)).toBe(true);
    expect(link.stats.received).toEqual({ websocket: 1, datachannel: 3 });
  });

  it('send never throws and says false when nothing can carry the packet', async () => {
    const { session, peers, link } = setUp();
    expect(link.send(new Uint8Array([1]))).toBe(false); // not started
    link.start();
    const channel = await upgrade(session, peers);
    channel.readyState = 'closing'; // closing, not yet reported: the WebSocket takes it
    expect(link.send(new Uint8Array([1]))).toBe(true);
    expect(session.voiceSent).toHaveLength(1);
    channel.readyState = 'open';
    channel.send = () => {
      throw new Error('boom');
    };
    expect(link.send(new Uint8Array([1]))).toBe(false);
    session.state = 'reconnecting';
    session.fire('state', 'reconnecting', {});
    expect(link.send(new Uint8Array([1]))).toBe(false);
  });

  it('stop closes the peer, says path none, drops listeners and timers; idempotent; start works again', async () => {
    const { session, peers, link, paths, packets } = setUp();
    link.start();
    await upgrade(session, peers);
    await link.stop();
    expect(peers[0]!.closed).toBe(true);
    expect(link.path).toBe('off');
    expect(session.paths()).toEqual(['websocket', 'datachannel', 'none']);
    expect(link.send(new Uint8Array([1]))).toBe(false);
    session.fire('voice', new Uint8Array([1]));
    expect(packets).toEqual([]);
    session.fire('online', {} as never, false);
    expect(link.path).toBe('off');
    expect(jest.getTimerCount()).toBe(0);

    await link.stop();
    expect(session.paths()).toEqual(['websocket', 'datachannel', 'none']);
    expect(paths).toEqual(['websocket', 'datachannel', 'off']);

    link.start();
    expect(link.path).toBe('websocket');
    await upgrade(session, peers);
    expect(link.path).toBe('datachannel');
    expect(peers).toHaveLength(2);
  });

  it('stop while an attempt is pending clears its timer and says none only when online', async () => {
    const { session, peers, link } = setUp();
    link.start();
    expect(jest.getTimerCount()).toBe(1);
    session.state = 'closed';
    await link.stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(peers[0]!.closed).toBe(true);
    expect(session.paths()).toEqual(['websocket']);
  });
});
