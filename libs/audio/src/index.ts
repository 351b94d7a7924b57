export { SAMPLE_RATE, CHANNELS, FRAME_MS, FRAME_SAMPLES, floatToInt16, int16ToFloat } from './format';
export { JitterBuffer } from './jitter-buffer';
export type { EncodedFrame, JitterBufferOptions, JitterBufferStats, PullResult, PushResult } from './jitter-buffer';
export { MAX_GAIN, LIMITER_THRESHOLD, softLimit, mixFrames, frameLevelDbfs } from './mixer';
export type { MixSource } from './mixer';
