import { ErrorCode, LIMITS, ProtocolError, fromBase64Url, toBase64Url, type RequestData, type RequestType, type ResponseData, type ServerEvent } from '@lemon/protocol';
import { Emitter } from './emitter';
import { KEY_PACKAGE_TARGET, claimKeyPackage, keepKeyPackagesStocked, topUpKeyPackages, type KeyPackageSource, type TopUpResult } from './key-packages';
import type { SessionEvents, SessionState } from './session';
import type { World } from './world';

/** A server stand-in that keeps a stock and records every request. */
class FakeSession extends Emitter<SessionEvents> {
  state: SessionState = 'online';
  stock = 0;
  hasLastResort = false;
  readonly requests: { type: RequestType; data: unknown }[] = [];
  /** Resolvers of requests held back by `hold`. */
  held: (() => void)[] = [];
  hold = false;

  request<K extends RequestType>(type: K, data: RequestData<K>): Promise<ResponseData<K>> {
    this.requests.push({ type, data });
    const answer = (): unknown => {
      switch (type) {
        case 'keyPackages.stock':
          return { stock: this.stock, hasLastResort: this.hasLastResort };
        case 'keyPackages.upload': {
          const d = data as RequestData<'keyPackages.upload'>;
          this.stock += d.keyPackages.length;
          if (d.lastResort) this.hasLastResort = true;
          return { stock: this.stock };
        }
        case 'keyPackages.claim':
          return { userId: (data as { userId: string }).userId, keyPackage: toBase64Url(new Uint8Array([1, 2, 3])), lastResort: false };
        default:
          throw new ProtocolError(ErrorCode.UNKNOWN_TYPE);
      }
    };
    if (!this.hold) return Promise.resolve(answer() as ResponseData<K>);
    return new Promise((resolve) => this.held.push(() => resolve(answer() as ResponseData<K>)));
  }

  fire<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void {
    this.emit(event, ...args);
  }

  uploads(): RequestData<'keyPackages.upload'>[] {
    return this.requests.filter((r) => r.type === 'keyPackages.upload').map((r) => r.data as RequestData<'keyPackages.upload'>);
  }
}

function source(size = 300): KeyPackageSource & { made: number[]; lastResorts: number } {
  let n = 0;
  const s = {
    made: [] as number[],
    lastResorts: 0,
    make(count: number) {
      s.made.push(count);
      return Array.from({ length: count }, () => new Uint8Array(size).fill(++n % 256));
    },
    lastResort() {
      s.lastResorts += 1;
      return new Uint8Array(size).fill(255);
    },
  };
  return s;
}

const low: ServerEvent = { event: 'keyPackages.low', data: { stock: 3 } };

describe('topUpKeyPackages', () => {
  it('uploads what is missing to the target, plus a last-resort package when the server has none', async () => {
    const session = new FakeSession();
    session.stock = 45;
    const src = source();
    expect(await topUpKeyPackages(session, src)).toEqual({ stock: KEY_PACKAGE_TARGET, uploaded: KEY_PACKAGE_TARGET - 45, lastResortUploaded: true });
    expect(src.made).toEqual([KEY_PACKAGE_TARGET - 45]);
    const [upload] = session.uploads();
    expect(upload?.keyPackages).toHaveLength(5);
    expect(fromBase64Url(upload!.lastResort!)).toEqual(new Uint8Array(300).fill(255));
  });

  it('uploads nothing when the stock is full and a last-resort package exists; only a last-resort one if that is missing', async () => {
    const session = new FakeSession();
    session.stock = KEY_PACKAGE_TARGET;
    session.hasLastResort = true;
    const src = source();
    expect(await topUpKeyPackages(session, src)).toEqual({ stock: KEY_PACKAGE_TARGET, uploaded: 0, lastResortUploaded: false });
    expect(session.uploads()).toEqual([]);
    session.hasLastResort = false;
    await topUpKeyPackages(session, src);
    expect(session.uploads()).toEqual([{ keyPackages: [], lastResort: expect.any(String) }]);
    expect(src.made).toEqual([]);
  });

  it('splits large uploads into frames within the protocol limits, the last-resort package only once', async () => {
    const session = new FakeSession();
    const src = source(LIMITS.maxKeyPackageBytes);
    const result = await topUpKeyPackages(session, src, LIMITS.maxStoredKeyPackages);
    expect(result.stock).toBe(LIMITS.maxStoredKeyPackages);
    const uploads = session.uploads();
    expect(uploads.length).toBeGreaterThan(1);
    for (const u of uploads) {
      expect(u.keyPackages.length).toBeLessThanOrEqual(LIMITS.maxKeyPackagesPerUpload);
      expect(JSON.stringify(u).length).toBeLessThan(LIMITS.maxTextFrameBytes);
    }
    expect(uploads.filter((u) => u.lastResort !== undefined)).toHaveLength(1);
  });
});

describe('keepKeyPackagesStocked', () => {
  it('tops up at once, after every login and on keyPackages.low, one run at a time', async () => {
    const session = new FakeSession();
    const src = source();
    const results: TopUpResult[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    const resultCount = (n: number) =>
      new Promise<void>((resolve) => {
        if (results.length >= n) resolve();
        else waiters.push({ n, resolve });
      });
    const onTopUp = (r: TopUpResult) => {
      results.push(r);
      for (const w of waiters.filter((x) => results.length >= x.n)) w.resolve();
    };
    const keeper = keepKeyPackagesStocked(session, src, { target: 20, onTopUp });
    await resultCount(1);
    expect(results).toEqual([{ stock: 20, uploaded: 20, lastResortUploaded: true }]);

    session.stock = 2;
    session.hold = true;
    session.fire('event', low);
    session.fire('event', low);
    session.fire('online', {} as World, false);
    // One stock request in flight; the other triggers wait for it and then run once.
    expect(session.held).toHaveLength(1);
    session.hold = false;
    session.held.splice(0).forEach((r) => r());
    await resultCount(3);
    expect(results.slice(1)).toEqual([
      { stock: 20, uploaded: 18, lastResortUploaded: false },
      { stock: 20, uploaded: 0, lastResortUploaded: false },
    ]);
    expect(session.requests.filter((r) => r.type === 'keyPackages.stock')).toHaveLength(3);

    keeper.stop();
    const before = session.requests.length;
    session.fire('event', low);
    expect(session.requests.length).toBe(before);
  });

  it('reports a failed top-up to onError', async () => {
    const session = new FakeSession();
    const failing = { make: () => { throw new Error('no randomness'); }, lastResort: () => new Uint8Array(1) };
    const errors: unknown[] = [];
    let notify: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (notify = resolve));
    keepKeyPackagesStocked(session, failing, { onError: (e) => { errors.push(e); notify(); } });
    await failed;
    expect(errors).toEqual([new Error('no randomness')]);
  });
});

describe('claimKeyPackage', () => {
  it('returns the bytes the server handed out', async () => {
    const session = new FakeSession();
    expect(await claimKeyPackage(session, 'ab'.repeat(16))).toEqual(new Uint8Array([1, 2, 3]));
    expect(session.requests).toEqual([{ type: 'keyPackages.claim', data: { userId: 'ab'.repeat(16) } }]);
  });
});
