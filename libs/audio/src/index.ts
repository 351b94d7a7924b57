export { SAMPLE_RATE, CHANNELS, FRAME_MS, FRAME_SAMPLES, floatToInt16, int16ToFloat } from './format';
