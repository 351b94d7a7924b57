import { binaryKinds, decodeClientBinaryFrame } from './binary';
import { ErrorCode, ProtocolError } from './errors';
import { LIMITS } from './limits';
import {
  VOICE_DOWNLINK_KIND,
  VOICE_UPLINK_KIND,
  decodeVoiceBatch,
  decodeVoiceUplink,
  encodeVoiceBatch,
  encodeVoiceEnd,
  encodeVoiceFrame,
  voiceFromWebSocket,
  voiceOverWebSocket,
} from './voice';

const frame = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ProtocolError).code;
  }
  return 'no error';
};

describe('voice packets', () => {
  it('round-trips uplink frames and the end marker', () => {
    const f = frame(120);
    const up = decodeVoiceUplink(encodeVoiceFrame(f));
    expect(up.type).toBe('frame');
    expect(up.type === 'frame' && Array.from(up.frame)).toEqual(Array.from(f));
    expect(decodeVoiceUplink(encodeVoiceEnd())).toEqual({ type: 'end' });
  });

  it('refuses malformed or oversize uplink packets with typed errors', () => {
    expect(codeOf(() => decodeVoiceUplink(new Uint8Array(0)))).toBe(ErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeVoiceUplink(Uint8Array.of(9, 1, 2)))).toBe(ErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeVoiceUplink(Uint8Array.of(2, 0)))).toBe(ErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeVoiceUplink(Uint8Array.of(1, 1, 2, 3)))).toBe(ErrorCode.BAD_FRAME);
    expect(codeOf(() => decodeVoiceUplink(new Uint8Array(LIMITS.maxVoicePacketBytes + 1).fill(1)))).toBe(ErrorCode.FRAME_TOO_LARGE);
    expect(codeOf(() => encodeVoiceFrame(frame(LIMITS.maxVoicePacketBytes)))).toBe(ErrorCode.BAD_FRAME);
  });

  it('batches several speakers into one downlink packet and reads them back', () => {
    const frames = [frame(40, 1), frame(300, 2), frame(17, 3)];
    const packet = encodeVoiceBatch(frames);
    expect(packet.length).toBe(2 + frames.reduce((n, f) => n + 2 + f.length, 0));
    expect(decodeVoiceBatch(packet).map((f) => Array.from(f))).toEqual(frames.map((f) => Array.from(f)));
  });

  it('refuses truncated, padded or foreign downlink packets', () => {
    const packet = encodeVoiceBatch([frame(40), frame(50)]);
    for (const bad of [packet.subarray(0, packet.length - 1), Uint8Array.of(...packet, 0), Uint8Array.of(17, ...packet.subarray(1)), packet.subarray(0, 1)]) {
      expect(codeOf(() => decodeVoiceBatch(bad))).toBe(ErrorCode.BAD_FRAME);
    }
    expect(codeOf(() => encodeVoiceBatch([]))).toBe(ErrorCode.BAD_FRAME);
  });

  it('wraps packets for the WebSocket in kinds no request or event uses', () => {
    const used = new Set(binaryKinds().map((k) => k.kind));
    expect(used.has(VOICE_UPLINK_KIND) || used.has(VOICE_DOWNLINK_KIND)).toBe(false);
    const wrapped = voiceOverWebSocket(VOICE_UPLINK_KIND, encodeVoiceEnd());
    expect(voiceFromWebSocket(VOICE_UPLINK_KIND, wrapped)).toEqual(encodeVoiceEnd());
    expect(voiceFromWebSocket(VOICE_DOWNLINK_KIND, wrapped)).toBeNull();
    // Anything else reading it as a request frame gets a typed refusal, not a crash.
    const decoded = decodeClientBinaryFrame(wrapped);
    expect(decoded.ok).toBe(false);
  });
});
