import {
  RESPONSE_KIND,
  binaryKinds,
  decodeBinaryFrame,
  decodeClientBinaryFrame,
  decodeServerBinaryFrame,
  encodeBinaryEvent,
  encodeBinaryFrame,
  encodeBinaryRequest,
  encodeBinaryResponse,
} from './binary';
import { toBase64Url } from './bytes';
import { ErrorCode } from './errors';
import { LIMITS } from './limits';

describe('binary frames', () => {
  it('round-trips header and payload without copying the payload into JSON', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const bytes = encodeBinaryFrame({ kind: 7, header: { epoch: 3 }, payload });
    const decoded = decodeBinaryFrame(bytes);
    expect(decoded).toEqual({ ok: true, value: { kind: 7, header: { epoch: 3 }, payload } });
  });

  it('rejects truncated, wrong-version, lying-length and non-JSON frames', () => {
    const good = encodeBinaryFrame({ kind: 1, header: { a: 1 }, payload: new Uint8Array([1, 2, 3]) });
    const code = (b: Uint8Array) => {
      const r = decodeBinaryFrame(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(good.subarray(0, 3))).toBe(ErrorCode.BAD_FRAME);
    const wrongVersion = good.slice();
    wrongVersion[0] = 200;
    expect(code(wrongVersion)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const lying = good.slice();
    lying[2] = 0xff;
    lying[3] = 0xff;
    expect(code(lying)).toBe(ErrorCode.FRAME_TOO_LARGE);
    const past = good.slice();
    past[3] = 200;
    expect(code(past)).toBe(ErrorCode.BAD_FRAME);
    const notJson = new Uint8Array([1, 1, 0, 2, 0x7b, 0x7b]);
    expect(code(notJson)).toBe(ErrorCode.BAD_FRAME);
    const array = new Uint8Array([1, 1, 0, 2, 0x5b, 0x5d]);
    expect(code(array)).toBe(ErrorCode.BAD_FRAME);
  });

  it('refuses oversize frames on both sides', () => {
    expect(() => encodeBinaryFrame({ kind: 1, header: {}, payload: new Uint8Array(LIMITS.maxBinaryFrameBytes) })).toThrow();
    const r = decodeBinaryFrame(new Uint8Array(LIMITS.maxBinaryFrameBytes + 1));
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.FRAME_TOO_LARGE } });
  });
});

describe('binary requests, events and responses', () => {
  const groupId = toBase64Url(new Uint8Array(16).fill(1));
  const payload = new Uint8Array([5, 6, 7, 8]);

  it('round-trips a request, an event and a payload response through the typed encoders', () => {
    const request = encodeBinaryRequest(12, 'mls.send', { channelId: 3, groupId }, payload);
    expect(decodeClientBinaryFrame(request)).toEqual({ ok: true, value: { id: 12, type: 'mls.send', data: { channelId: 3, groupId }, payload } });
    const event = encodeBinaryEvent('mls.welcomed', { channelId: 3, groupId }, payload);
    expect(decodeServerBinaryFrame(event)).toEqual({ ok: true, value: { kind: 'event', event: 'mls.welcomed', data: { channelId: 3, groupId }, payload } });
    const response = encodeBinaryResponse(13, 'blob.read', { offset: 0, size: 4 }, payload);
    expect(decodeServerBinaryFrame(response)).toEqual({ ok: true, value: { kind: 'response', id: 13, result: { offset: 0, size: 4 }, payload } });
  });

  it('refuses unknown kinds, events sent to the server, bad headers and empty payloads, keeping the id when it can', () => {
    const code = (r: { ok: boolean; error?: { code: string }; id?: number | null }) => (r.ok ? 'ok' : `${r.error?.code}/${r.id}`);
    expect(code(decodeClientBinaryFrame(encodeBinaryFrame({ kind: 60, header: { id: 3, data: {} }, payload })))).toBe('UNKNOWN_TYPE/3');
    const eventKind = binaryKinds().find((k) => k.direction === 'event')!.kind;
    expect(code(decodeClientBinaryFrame(encodeBinaryFrame({ kind: eventKind, header: { id: 3, data: {} }, payload })))).toBe('UNKNOWN_TYPE/3');
    expect(code(decodeClientBinaryFrame(encodeBinaryFrame({ kind: 3, header: { data: { channelId: 3, groupId } }, payload })))).toBe('BAD_FRAME/null');
    expect(code(decodeClientBinaryFrame(encodeBinaryFrame({ kind: 3, header: { id: 4, data: { channelId: 3, groupId }, extra: 1 }, payload })))).toBe('BAD_FRAME/4');
    expect(code(decodeClientBinaryFrame(encodeBinaryFrame({ kind: 3, header: { id: 5, data: { channelId: 3, groupId } }, payload: new Uint8Array() })))).toBe(
      'INVALID_PAYLOAD/5',
    );
    expect(code(decodeServerBinaryFrame(encodeBinaryFrame({ kind: 3, header: { data: {} }, payload })))).toBe('UNKNOWN_TYPE/null');
    expect(code(decodeServerBinaryFrame(encodeBinaryFrame({ kind: RESPONSE_KIND, header: { result: {} }, payload })))).toBe('BAD_FRAME/null');
  });

  it('numbers every binary message once, requests below 64 and events from 64', () => {
    const kinds = binaryKinds();
    expect(new Set(kinds.map((k) => k.kind)).size).toBe(kinds.length);
    for (const k of kinds) {
      if (k.direction === 'request') expect(k.kind).toBeLessThan(64);
      else expect(k.kind).toBeGreaterThanOrEqual(64);
      expect(k.kind).not.toBe(RESPONSE_KIND);
    }
  });
});
