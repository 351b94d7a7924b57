/**
 * Connects the voice relay to the running server: who is where (presence), channel voice
 * settings (storage), delivery on the WebSocket or a data channel, talking events, and the
 * relay's tick.
 */
import { VOICE_DOWNLINK_KIND, voiceOverWebSocket } from '@lemon/protocol';
import { broadcastEvent } from '../presence/broadcast';
import type { Presence } from '../presence/registry';
import type { ChannelRepository } from '../storage/channels';
import { createVoicePeers, type VoicePeers } from './peers';
import { VoiceRelay, type VoiceChannelSettings } from './relay';
import type { VoiceTransportOptions } from './transport';

/**
 * Half a voice frame: a frame waits 5 ms on average for its tick instead of 10 (part of
 * mouth-to-ear latency), while a listener still gets at most two packets per 20 ms however
 * many people talk.
 */
export const TICK_MS = 10;

export interface VoiceHost {
  readonly relay: VoiceRelay;
  /** The users' WebRTC voice connections. */
  readonly peers: VoicePeers;
  /** The user is gone: their talk ends, their connection is freed. */
  userLeft(userId: string): void;
  close(): void;
}

export function startVoiceHost(deps: { presence: Presence; channels: ChannelRepository; now: () => number; transport?: VoiceTransportOptions }): VoiceHost {
  const datagrams = new Map<string, (packet: Uint8Array) => boolean>();
  const wrapped = new WeakMap<Uint8Array, Uint8Array>();
  // Channel settings by id, rebuilt only when the channel list changes (it is cached and frozen).
  let listSeen: unknown = null;
  let settings = new Map<number, VoiceChannelSettings>();
  const channel = (channelId: number): VoiceChannelSettings | null => {
    const list = deps.channels.protocolList();
    if (list !== listSeen) {
      settings = new Map(list.map((c) => [c.id, { voice: c.voice, bitrate: c.bitrate }]));
      listSeen = list;
    }
    return settings.get(channelId) ?? null;
  };
  const relay = new VoiceRelay({
    usersIn: (channelId) => deps.presence.inChannel(channelId).map((p) => p.user),
    user: (userId) => deps.presence.get(userId)?.user,
    channel,
    send: (userId, path, packet) => {
      if (path === 'datachannel') return datagrams.get(userId)?.(packet) ?? false;
      const member = deps.presence.get(userId)?.member;
      if (!member) return false;
      // The same batch usually goes to many listeners: wrap it for the WebSocket once.
      let framed = wrapped.get(packet);
      if (!framed) wrapped.set(packet, (framed = voiceOverWebSocket(VOICE_DOWNLINK_KIND, packet)));
      if (member.sendDroppable) return member.sendDroppable(framed);
      member.send(framed);
      return true;
    },
    talking: (userId, _channelId, talking) => broadcastEvent(deps.presence, 'voice.talking', { userId, talking }),
  });
  const peers = createVoicePeers({
    presence: deps.presence,
    relay: () => relay,
    setDatagramSender(userId, send) {
      if (send) datagrams.set(userId, send);
      else datagrams.delete(userId);
    },
    transport: deps.transport ?? {},
    now: deps.now,
  });
  const timer = setInterval(() => relay.tick(deps.now()), TICK_MS);
  timer.unref();
  return {
    relay,
    peers,
    userLeft(userId) {
      relay.userLeft(userId);
      peers.drop(userId);
    },
    close() {
      clearInterval(timer);
      void peers.close();
    },
  };
}
