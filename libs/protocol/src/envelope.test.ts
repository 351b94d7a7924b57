import { toBase64Url, utf8Encode } from './bytes';
import { ErrorCode } from './errors';
import { decodeClientFrame, decodeServerFrame, encodeError, encodeEvent, encodeEventBody, encodeRequest, encodeResponse, eventsFrame, parseResponse } from './envelope';
import { ProtocolError } from './errors';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { EVENTS, REQUESTS, isBinaryEvent, isBinaryRequest, type EventType, type RequestType } from './messages';
import { decodeClientBinaryFrame, decodeServerBinaryFrame, encodeBinaryFrame } from './binary';

const key = toBase64Url(new Uint8Array(32).fill(7));
const challenge = toBase64Url(new Uint8Array(32).fill(9));
const signature = toBase64Url(new Uint8Array(64).fill(1));
const userId = 'ab'.repeat(16);
const groupId = toBase64Url(new Uint8Array(16).fill(3));
const blobId = 'cd'.repeat(16);

const validLogin = { publicKey: key, challenge, signature, address: '127.0.0.1:4747', displayName: 'Ada', client: { name: 'test', version: '1' } };

function decodeErr(frame: string | Uint8Array) {
  const result = decodeClientFrame(frame);
  if (result.ok) throw new Error('expected a decode failure');
  return result;
}

