import { Identity, MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { ErrorCode, LIMITS, ProtocolError, decodeServerFrame, eventsFrame, fromBase64Url, toBase64Url, type ServerMessage } from '@lemon/protocol';
import type { Member } from '../presence/registry';
import type { Storage } from '../storage/db';
import type { ServerContext, Session } from './context';
import { claimKeyPackage, keyPackageStock, uploadKeyPackages } from './key-packages';
import { createTestContext, type TestContext } from './test-context';

let storage: Storage;
let ctx: ServerContext;
let logged: string[];

interface Person {
  identity: Identity;
  mls: MlsClient;
  session: Session;
  events: ServerMessage[];
}

function person(secretByte: number, name: string, online = true): Person {
  const identity = Identity.fromSecretKey(new Uint8Array(32).fill(secretByte));
  storage.users.loginOrCreate(identity.userId, identity.publicKey, name);
  const events: ServerMessage[] = [];
  const record = (frame: string) => {
    const decoded = decodeServerFrame(frame);
    if (decoded.ok) events.push(decoded.value);
  };
  const member: Member = {
    userId: identity.userId,
    publicKey: toBase64Url(identity.publicKey),
    send: record,
    sendEvent: (body) => record(eventsFrame([body])),
    close: () => undefined,
  };
  if (online) ctx.presence.join(member, name, storage.channels.defaultChannelId);
  const session: Session = {
    id: name,
    member,
    hostHeader: null,
    takeChallenge: () => null,
    becomeMember: () => member,
    closeAfterReply: () => undefined,
  };
  return { identity, mls: MlsClient.create(identity.exportSecretKey()), session, events };
}

function failure(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

const b64 = (list: Uint8Array[]) => list.map(toBase64Url);

beforeAll(() => initCryptoFromFile());
let test: TestContext;
beforeEach(() => {
  test = createTestContext('lemon-kp-handlers-');
  ({ ctx, storage, logged } = test);
});
afterEach(() => test.close());

describe('key package handlers', () => {
  it('stores verified packages of the uploader, hands them out and logs only counts', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob');
    const packages = alice.mls.keyPackages(3);
    const lastResort = alice.mls.lastResortKeyPackage();
    expect(uploadKeyPackages(ctx, alice.session, { keyPackages: b64(packages), lastResort: toBase64Url(lastResort) })).toEqual({ stock: 3 });
    expect(keyPackageStock(ctx, alice.session, {})).toEqual({ stock: 3, hasLastResort: true });
    const claimed = claimKeyPackage(ctx, bob.session, { userId: alice.identity.userId });
    expect(claimed).toEqual({ userId: alice.identity.userId, keyPackage: toBase64Url(packages[0]!), lastResort: false });
    expect(keyPackageStock(ctx, alice.session, {})).toEqual({ stock: 2, hasLastResort: true });
    const text = logged.join('\n');
    for (const p of [...packages, lastResort]) expect(text).not.toContain(toBase64Url(p).slice(0, 40));
    expect(text).toContain('key packages uploaded');
  });

  it("refuses a batch containing another identity's, a tampered or a garbage package, storing none of it", () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob');
    const mine = alice.mls.keyPackages(2);
    const tampered = mine[1]!.slice();
    tampered[tampered.length - 1]! ^= 1;
    const cases: [string, () => unknown][] = [
      ['another identity', () => uploadKeyPackages(ctx, alice.session, { keyPackages: b64([mine[0]!, ...bob.mls.keyPackages(1)]) })],
      ['another last resort', () => uploadKeyPackages(ctx, alice.session, { keyPackages: b64(mine), lastResort: toBase64Url(bob.mls.lastResortKeyPackage()) })],
      ['tampered', () => uploadKeyPackages(ctx, alice.session, { keyPackages: b64([mine[0]!, tampered]) })],
      ['garbage', () => uploadKeyPackages(ctx, alice.session, { keyPackages: [toBase64Url(mine[0]!), 'Z2FyYmFnZQ'] })],
      ['oversize', () => uploadKeyPackages(ctx, alice.session, { keyPackages: [toBase64Url(new Uint8Array(LIMITS.maxKeyPackageBytes + 1))] })],
    ];
    for (const [label, run] of cases) {
      const error = failure(run);
      expect({ label, code: error.code }).toEqual({ label, code: ErrorCode.INVALID_PAYLOAD });
    }
    expect(failure(cases[0]![1]).message).toMatch(/another identity/);
    expect(failure(cases[2]![1]).message).toMatch(/MLS_INVALID_KEY_PACKAGE/);
    expect(keyPackageStock(ctx, alice.session, {})).toEqual({ stock: 0, hasLastResort: false });
  });

  it('answers NO_SUCH_USER and NO_KEY_PACKAGE, and returns the last-resort package without consuming it', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob');
    expect(failure(() => claimKeyPackage(ctx, bob.session, { userId: 'c'.repeat(32) })).code).toBe(ErrorCode.NO_SUCH_USER);
    expect(failure(() => claimKeyPackage(ctx, bob.session, { userId: alice.identity.userId })).code).toBe(ErrorCode.NO_KEY_PACKAGE);
    const lastResort = alice.mls.lastResortKeyPackage();
    uploadKeyPackages(ctx, alice.session, { keyPackages: [], lastResort: toBase64Url(lastResort) });
    for (let i = 0; i < 3; i++) {
      const claimed = claimKeyPackage(ctx, bob.session, { userId: alice.identity.userId });
      expect(claimed.lastResort).toBe(true);
      expect(fromBase64Url(claimed.keyPackage)).toEqual(lastResort);
    }
  });

  it('tells the owner, and only the owner, when a claim leaves the stock below the low-water mark', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob');
    uploadKeyPackages(ctx, alice.session, { keyPackages: b64(alice.mls.keyPackages(LIMITS.keyPackageLowWater + 1)) });
    claimKeyPackage(ctx, bob.session, { userId: alice.identity.userId });
    expect(alice.events).toEqual([]);
    claimKeyPackage(ctx, bob.session, { userId: alice.identity.userId });
    expect(alice.events).toEqual([{ kind: 'event', event: 'keyPackages.low', data: { stock: LIMITS.keyPackageLowWater - 1 } }]);
    expect(bob.events).toEqual([]);
  });

  it('stores nothing beyond the cap: KEY_PACKAGES_FULL', () => {
    const alice = person(1, 'Alice');
    const batch = () => b64(alice.mls.keyPackages(LIMITS.maxKeyPackagesPerUpload));
    let stored = 0;
    while (stored + LIMITS.maxKeyPackagesPerUpload <= LIMITS.maxStoredKeyPackages) {
      stored = uploadKeyPackages(ctx, alice.session, { keyPackages: batch() }).stock;
    }
    expect(failure(() => uploadKeyPackages(ctx, alice.session, { keyPackages: b64(alice.mls.keyPackages(LIMITS.maxStoredKeyPackages - stored + 1)) })).code).toBe(
      ErrorCode.KEY_PACKAGES_FULL,
    );
    expect(keyPackageStock(ctx, alice.session, {}).stock).toBe(stored);
  });
});
