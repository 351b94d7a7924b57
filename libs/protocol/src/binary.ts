import { utf8Decode, utf8Encode } from './bytes';
import { ErrorCode, ProtocolError } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import type { Decoded } from './envelope';

/*
 * Binary frames carry opaque payloads (MLS messages, encrypted blobs, voice) without
 * base64. Layout, all integers big-endian:
 *   u8 version | u8 kind | u16 header length | header (UTF-8 JSON object) | payload
 * Each kind gives its header a schema; the payload is never interpreted by the server.
 */

/** Registered binary frame kinds. Numbers are never reused. */
export const BinaryKind = {} as const satisfies Record<string, number>;

export interface BinaryFrame {
  kind: number;
  header: Record<string, unknown>;
  payload: Uint8Array;
}

const PREFIX_BYTES = 4;

export function encodeBinaryFrame(frame: BinaryFrame): Uint8Array {
  const header = utf8Encode(JSON.stringify(frame.header));
  if (header.length > LIMITS.maxBinaryHeaderBytes) throw new ProtocolError(ErrorCode.FRAME_TOO_LARGE, 'binary header too large');
  const out = new Uint8Array(PREFIX_BYTES + header.length + frame.payload.length);
  if (out.length > LIMITS.maxBinaryFrameBytes) throw new ProtocolError(ErrorCode.FRAME_TOO_LARGE, 'binary frame too large');
  const view = new DataView(out.buffer);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint8(1, frame.kind);
  view.setUint16(2, header.length);
  out.set(header, PREFIX_BYTES);
  out.set(frame.payload, PREFIX_BYTES + header.length);
  return out;
}

/** Structural decoding only; the caller checks the kind and validates the header. */
export function decodeBinaryFrame(bytes: Uint8Array): Decoded<BinaryFrame> {
  const fail = (code: ErrorCode, message: string): Decoded<BinaryFrame> => ({
    ok: false,
    id: null,
    error: new ProtocolError(code, message),
  });
  if (bytes.length > LIMITS.maxBinaryFrameBytes) return fail(ErrorCode.FRAME_TOO_LARGE, `binary frame of ${bytes.length} bytes`);
  if (bytes.length < PREFIX_BYTES) return fail(ErrorCode.BAD_FRAME, 'binary frame shorter than its prefix');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) return fail(ErrorCode.UNSUPPORTED_VERSION, `binary frame version ${version}`);
  const headerLength = view.getUint16(2);
  if (headerLength > LIMITS.maxBinaryHeaderBytes) return fail(ErrorCode.FRAME_TOO_LARGE, 'binary header too large');
  if (PREFIX_BYTES + headerLength > bytes.length) return fail(ErrorCode.BAD_FRAME, 'binary header runs past the frame');
  const headerText = utf8Decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  if (headerText === null) return fail(ErrorCode.BAD_FRAME, 'binary header is not UTF-8');
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    return fail(ErrorCode.BAD_FRAME, 'binary header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail(ErrorCode.BAD_FRAME, 'binary header is not a JSON object');
  }
  return {
    ok: true,
    value: {
      kind: view.getUint8(1),
      header: header as Record<string, unknown>,
      payload: bytes.subarray(PREFIX_BYTES + headerLength),
    },
  };
}