describe('client frames', () => {
  it('accepts every request type with valid data and keeps the id', () => {
    const samples: { [K in keyof typeof REQUESTS]: unknown } = {
      'auth.login': validLogin,
      'user.rename': { displayName: 'Bob' },
      'channel.join': { channelId: 3 },
      'channel.create': { parentId: null, name: 'Games', description: 'fun' },
      'channel.update': { channelId: 3, name: 'Music', parentId: 1, position: 2 },
      'channel.delete': { channelId: 3 },
      'keyPackages.upload': { keyPackages: [toBase64Url(new Uint8Array(300).fill(5))], lastResort: toBase64Url(new Uint8Array(300).fill(6)) },
      'keyPackages.claim': { userId },
      'keyPackages.stock': {},
      'mls.groupInfo': { channelId: 3, groupId },
      'mls.commit': { channelId: 3, groupId, epoch: 4, commitBytes: 10 },
      'mls.send': { channelId: 3, groupId },
      'mls.rejoin': { channelId: 3 },
      'dm.send': { to: userId, groupId, kind: 'welcome' },
      'dm.ack': { messageIds: [1, 2] },
      'blob.begin': { size: 1000 },
      'blob.chunk': { blobId, offset: 0 },
      'blob.status': { blobId },
      'blob.read': { blobId, offset: 0, length: 1000 },
      'voice.connect': {},
      'voice.answer': { answer: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
      'voice.candidate': { candidate: { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
      'voice.path': { path: 'websocket' },
      'voice.state': { muted: true, deafened: false },
      ping: {},
    };
    let id = 1;
    const payload = new Uint8Array([1, 2, 3]);
    for (const [type, data] of Object.entries(samples) as [RequestType, unknown][]) {
      if (isBinaryRequest(type)) {
        const kind = REQUESTS[type].binary.kind;
        const frame = encodeBinaryFrame({ kind, header: { id, data }, payload });
        expect(decodeClientBinaryFrame(frame)).toEqual({ ok: true, value: { id, type, data, payload } });
        // The same request as a text frame is refused: payloads never travel as JSON.
        const asText = decodeClientFrame(JSON.stringify({ v: PROTOCOL_VERSION, kind: 'request', id, type, data }));
        expect(asText).toMatchObject({ ok: false, id, error: { code: 'BAD_FRAME' } });
      } else {
        const frame = JSON.stringify({ v: PROTOCOL_VERSION, kind: 'request', id, type, data });
        expect(decodeClientFrame(frame)).toEqual({ ok: true, value: { id, type, data } });
      }
      id++;
    }
  });

  it('round-trips through encodeRequest, as text and as UTF-8 bytes', () => {
    const text = encodeRequest(42, 'user.rename', { displayName: 'Zoë' });
    expect(decodeClientFrame(text)).toEqual({ ok: true, value: { id: 42, type: 'user.rename', data: { displayName: 'Zoë' } } });
    expect(decodeClientFrame(utf8Encode(text))).toMatchObject({ ok: true });
  });

  it('rejects non-JSON, non-objects and invalid UTF-8 as BAD_FRAME with no id', () => {
    for (const frame of ['not json', '[1,2]', 'null', '42', '"x"', new Uint8Array([0xff, 0x7b, 0x7d])]) {
      const r = decodeErr(frame);
      expect(r.error.code).toBe(ErrorCode.BAD_FRAME);
      expect(r.id).toBeNull();
    }
  });

  it('rejects oversize frames before parsing them', () => {
    const big = JSON.stringify({ v: 1, kind: 'request', id: 1, type: 'ping', data: { pad: 'x'.repeat(LIMITS.maxTextFrameBytes) } });
    expect(decodeErr(big).error.code).toBe(ErrorCode.FRAME_TOO_LARGE);
  });

  it('rejects another protocol version, keeping the id for the answer', () => {
    const r = decodeErr(JSON.stringify({ v: 99, kind: 'request', id: 5, type: 'ping', data: {} }));
    expect(r.error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(r.id).toBe(5);
  });

  it('rejects unknown types, including prototype names', () => {
    for (const type of ['chat.send', '__proto__', 'constructor', 'toString']) {
      const r = decodeErr(JSON.stringify({ v: 1, kind: 'request', id: 6, type, data: {} }));
      expect(r.error.code).toBe(ErrorCode.UNKNOWN_TYPE);
      expect(r.id).toBe(6);
    }
  });

  it('rejects bad envelopes: missing or invalid id, wrong kind, extra fields', () => {
    const cases = [
      { v: 1, kind: 'request', type: 'ping', data: {} },
      { v: 1, kind: 'request', id: 0, type: 'ping', data: {} },
      { v: 1, kind: 'request', id: 1.5, type: 'ping', data: {} },
      { v: 1, kind: 'request', id: 2 ** 31, type: 'ping', data: {} },
      { v: 1, kind: 'event', id: 1, type: 'ping', data: {} },
      { v: 1, kind: 'request', id: 1, type: 'ping', data: {}, extra: true },
    ];
    for (const c of cases) expect(decodeErr(JSON.stringify(c)).error.code).toBe(ErrorCode.BAD_FRAME);
  });

  it('rejects wrong-type, missing, extra and malformed payload fields as INVALID_PAYLOAD', () => {
    const bad: [string, unknown][] = [
      ['channel.join', { channelId: '3' }],
      ['channel.join', { channelId: -1 }],
      ['channel.join', {}],
      ['channel.join', { channelId: 3, admin: true }],
      ['user.rename', { displayName: 5 }],
      ['user.rename', { displayName: 'x'.repeat(LIMITS.displayNameMaxChars * 8 + 1) }],
      ['auth.login', { ...validLogin, publicKey: toBase64Url(new Uint8Array(31)) }],
      ['auth.login', { ...validLogin, signature: 'not base64!' }],
      ['auth.login', { ...validLogin, challenge: undefined }],
      ['auth.login', { ...validLogin, address: '' }],
      ['auth.login', { ...validLogin, address: 'x'.repeat(LIMITS.addressMaxChars + 1) }],
      ['channel.create', { parentId: null, name: 'x', description: 'y'.repeat(LIMITS.channelDescriptionMaxChars + 1) }],
    ];
    for (const [type, data] of bad) {
      const r = decodeErr(JSON.stringify({ v: 1, kind: 'request', id: 9, type, data }));
      expect({ type, code: r.error.code }).toEqual({ type, code: ErrorCode.INVALID_PAYLOAD });
      expect(r.id).toBe(9);
    }
  });
});

describe('server frames', () => {
  it('decodes an events batch in order, single bodies as plain events, and rejects a batch with a bad event', () => {
    const a = encodeEventBody('user.moved', { userId, channelId: 2 });
    const b = encodeEventBody('user.renamed', { userId, displayName: 'Bo' });
    expect(decodeServerFrame(eventsFrame([a, b]))).toEqual({
      ok: true,
      value: {
        kind: 'events',
        events: [
          { event: 'user.moved', data: { userId, channelId: 2 } },
          { event: 'user.renamed', data: { userId, displayName: 'Bo' } },
        ],
      },
    });
    expect(decodeServerFrame(eventsFrame([a]))).toEqual({ ok: true, value: { kind: 'event', event: 'user.moved', data: { userId, channelId: 2 } } });
    const bad = eventsFrame([a, encodeEventBody('user.moved', { userId: 'nope', channelId: 2 } as never)]);
    expect(decodeServerFrame(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('accepts server frames far larger than client frames (big login snapshots), up to its own limit', () => {
    const users = Array.from({ length: 2000 }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), displayName: `user ${i}`, publicKey: key, channelId: 1 }));
    const frame = encodeResponse(1, 'ping', { serverTime: 1, pad: users } as never);
    expect(frame.length).toBeGreaterThan(LIMITS.maxTextFrameBytes);
    expect(decodeServerFrame(frame)).toMatchObject({ ok: true });
    const huge = JSON.stringify({ v: 1, kind: 'response', id: 1, result: 'x'.repeat(LIMITS.maxServerFrameBytes) });
    expect(decodeServerFrame(huge)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
  });

  it('decodes responses and validates them against the request type', () => {
    const text = encodeResponse(3, 'channel.join', { channelId: 4 });
    const decoded = decodeServerFrame(text);
    expect(decoded).toEqual({ ok: true, value: { kind: 'response', id: 3, result: { channelId: 4 } } });
    expect(parseResponse('channel.join', { channelId: 4 })).toEqual({ ok: true, value: { channelId: 4 } });
    expect(parseResponse('channel.join', { channelId: 'x' })).toMatchObject({ ok: false });
  });

  it('decodes errors with known codes and maps unknown codes to INTERNAL', () => {
    const known = decodeServerFrame(encodeError(8, new ProtocolError(ErrorCode.NAME_TAKEN)));
    expect(known).toEqual({ ok: true, value: { kind: 'error', id: 8, code: 'NAME_TAKEN', message: expect.any(String) } });
    const unknown = decodeServerFrame(JSON.stringify({ v: 1, kind: 'error', id: null, error: { code: 'WHAT', message: 'm' } }));
    expect(unknown).toMatchObject({ ok: true, value: { kind: 'error', code: 'INTERNAL' } });
  });

  it('validates every event schema with a sample, and rejects a malformed one', () => {
    const user = { id: userId, displayName: 'Ada', publicKey: key, channelId: 1 };
    const channel = { id: 2, parentId: 1, name: 'Sub', description: '', position: 0, voice: true, bitrate: 48_000 };
    const samples: { [K in keyof typeof EVENTS]: unknown } = {
      'server.hello': {
        protocol: 1,
        serverName: 'S',
        serverKey: key,
        challenge,
        challengeExpiresInMs: 60000,
        limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 2, maxBlobBytes: 3 },
      },
      'user.connected': { user },
      'user.disconnected': { userId },
      'user.moved': { userId, channelId: 2 },
      'user.renamed': { userId, displayName: 'Bob' },
      'channel.created': { channel },
      'channel.updated': { channel },
      'channel.deleted': { channelIds: [2, 3] },
      'keyPackages.low': { stock: 3 },
      'mls.createRequested': { channelId: 2, groupId },
      'mls.commitRequested': { channelId: 2, groupId, epoch: 0 },
      'mls.proposed': { channelId: 2, groupId, epoch: 1 },
      'mls.committed': { channelId: 2, groupId, epoch: 1, committer: userId },
      'mls.welcomed': { channelId: 2, groupId },
      'mls.message': { channelId: 2, groupId, from: userId, epoch: 5 },
      'dm.message': { messageId: 9, from: userId, fromKey: key, groupId, kind: 'message', sentAt: 1_700_000_000_000 },
      'voice.candidate': { candidate: { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host' } },
      'voice.offer': { offer: 'v=0\r\n' },
      'voice.connection': { state: 'connected' },
      'voice.talking': { userId, talking: true },
      'user.voice': { userId, muted: false, deafened: true },
      'server.shutdown': { reason: 'restart' },
    };
    const payload = new Uint8Array([9, 8, 7]);
    for (const [event, data] of Object.entries(samples) as [EventType, unknown][]) {
      const asText = decodeServerFrame(JSON.stringify({ v: 1, kind: 'event', event, data }));
      if (isBinaryEvent(event)) {
        const frame = encodeBinaryFrame({ kind: EVENTS[event].binary.kind, header: { data }, payload });
        expect(decodeServerBinaryFrame(frame)).toEqual({ ok: true, value: { kind: 'event', event, data, payload } });
        expect(asText).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
      } else {
        expect(asText).toEqual({ ok: true, value: { kind: 'event', event, data } });
      }
    }
    expect(decodeServerFrame(encodeEvent('user.moved', { userId, channelId: 2 }))).toMatchObject({ ok: true });
    const bad = decodeServerFrame(JSON.stringify({ v: 1, kind: 'event', event: 'user.moved', data: { userId: 'x', channelId: 2 } }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const unknown = decodeServerFrame(JSON.stringify({ v: 1, kind: 'event', event: 'nope', data: {} }));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TYPE' } });
  });
});
