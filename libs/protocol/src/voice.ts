/*
 * Voice packets: what travels on the voice data channel, or inside binary WebSocket frames
 * when UDP is blocked. Compact on purpose (50 packets a second per speaker); the encrypted
 * frame itself (SFrame: key id, counter, Opus ciphertext, tag) is opaque to the server.
 *
 * Uplink, client → server, one packet per 20 ms frame:
 *   u8 type = 1 (frame) | SFrame ciphertext
 *   u8 type = 2 (end of talk spurt, nothing follows)
 * Downlink, server → client, one packet per listener per relay tick (every 10 ms, while there are frames for them):
 *   u8 type = 16 (batch) | u8 count | count × (u16 length | SFrame ciphertext)
 * The receiver finds the speaker in each frame's SFrame key id (their MLS leaf), never in the
 * relay's word.
 *
 * On the WebSocket a voice packet is a binary frame `u8 protocol version | u8 kind | packet`
 * with kind VOICE_UPLINK_KIND or VOICE_DOWNLINK_KIND — no JSON header, unlike other binary frames.
 */
import { ErrorCode, ProtocolError } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';

export const VOICE_FRAME = 1;
export const VOICE_END = 2;
export const VOICE_BATCH = 16;

/** WebSocket binary kinds of voice packets (outside the request/event kinds). */
export const VOICE_UPLINK_KIND = 48;
export const VOICE_DOWNLINK_KIND = 112;

/** Most frames one downlink batch carries (speakers heard at once). */
export const MAX_BATCH_FRAMES = 255;

/** Shortest SFrame frame: 1-byte header, 16-byte tag. */
const MIN_SFRAME_BYTES = 17;

export type VoiceUplink = { type: 'frame'; frame: Uint8Array } | { type: 'end' };

const bad = (message: string) => new ProtocolError(ErrorCode.BAD_FRAME, `voice packet: ${message}`);

export function encodeVoiceFrame(frame: Uint8Array): Uint8Array {
  if (frame.length < MIN_SFRAME_BYTES || frame.length + 1 > LIMITS.maxVoicePacketBytes) throw bad(`a frame of ${frame.length} bytes`);
  const out = new Uint8Array(frame.length + 1);
  out[0] = VOICE_FRAME;
  out.set(frame, 1);
  return out;
}

export function encodeVoiceEnd(): Uint8Array {
  return Uint8Array.of(VOICE_END);
}

/** Server side: one uplink packet; throws BAD_FRAME / FRAME_TOO_LARGE (the frame is a view, not a copy). */
export function decodeVoiceUplink(packet: Uint8Array): VoiceUplink {
  if (packet.length > LIMITS.maxVoicePacketBytes) throw new ProtocolError(ErrorCode.FRAME_TOO_LARGE, `voice packet of ${packet.length} bytes`);
  if (packet.length === 0) throw bad('empty');
  if (packet[0] === VOICE_END) {
    if (packet.length !== 1) throw bad('an end marker with a body');
    return { type: 'end' };
  }
  if (packet[0] !== VOICE_FRAME) throw bad(`unknown type ${packet[0]}`);
  if (packet.length - 1 < MIN_SFRAME_BYTES) throw bad('a frame shorter than an SFrame header and tag');
  return { type: 'frame', frame: packet.subarray(1) };
}

/** Server side: the frames for one listener this tick, as one packet. */
export function encodeVoiceBatch(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length === 0 || frames.length > MAX_BATCH_FRAMES) throw bad(`a batch of ${frames.length} frames`);
  let size = 2;
  for (const f of frames) size += 2 + f.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = VOICE_BATCH;
  out[1] = frames.length;
  let at = 2;
  for (const f of frames) {
    view.setUint16(at, f.length);
    out.set(f, at + 2);
    at += 2 + f.length;
  }
  return out;
}

/** Client side: the frames of one downlink packet (views into it); throws BAD_FRAME. */
export function decodeVoiceBatch(packet: Uint8Array): Uint8Array[] {
  if (packet.length < 2 || packet[0] !== VOICE_BATCH) throw bad('not a batch');
  const count = packet[1]!;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const frames: Uint8Array[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > packet.length) throw bad('a batch cut short');
    const length = view.getUint16(at);
    if (at + 2 + length > packet.length) throw bad('a frame runs past the batch');
    frames.push(packet.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (at !== packet.length) throw bad('bytes after the last frame');
  return frames;
}

/** Wraps a voice packet for the WebSocket. */
export function voiceOverWebSocket(kind: typeof VOICE_UPLINK_KIND | typeof VOICE_DOWNLINK_KIND, packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(packet.length + 2);
  out[0] = PROTOCOL_VERSION;
  out[1] = kind;
  out.set(packet, 2);
  return out;
}

/** The voice packet inside a binary WebSocket frame of `kind`, or null when it is another kind of frame. */
export function voiceFromWebSocket(kind: typeof VOICE_UPLINK_KIND | typeof VOICE_DOWNLINK_KIND, bytes: Uint8Array): Uint8Array | null {
  return bytes.length >= 2 && bytes[0] === PROTOCOL_VERSION && bytes[1] === kind ? bytes.subarray(2) : null;
}
