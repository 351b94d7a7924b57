import { decodeBinaryFrame, encodeBinaryFrame } from './binary';
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
