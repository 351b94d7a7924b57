import { z } from 'zod';
import { utf8Decode, utf8Encode } from './bytes';
import { ErrorCode, ProtocolError, isErrorCode } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import {
  EVENTS,
  REQUESTS,
  isBinaryEvent,
  isBinaryRequest,
  isEventType,
  isRequestType,
  type ClientRequest,
  type EventData,
  type EventType,
  type RequestData,
  type RequestType,
  type ResponseData,
  type ServerEvent,
  type BinaryEventType,
  type BinaryRequestType,
} from './messages';
import { ErrorBody } from './schemas';

/*
 * Text frames are one JSON object each:
 *   client → server  { v, kind: "request",  id, type, data }
 *   server → client  { v, kind: "response", id, result }
 *                    { v, kind: "error",    id | null, error: { code, message } }
 *                    { v, kind: "event",    event, data }
 *                    { v, kind: "events",   events: [{ event, data }, …] }
 * Events produced together (one login seen by everyone, a burst of moves) are batched per
 * receiver into one "events" frame, applied in order.
 * `id` correlates a response or error with the request that caused it; errors about
 * frames that could not be read far enough to find an id carry id null.
 */

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError; id: number | null };

const RequestId = z.number().int().min(1).max(LIMITS.maxRequestId);

const RequestEnvelope = z.strictObject({
  v: z.number(),
  kind: z.literal('request'),
  id: RequestId,
  type: z.string().max(64),
  data: z.unknown(),
});

const ServerEnvelope = z.discriminatedUnion('kind', [
  z.strictObject({ v: z.number(), kind: z.literal('response'), id: RequestId, result: z.unknown() }),
  z.strictObject({ v: z.number(), kind: z.literal('error'), id: RequestId.nullable(), error: ErrorBody }),
  z.strictObject({ v: z.number(), kind: z.literal('event'), event: z.string().max(64), data: z.unknown() }),
  z.strictObject({
    v: z.number(),
    kind: z.literal('events'),
    events: z.array(z.strictObject({ event: z.string().max(64), data: z.unknown() })).min(1),
  }),
]);

