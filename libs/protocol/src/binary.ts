import { utf8Decode, utf8Encode } from './bytes';
import { ErrorCode, ProtocolError } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import type { Decoded, ServerMessage } from './envelope';
import {
  EVENTS,
  REQUESTS,
  hasPayloadResponse,
  isBinaryEvent,
  isBinaryRequest,
  type BinaryEventType,
  type BinaryRequestType,
  type ClientRequest,
  type EventData,
  type EventType,
  type PayloadResponseType,
  type RequestData,
  type RequestType,
  type ResponseData,
} from './messages';
import { z } from 'zod';

/*
 * Binary frames carry opaque payloads (MLS messages, encrypted blobs, voice) without
 * base64. Layout, all integers big-endian:
 *   u8 version | u8 kind | u16 header length | header (UTF-8 JSON object) | payload
 * Each kind gives its header a schema; the payload is never interpreted by the server.
 */

/**
 * Kind numbers come from the `binary` field of REQUESTS (client → server, 1–63) and EVENTS
 * (server → client, 64–126); RESPONSE_KIND is the answer to a request whose response carries
 * a payload. Numbers are never reused.
 *   request:  header { "id": 7, "data": { … } }
 *   event:    header { "data": { … } }
 *   response: header { "id": 7, "result": { … } }
 */
export const RESPONSE_KIND = 127;

const REQUEST_BY_KIND = new Map<number, BinaryRequestType>();
for (const type of Object.keys(REQUESTS) as RequestType[]) {
  if (isBinaryRequest(type)) REQUEST_BY_KIND.set(REQUESTS[type].binary.kind, type);
}
const EVENT_BY_KIND = new Map<number, BinaryEventType>();
for (const event of Object.keys(EVENTS) as EventType[]) {
  if (isBinaryEvent(event)) EVENT_BY_KIND.set(EVENTS[event].binary.kind, event);
}

/** Every kind in use, for tests and docs. */
export function binaryKinds(): { kind: number; name: string; direction: 'request' | 'event' }[] {
  return [
    ...[...REQUEST_BY_KIND].map(([kind, name]) => ({ kind, name, direction: 'request' as const })),
    ...[...EVENT_BY_KIND].map(([kind, name]) => ({ kind, name, direction: 'event' as const })),
  ];
}

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

const RequestId = z.number().int().min(1).max(LIMITS.maxRequestId);
const RequestHeader = z.strictObject({ id: RequestId, data: z.unknown() });
const EventHeader = z.strictObject({ data: z.unknown() });
const ResponseHeader = z.strictObject({ id: RequestId, result: z.unknown() });

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function encodeBinaryRequest<K extends BinaryRequestType>(id: number, type: K, data: RequestData<K>, payload: Uint8Array): Uint8Array {
  return encodeBinaryFrame({ kind: REQUESTS[type].binary.kind, header: { id, data }, payload });
}

export function encodeBinaryEvent<K extends BinaryEventType>(event: K, data: EventData<K>, payload: Uint8Array): Uint8Array {
  return encodeBinaryFrame({ kind: EVENTS[event].binary.kind, header: { data }, payload });
}

export function encodeBinaryResponse<K extends PayloadResponseType>(id: number, _type: K, result: ResponseData<K>, payload: Uint8Array): Uint8Array {
  return encodeBinaryFrame({ kind: RESPONSE_KIND, header: { id, result }, payload });
}

/** Server side: reads one binary frame from a client into a validated request with its payload. */
export function decodeClientBinaryFrame(bytes: Uint8Array): Decoded<ClientRequest> {
  const frame = decodeBinaryFrame(bytes);
  if (!frame.ok) return frame;
  const { kind, header, payload } = frame.value;
  const id = RequestId.safeParse(header.id).success ? (header.id as number) : null;
  const type = REQUEST_BY_KIND.get(kind);
  if (type === undefined) {
    return { ok: false, id, error: new ProtocolError(ErrorCode.UNKNOWN_TYPE, `binary frame kind ${kind} is not a request`) };
  }
  const envelope = RequestHeader.safeParse(header);
  if (!envelope.success) return { ok: false, id, error: ProtocolError.badFrame(`bad ${type} header: ${issues(envelope.error)}`) };
  const data = REQUESTS[type].request.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, id, error: ProtocolError.invalidPayload(`${type}: ${issues(data.error)}`) };
  if (payload.length === 0) return { ok: false, id, error: ProtocolError.invalidPayload(`${type}: empty payload`) };
  return { ok: true, value: { id: envelope.data.id, type, data: data.data, payload } as ClientRequest };
}

/** Client side: reads one binary frame from the server (an event or a payload response). */
export function decodeServerBinaryFrame(bytes: Uint8Array): Decoded<ServerMessage> {
  const frame = decodeBinaryFrame(bytes);
  if (!frame.ok) return frame;
  const { kind, header, payload } = frame.value;
  if (kind === RESPONSE_KIND) {
    const envelope = ResponseHeader.safeParse(header);
    if (!envelope.success) return { ok: false, id: null, error: ProtocolError.badFrame(`bad response header: ${issues(envelope.error)}`) };
    return { ok: true, value: { kind: 'response', id: envelope.data.id, result: envelope.data.result, payload } };
  }
  const event = EVENT_BY_KIND.get(kind);
  if (event === undefined) {
    return { ok: false, id: null, error: new ProtocolError(ErrorCode.UNKNOWN_TYPE, `binary frame kind ${kind} is not an event`) };
  }
  const envelope = EventHeader.safeParse(header);
  if (!envelope.success) return { ok: false, id: null, error: ProtocolError.badFrame(`bad ${event} header: ${issues(envelope.error)}`) };
  const data = EVENTS[event].data.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, id: null, error: ProtocolError.invalidPayload(`${event}: ${issues(data.error)}`) };
  return { ok: true, value: { kind: 'event', event, data: data.data, payload } as ServerMessage };
}

/** Whether a request's answer comes as a binary response frame. */
export { hasPayloadResponse };
