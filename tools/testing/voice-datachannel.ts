/**
 * The client side of a voice data channel for Node clients (tests, benchmarks, bots): a werift
 * peer that answers the server's voice.offer, trickles ICE both ways over the session, and
 * delivers the voice channel's packets. Loopback only, as every test here is.
 */
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import type { Session } from '@lemon/session';
import { waitUntil } from './wait';

export interface VoiceDataChannel {
  /** Sends one uplink voice packet; false when the channel is not open. */
  send(packet: Uint8Array): boolean;
  onPacket(listener: (packet: Uint8Array) => void): () => void;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function connectVoiceDataChannel(session: Session, timeoutMs = 20_000): Promise<VoiceDataChannel> {
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceInterfaceAddresses: { udp4: LOOPBACK },
    iceAdditionalHostAddresses: [LOOPBACK],
    iceUseIpv6: false,
  });
  let channel: RTCDataChannel | null = null;
  let serverSaysConnected = false;
  const listeners = new Set<(packet: Uint8Array) => void>();
  const changed = new Set<() => void>();
  const notify = () => changed.forEach((f) => f());
  pc.onDataChannel.subscribe((dc) => {
    channel = dc;
    dc.stateChanged.subscribe(notify);
    notify();
    dc.onMessage.subscribe((data) => {
      if (typeof data === 'string') return;
      const packet = new Uint8Array(data);
      for (const l of listeners) l(packet);
    });
  });
  pc.onIceCandidate.subscribe((candidate) => {
    if (candidate) void session.request('voice.candidate', { candidate: candidate.toJSON() as { candidate: string } }).catch(() => undefined);
  });
  const off = session.on('event', (event) => {
    if (event.event === 'voice.candidate') void pc.addIceCandidate(event.data.candidate).catch(() => undefined);
    if (event.event === 'voice.connection') serverSaysConnected = event.data.state === 'connected';
    if (event.event === 'voice.offer') {
      void (async () => {
        await pc.setRemoteDescription({ type: 'offer', sdp: event.data.offer });
        await pc.setLocalDescription(await pc.createAnswer());
        await session.request('voice.answer', { answer: pc.localDescription!.sdp });
      })();
    }
  });
  try {
    await session.request('voice.connect', {});
    await waitUntil(
      () => serverSaysConnected && (channel as RTCDataChannel | null)?.readyState === 'open',
      [
        (f) => session.on('event', f),
        (f) => {
          changed.add(f);
          return () => changed.delete(f);
        },
      ],
      'the voice data channel to open',
      timeoutMs,
    );
  } catch (error) {
    off();
    await pc.close();
    throw error;
  }
  await session.request('voice.path', { path: 'datachannel' });
  return {
    send(packet) {
      const dc = channel as RTCDataChannel | null;
      if (dc?.readyState !== 'open') return false;
      dc.send(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
      return true;
    },
    onPacket(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      off();
      await pc.close();
    },
  };
}
