/**
 * Voice over a WebRTC data channel for Node clients (tests, benchmarks, bots): the same
 * VoiceLink the browser uses, given werift peers bound to loopback, as every test here is.
 */
import { RTCPeerConnection } from 'werift';
import { VoiceLink, type PeerConnectionLike, type Session } from '@lemon/session';
import { waitUntil } from './wait';

export interface VoiceDataChannel {
  /** Sends one uplink voice packet; false when no path can take it. */
  send(packet: Uint8Array): boolean;
  onPacket(listener: (packet: Uint8Array) => void): () => void;
  close(): Promise<void>;
  /** The link underneath, for its path and stats. */
  readonly link: VoiceLink;
}

const LOOPBACK = '127.0.0.1';

/** A werift peer that gathers on loopback only (werift leaves loopback out by default). */
export function loopbackPeer(): PeerConnectionLike {
  return new RTCPeerConnection({
    iceServers: [],
    iceInterfaceAddresses: { udp4: LOOPBACK },
    iceAdditionalHostAddresses: [LOOPBACK],
    iceUseIpv6: false,
  });
}

/** Starts a VoiceLink with werift peers and resolves once voice runs over the data channel. */
export async function connectVoiceDataChannel(session: Session, timeoutMs = 20_000): Promise<VoiceDataChannel> {
  const link = new VoiceLink({ session, createPeer: loopbackPeer, upgradeTimeoutMs: timeoutMs });
  link.start();
  try {
    await waitUntil(() => link.path === 'datachannel', [(f) => link.on('path', f)], 'the voice data channel to open', timeoutMs);
  } catch (error) {
    await link.stop();
    throw error;
  }
  return {
    link,
    send: (packet) => link.send(packet),
    onPacket: (listener) => link.on('packet', listener),
    close: () => link.stop(),
  };
}