export type ServerMessage =
  | { kind: 'response'; id: number; result: unknown; payload?: Uint8Array }
  | { kind: 'error'; id: number | null; code: ErrorCode; message: string }
  | ({ kind: 'event' } & ServerEvent)
  | { kind: 'events'; events: ServerEvent[] };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function parseJsonObject(frame: string | Uint8Array, maxBytes: number): Decoded<Record<string, unknown>> {
  // A UTF-8 byte is at least a third of a UTF-16 unit, so short strings skip the encoding.
  const size = typeof frame !== 'string' ? frame.length : frame.length * 3 <= maxBytes ? 0 : utf8Encode(frame).length;
  if (size > maxBytes) {
    return { ok: false, id: null, error: new ProtocolError(ErrorCode.FRAME_TOO_LARGE, `frame of ${size} bytes`) };
  }
  const text = typeof frame === 'string' ? frame : utf8Decode(frame);
  if (text === null) return { ok: false, id: null, error: ProtocolError.badFrame('frame is not valid UTF-8') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: ProtocolError.badFrame('frame is not JSON') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, id: null, error: ProtocolError.badFrame('frame is not a JSON object') };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

function checkVersion(obj: Record<string, unknown>): ProtocolError | null {
  if (obj.v === PROTOCOL_VERSION) return null;
  return new ProtocolError(ErrorCode.UNSUPPORTED_VERSION, `protocol version ${String(obj.v)} is not ${PROTOCOL_VERSION}`);
}

/** Server side: reads one text frame from a client, fully validated. */
export function decodeClientFrame(frame: string | Uint8Array): Decoded<ClientRequest> {
  const json = parseJsonObject(frame, LIMITS.maxTextFrameBytes);
  if (!json.ok) return json;
  const obj = json.value;
  const id = RequestId.safeParse(obj.id).success ? (obj.id as number) : null;
  const versionError = checkVersion(obj);
  if (versionError) return { ok: false, id, error: versionError };
  const envelope = RequestEnvelope.safeParse(obj);
  if (!envelope.success) {
    return { ok: false, id, error: ProtocolError.badFrame(`bad envelope: ${describeIssues(envelope.error)}`) };
  }
  const { type, data } = envelope.data;
  if (!isRequestType(type)) {
    return { ok: false, id, error: new ProtocolError(ErrorCode.UNKNOWN_TYPE, `unknown request type "${type.slice(0, 64)}"`) };
  }
  if (isBinaryRequest(type)) {
    return { ok: false, id, error: ProtocolError.badFrame(`${type} is sent as a binary frame`) };
  }
  const payload = REQUESTS[type].request.safeParse(data);
  if (!payload.success) {
    return { ok: false, id, error: ProtocolError.invalidPayload(`${type}: ${describeIssues(payload.error)}`) };
  }
  return { ok: true, value: { id: envelope.data.id, type, data: payload.data } as ClientRequest };
}

/** Client side: reads one text frame from the server. Events are fully validated here. */
export function decodeServerFrame(frame: string | Uint8Array): Decoded<ServerMessage> {
  const json = parseJsonObject(frame, LIMITS.maxServerFrameBytes);
  if (!json.ok) return json;
  const versionError = checkVersion(json.value);
  if (versionError) return { ok: false, id: null, error: versionError };
  const envelope = ServerEnvelope.safeParse(json.value);
  if (!envelope.success) {
    return { ok: false, id: null, error: ProtocolError.badFrame(`bad envelope: ${describeIssues(envelope.error)}`) };
  }
  const msg = envelope.data;
  switch (msg.kind) {
    case 'response':
      return { ok: true, value: { kind: 'response', id: msg.id, result: msg.result } };
    case 'error': {
      const code = isErrorCode(msg.error.code) ? msg.error.code : ErrorCode.INTERNAL;
      return { ok: true, value: { kind: 'error', id: msg.id, code, message: msg.error.message } };
    }
    case 'event': {
      const event = parseEvent(msg.event, msg.data);
      return event.ok ? { ok: true, value: { kind: 'event', ...event.value } } : event;
    }
    case 'events': {
      const events: ServerEvent[] = [];
      for (const item of msg.events) {
        const event = parseEvent(item.event, item.data);
        if (!event.ok) return event;
        events.push(event.value);
      }
      return { ok: true, value: { kind: 'events', events } };
    }
  }
}

function parseEvent(event: string, data: unknown): Decoded<ServerEvent> {
  if (!isEventType(event)) {
    return { ok: false, id: null, error: new ProtocolError(ErrorCode.UNKNOWN_TYPE, `unknown event "${event.slice(0, 64)}"`) };
  }
  if (isBinaryEvent(event)) return { ok: false, id: null, error: ProtocolError.badFrame(`${event} is sent as a binary frame`) };
  const parsed = EVENTS[event].data.safeParse(data);
  if (!parsed.success) {
    return { ok: false, id: null, error: ProtocolError.invalidPayload(`${event}: ${describeIssues(parsed.error)}`) };
  }
  return { ok: true, value: { event, data: parsed.data } as ServerEvent };
}

/** Client side: validates a response's result against the schema of the request it answers. */
export function parseResponse<K extends RequestType>(type: K, result: unknown): Decoded<ResponseData<K>> {
  const parsed = REQUESTS[type].response.safeParse(result);
  if (!parsed.success) {
    return { ok: false, id: null, error: ProtocolError.invalidPayload(`${type} response: ${describeIssues(parsed.error)}`) };
  }
  return { ok: true, value: parsed.data as ResponseData<K> };
}

export function encodeRequest<K extends Exclude<RequestType, BinaryRequestType>>(id: number, type: K, data: RequestData<K>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, kind: 'request', id, type, data });
}

export function encodeResponse<K extends RequestType>(id: number, _type: K, result: ResponseData<K>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, kind: 'response', id, result });
}

export function encodeError(id: number | null, error: ProtocolError): string {
  return JSON.stringify({
    v: PROTOCOL_VERSION,
    kind: 'error',
    id,
    error: { code: error.code, message: error.message.slice(0, 1024) },
  });
}

export function encodeEvent<K extends Exclude<EventType, BinaryEventType>>(event: K, data: EventData<K>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, kind: 'event', event, data });
}

/**
 * An event encoded once for many receivers: `{"event":…,"data":…}`. Receivers get it
 * through eventsFrame, alone or batched with others.
 */
export function encodeEventBody<K extends Exclude<EventType, BinaryEventType>>(event: K, data: EventData<K>): string {
  return JSON.stringify({ event, data });
}

/** One frame carrying event bodies from encodeEventBody, in order. */
export function eventsFrame(bodies: readonly string[]): string {
  if (bodies.length === 1) return `{"v":${PROTOCOL_VERSION},"kind":"event",${bodies[0]!.slice(1)}`;
  return `{"v":${PROTOCOL_VERSION},"kind":"events","events":[${bodies.join(',')}]}`;
}
