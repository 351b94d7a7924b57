// @lemon/voice: the voice engine shared by the browser and headless clients — microphone frames
// to encrypted uplink packets (VoiceSender), downlink packets to one mixed output frame
// (VoiceReceiver). Sans-IO: transports, audio devices and clocks belong to the caller.
export { VoiceSender, INNER_HEADER_BYTES } from './sender';
export type { VoiceKeySource } from './sender';
export { VoiceKeys, RETAIN_MS } from './keys';
export type { VoiceGroup } from './keys';
export { VoiceReceiver, VOICE_JITTER, unwrap } from './receiver';
export type { VoiceReceiverOptions, VoiceReceiverStats, SpeakerLevel } from './receiver';
