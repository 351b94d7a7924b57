/** Server-side WebRTC transport for voice: one werift peer per client, sans-socket signalling. */
export { createVoicePeer, VoicePeer } from './voice-peer';
export type {
  IceCandidateInit,
  VoicePeerCloseReason,
  VoicePeerEvents,
  VoicePeerFailure,
  VoicePeerState,
  VoicePeerStats,
} from './voice-peer';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  MAX_CANDIDATE_CHARS,
  VOICE_CHANNEL_LABEL,
  VOICE_CHANNEL_OPTIONS,
  type VoiceTransportOptions,
} from './options';
