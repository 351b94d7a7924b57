import { z } from 'zod';
import { ERROR_TEXT, ERROR_CODES } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { LOGIN_SIGNATURE_CONTEXT } from './login';
import { EVENTS, REQUESTS, allowedBeforeLogin, type BinarySpec, type RequestType } from './messages';
import { RESPONSE_KIND, binaryKinds } from './binary';
import { VOICE_BATCH, VOICE_DOWNLINK_KIND, VOICE_END, VOICE_FRAME, VOICE_UPLINK_KIND } from './voice';
import { ChatPayload } from './chat-payload';

function schemaBlock(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return '```json\n' + JSON.stringify(json, null, 2) + '\n```';
}

/** docs/protocol.md, generated from the schemas so the two cannot drift apart. */
export function renderProtocolDoc(): string {
  const out: string[] = [];
  out.push(
    `# Lemon Chat wire protocol (version ${PROTOCOL_VERSION})`,
    '',
    '<!-- Generated from libs/protocol by `npx nx run protocol:docs`. Do not edit by hand: a test fails when this file and the schemas differ. -->',
    '',
    '## Transport',
    '',
    'One WebSocket per client at `/ws` on the server\'s single port (`ws://` or, with a certificate, `wss://`).',
    'Control messages are UTF-8 JSON text frames; opaque payloads (MLS messages, encrypted blobs, voice) are binary frames.',
    'The server validates every frame against the schemas below before anything else touches it, and answers a bad frame',
    'with an `error` whose `code` says what was wrong. The connection survives bad frames; a client that keeps sending',
    'them is rate limited and finally disconnected.',
    '',
    '## Envelope',
    '',
    '| direction | shape |',
    '| --- | --- |',
    '| client → server | `{ "v": 1, "kind": "request", "id": 7, "type": "channel.join", "data": { … } }` |',
    '| server → client | `{ "v": 1, "kind": "response", "id": 7, "result": { … } }` |',
    '| server → client | `{ "v": 1, "kind": "error", "id": 7, "error": { "code": "NO_SUCH_CHANNEL", "message": "…" } }` |',
    '| server → client | `{ "v": 1, "kind": "event", "event": "user.moved", "data": { … } }` |',
    '| server → client | `{ "v": 1, "kind": "events", "events": [ { "event": "user.connected", "data": { … } }, … ] }` |',
    '',
    'Events that arise together are batched per receiver into one `events` frame (at most',
    '`maxEventBatchBytes`), applied in order. A response is always sent after every event its',
    'request caused, so when the answer arrives the client\'s view already shows the effect.',
    '',
    '`id` is a positive 31-bit integer chosen by the client, unique among its requests in flight; the answer carries the',
    'same id. An error about a frame too broken to find its id carries `"id": null`. Unknown fields are rejected.',
    '',
    '## Login',
    '',
    '1. On connect the server sends `server.hello` with its public key and a fresh 32-byte challenge.',
    `2. The client signs \`"${LOGIN_SIGNATURE_CONTEXT}" ‖ 0x00 ‖ serverKey ‖ challenge ‖ address\` with its Ed25519`,
    '   identity key, where `address` is the `host[:port]` it dialled (UTF-8), and sends `auth.login`. The server',
    '   accepts only its own addresses (its configured public addresses, else the request\'s Host), so a login',
    '   relayed from another server fails with `WRONG_SERVER`. The challenge is single-use, bound to that connection, and expires after',
    `   ${LIMITS.challengeTtlMs / 1000} s; a connection that has not logged in by then is closed.`,
    '3. Before login only the requests marked *before login* are accepted.',
    '',
    '## Binary frames',
    '',
    '`u8 version | u8 kind | u16 header length (big-endian) | header: UTF-8 JSON object | payload bytes`.',
    'Opaque bytes (MLS messages, encrypted blobs) never travel as base64 inside JSON: the requests and events marked',
    '*binary* below are binary frames whose header is `{ "id": 7, "data": { … } }` (requests) or `{ "data": { … } }`',
    `(events), validated by the same schemas as text frames. A request whose answer carries bytes is answered by kind`,
    `${RESPONSE_KIND} with header \`{ "id": 7, "result": { … } }\`; every other answer is a text frame. Binary frames are`,
    'accepted only after login. Sending a binary message as a text frame (or the reverse) is `BAD_FRAME`.',
    '',
    '| kind | message | direction |',
    '| --- | --- | --- |',
    ...binaryKinds().map((k) => `| ${k.kind} | \`${k.name}\` | ${k.direction === 'request' ? 'client → server' : 'server → client'} |`),
    `| ${RESPONSE_KIND} | response with payload | server → client |`,
    `| ${VOICE_UPLINK_KIND} | voice packet, no header (see Voice) | client → server |`,
    `| ${VOICE_DOWNLINK_KIND} | voice packet, no header (see Voice) | server → client |`,
    '',
    '## Voice',
    '',
    'Voice goes over a WebRTC data channel (unordered, no retransmission) between each client and the server, set up',
    'with `voice.connect` / `voice.answer` / `voice.candidate`; when that fails the same packets go in binary WebSocket',
    `frames \`u8 version | u8 kind | packet\` (kind ${VOICE_UPLINK_KIND} up, ${VOICE_DOWNLINK_KIND} down). \`voice.path\` says which path a client uses.`,
    'Every frame is Opus encrypted with SFrame (RFC 9605) under keys from the channel\'s MLS epoch; the server relays',
    'without reading it. Integers big-endian:',
    '',
    `- uplink frame: \`u8 ${VOICE_FRAME} | SFrame frame\`; end of a talk spurt: \`u8 ${VOICE_END}\`; at most ${LIMITS.maxVoicePacketBytes} bytes;`,
    `- downlink, one packet per listener per relay tick (every 10 ms, while there are frames for them): \`u8 ${VOICE_BATCH} | u8 count | count × (u16 length | SFrame frame)\`.`,
    '',
    'Receivers tell speakers apart by the SFrame key id (their MLS leaf), not by anything the server adds.',
    '',
    '## Limits',
    '',
    '| limit | value |',
    '| --- | --- |',
  );
  for (const [name, value] of Object.entries(LIMITS)) out.push(`| ${name} | ${value} |`);
  out.push('', '## Error codes', '', '| code | meaning |', '| --- | --- |');
  for (const code of ERROR_CODES) out.push(`| \`${code}\` | ${ERROR_TEXT[code]} |`);
  out.push('', '## Requests', '');
  for (const type of Object.keys(REQUESTS) as RequestType[]) {
    const spec = REQUESTS[type];
    const binary: BinarySpec | undefined = 'binary' in spec ? spec.binary : undefined;
    const payloadResponse: string | undefined = 'responsePayload' in spec ? spec.responsePayload : undefined;
    out.push(`### \`${type}\`${allowedBeforeLogin(type) ? ' (before login)' : ''}${binary ? ` (binary, kind ${binary.kind})` : ''}`, '', spec.summary, '');
    if (binary) out.push(`Payload: ${binary.payload}.`, '');
    if (payloadResponse) out.push(`Answered by a binary response (kind ${RESPONSE_KIND}); payload: ${payloadResponse}.`, '');
    out.push('Request `data`:', '', schemaBlock(spec.request), '', 'Response `result`:', '', schemaBlock(spec.response), '');
  }
  out.push('## Events', '');
  for (const [event, spec] of Object.entries(EVENTS)) {
    const binary: BinarySpec | undefined = 'binary' in spec ? spec.binary : undefined;
    out.push(`### \`${event}\`${binary ? ` (binary, kind ${binary.kind})` : ''}`, '', spec.summary, '');
    if (binary) out.push(`Payload: ${binary.payload}.`, '');
    out.push(schemaBlock(spec.data), '');
  }
  out.push(
    '## Inside the encryption',
    '',
    'MLS application messages (channel and DM) carry one UTF-8 JSON object, validated by every receiver. The server never',
    'sees it. Edits and deletes are applied only when their MLS sender wrote the original message.',
    '',
    schemaBlock(ChatPayload),
    '',
  );
  return out.join('\n');
}
