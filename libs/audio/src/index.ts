export { SAMPLE_RATE, CHANNELS, FRAME_MS, FRAME_SAMPLES, floatToInt16, int16ToFloat } from './format';
export { JitterBuffer } from './jitter-buffer';
export type { EncodedFrame, JitterBufferOptions, JitterBufferStats, PullResult, PushResult } from './jitter-buffer';
export { MAX_GAIN, LIMITER_THRESHOLD, softLimit, mixFrames, frameLevelDbfs } from './mixer';
export type { MixSource } from './mixer';
export {
  createOpusEncoder,
  clampVoiceBitrate,
  MIN_VOICE_BITRATE,
  MAX_VOICE_BITRATE,
  DEFAULT_VOICE_BITRATE,
  DEFAULT_COMPLEXITY,
  DEFAULT_PACKET_LOSS_PERCENT,
} from './encoder';
export type { VoiceEncoder, SyncVoiceEncoder, OpusEncoderOptions } from './encoder';
export { createWebCodecsOpusEncoder, webCodecsOpusSupported } from './webcodecs-encoder';
export { createOpusDecoder, opusPacketSamples, MAX_OPUS_PACKET_BYTES } from './decoder';
export type { VoiceDecoder, DecoderStats, DecodeErrorCode } from './decoder';
export { sineFrames, concatFrames, rms, goertzelPower, dominantFrequency, wavFile, parseWav } from './tone';
export type { ParsedWav } from './tone';
