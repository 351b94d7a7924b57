/**
 * One WebRTC voice connection per user (never peer to peer): made on voice.connect, signalled
 * over the user's WebSocket, and freed when they reconnect voice, leave or disconnect. Frames
 * from the data channel go to the relay; the relay reaches the user through it once it is open.
 */
import { encodeEventBody, type EventData } from '@lemon/protocol';
import { errorFields, logger } from '../log';
import type { Presence } from '../presence/registry';
import type { VoiceRelay } from './relay';
import { createVoicePeer, type IceCandidateInit, type VoicePeer, type VoiceTransportOptions } from './transport';

const log = logger('voice');

export interface VoicePeers {
  /** Replaces the user's voice connection with a new one; its offer goes out as voice.offer. */
  connect(userId: string): void;
  answer(userId: string, sdp: string): void;
  candidate(userId: string, candidate: IceCandidateInit): void;
  /** Frees the user's connection (they left, or reconnect voice). */
  drop(userId: string): void;
  readonly size: number;
  close(): Promise<void>;
}

export function createVoicePeers(deps: {
  presence: Presence;
  relay: () => VoiceRelay;
  setDatagramSender: (userId: string, send: ((packet: Uint8Array) => boolean) | null) => void;
  transport: VoiceTransportOptions;
  now: () => number;
}): VoicePeers {
  const peers = new Map<string, VoicePeer>();

  const tell = <K extends 'voice.offer' | 'voice.candidate' | 'voice.connection'>(userId: string, event: K, data: EventData<K>) => {
    deps.presence.get(userId)?.member.sendEvent(encodeEventBody(event, data));
  };

  const drop = (userId: string) => {
    const peer = peers.get(userId);
    if (!peer) return;
    peers.delete(userId);
    deps.setDatagramSender(userId, null);
    void peer.close();
  };

  return {
    get size() {
      return peers.size;
    },
    connect(userId) {
      drop(userId);
      const peer = createVoicePeer(deps.transport);
      peers.set(userId, peer);
      const current = () => peers.get(userId) === peer;
      peer.on('candidate', (candidate) => current() && tell(userId, 'voice.candidate', { candidate }));
      peer.on('message', (packet) => {
        if (!current()) return;
        try {
          deps.relay().uplink(userId, packet, deps.now());
        } catch {
          // Malformed voice is dropped; the relay counts nothing it cannot parse.
        }
      });
      peer.on('state', (state) => {
        if (!current() || state !== 'connected') return;
        deps.setDatagramSender(userId, (packet) => peer.send(packet));
        tell(userId, 'voice.connection', { state: 'connected' });
      });
      peer.on('failed', (reason) => {
        if (!current()) return;
        log.info('voice connection failed', { userId, reason });
        tell(userId, 'voice.connection', { state: 'failed' });
        drop(userId);
      });
      peer.on('closed', () => {
        if (current()) {
          tell(userId, 'voice.connection', { state: 'closed' });
          drop(userId);
        }
      });
      peer.createOffer().then(
        (offer) => current() && tell(userId, 'voice.offer', { offer }),
        (error: unknown) => {
          log.warn('voice offer failed', { userId, ...errorFields(error) });
          if (current()) {
            tell(userId, 'voice.connection', { state: 'failed' });
            drop(userId);
          }
        },
      );
    },
    answer(userId, sdp) {
      const peer = peers.get(userId);
      if (!peer) return;
      peer.acceptAnswer(sdp).catch((error: unknown) => {
        log.info('voice answer refused', { userId, ...errorFields(error) });
        if (peers.get(userId) === peer) {
          tell(userId, 'voice.connection', { state: 'failed' });
          drop(userId);
        }
      });
    },
    candidate(userId, candidate) {
      void peers.get(userId)?.addRemoteCandidate(candidate).catch(() => false);
    },
    drop,
    async close() {
      const all = [...peers.keys()];
      for (const userId of all) drop(userId);
    },
  };
}
