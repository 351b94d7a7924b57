import { Identity, MlsClient, MlsExternalSender, validateKeyPackage } from '@lemon/crypto-wasm';
import { LIMITS, fromBase64Url, toBase64Url, type ServerEvent } from '@lemon/protocol';
import { claimKeyPackage, keepKeyPackagesStocked, type KeyPackageSource, type TopUpResult } from '@lemon/session';
import { codeOf, connectClient, initCrypto, makeTempDir, nextEvent, removeTempDirs, sharedServer, startServerProcess, type TestClient } from './helpers';

const mlsOf = (c: TestClient) => MlsClient.create(c.identity.exportSecretKey());
const b64 = (list: Uint8Array[]) => list.map(toBase64Url);
const sourceOf = (mls: MlsClient): KeyPackageSource => ({ make: (n) => mls.keyPackages(n), lastResort: () => mls.lastResortKeyPackage() });

/** Every event a client receives from now on. */
function recordEvents(c: TestClient): ServerEvent[] {
  const seen: ServerEvent[] = [];
  c.session.on('event', (e) => seen.push(e));
  return seen;
}

describe('key packages through the real server', () => {
  const shared = sharedServer();

  it('stores uploads, hands each one-time package out once, then the last-resort one repeatedly', async () => {
    const ada = await shared.join('Ada');
    const bob = await shared.join('Bob');
    const mls = mlsOf(ada);
    const packages = mls.keyPackages(3);
    const lastResort = mls.lastResortKeyPackage();
    expect(await ada.session.request('keyPackages.upload', { keyPackages: b64(packages), lastResort: toBase64Url(lastResort) })).toEqual({ stock: 3 });
    expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: 3, hasLastResort: true });

    const claimed: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await bob.session.request('keyPackages.claim', { userId: ada.identity.userId });
      expect(answer).toMatchObject({ userId: ada.identity.userId, lastResort: false });
      const bytes = fromBase64Url(answer.keyPackage)!;
      expect(validateKeyPackage(bytes)).toEqual(ada.identity.publicKey);
      claimed.push(bytes);
      expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: 2 - i, hasLastResort: true });
    }
    expect(claimed).toEqual(packages);
    for (let i = 0; i < 3; i++) {
      const answer = await bob.session.request('keyPackages.claim', { userId: ada.identity.userId });
      expect(answer.lastResort).toBe(true);
      expect(fromBase64Url(answer.keyPackage)).toEqual(lastResort);
    }
    expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: 0, hasLastResort: true });
    // What was claimed really works: Bob adds Ada to a group with it and Ada joins from the Welcome.
    const group = new TextEncoder().encode('dm-test');
    const externalSender = MlsExternalSender.fromSecretKey(new Uint8Array(32).fill(0x5a));
    const bobMls = mlsOf(bob);
    bobMls.createGroup(group, externalSender.publicKey, new TextEncoder().encode('test-server'));
    bobMls.processMessage(group, externalSender.proposeAdd(group, 0, claimed[0]!));
    const bundle = bobMls.commitPendingProposals(group);
    bobMls.mergePendingCommit(group);
    expect(mls.joinFromWelcome(bundle.welcome as Uint8Array)).toEqual(group);
    expect(validateKeyPackage(await claimKeyPackage(bob.session, ada.identity.userId))).toEqual(ada.identity.publicKey);
    // Only counts are logged, never the packages.
    await shared.server.waitForLog((line) => line.includes('key package claimed'));
    const logs = shared.server.logLines.join('\n');
    expect(logs).toContain('key packages uploaded');
    for (const p of [...packages, lastResort]) expect(logs).not.toContain(toBase64Url(p).slice(0, 32));
  });

  it('answers NO_KEY_PACKAGE for a user without any and NO_SUCH_USER for an unknown one', async () => {
    const ada = await shared.join('Ada');
    const bob = await shared.join('Bob');
    expect(await codeOf(bob.session.request('keyPackages.claim', { userId: ada.identity.userId }))).toBe('NO_KEY_PACKAGE');
    expect(await codeOf(bob.session.request('keyPackages.claim', { userId: Identity.generate().userId }))).toBe('NO_SUCH_USER');
    expect(await codeOf(bob.session.request('keyPackages.claim', { userId: 'nope' } as never))).toBe('INVALID_PAYLOAD');
  });

  it("refuses another identity's package uploaded as mine, garbage and oversize packages, storing nothing", async () => {
    const ada = await shared.join('Ada');
    const eve = await shared.join('Eve');
    const mine = mlsOf(ada).keyPackages(2);
    const foreign = mlsOf(ada).keyPackages(1);
    // Eve uploads Ada's package next to her own: refused whole.
    const eveOwn = mlsOf(eve).keyPackages(1);
    expect(await codeOf(eve.session.request('keyPackages.upload', { keyPackages: b64([...eveOwn, ...foreign]) }))).toBe('INVALID_PAYLOAD');
    expect(await codeOf(eve.session.request('keyPackages.upload', { keyPackages: b64(eveOwn), lastResort: toBase64Url(mine[0]!) }))).toBe('INVALID_PAYLOAD');
    expect(await eve.session.request('keyPackages.stock', {})).toEqual({ stock: 0, hasLastResort: false });
    expect(await codeOf(eve.session.request('keyPackages.claim', { userId: eve.identity.userId }))).toBe('NO_KEY_PACKAGE');

    const tampered = mine[1]!.slice();
    tampered[tampered.length - 1]! ^= 1;
    const bad: unknown[] = [
      { keyPackages: [toBase64Url(mine[0]!), toBase64Url(tampered)] },
      { keyPackages: [toBase64Url(new TextEncoder().encode('certainly not a key package'))] },
      { keyPackages: ['***'] },
      { keyPackages: [toBase64Url(new Uint8Array(LIMITS.maxKeyPackageBytes + 1))] },
      { keyPackages: Array.from({ length: LIMITS.maxKeyPackagesPerUpload + 1 }, () => toBase64Url(mine[0]!.slice(0, 8))) },
    ];
    for (const data of bad) expect(await codeOf(ada.session.request('keyPackages.upload', data as never))).toBe('INVALID_PAYLOAD');
    expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: 0, hasLastResort: false });
    // The same session still works: the good packages go in afterwards.
    expect(await ada.session.request('keyPackages.upload', { keyPackages: b64(mine) })).toEqual({ stock: 2 });
  });

  it('sends keyPackages.low to the owner only, and the session helper refills to its target', async () => {
    const ada = await shared.join('Ada');
    const bob = await shared.join('Bob');
    const bobEvents = recordEvents(bob);
    const target = LIMITS.keyPackageLowWater + 2;
    const results: TopUpResult[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    const errors: unknown[] = [];
    const resultCount = (n: number) =>
      new Promise<void>((resolve) => (results.length >= n ? resolve() : waiters.push({ n, resolve })));
    const keeper = keepKeyPackagesStocked(ada.session, sourceOf(mlsOf(ada)), {
      target,
      onTopUp: (r) => {
        results.push(r);
        waiters.filter((w) => results.length >= w.n).forEach((w) => w.resolve());
      },
      onError: (e) => errors.push(e),
    });
    try {
      await resultCount(1);
      expect(results[0]).toEqual({ stock: target, uploaded: target, lastResortUploaded: true });

      const low = nextEvent(ada.session, 'keyPackages.low');
      // Two claims leave exactly the low-water mark: no event yet; the third goes below it.
      for (let i = 0; i < 3; i++) await claimKeyPackage(bob.session, ada.identity.userId);
      expect((await low).data).toEqual({ stock: LIMITS.keyPackageLowWater - 1 });
      await resultCount(2);
      expect(results[1]).toEqual({ stock: target, uploaded: 3, lastResortUploaded: false });
      expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: target, hasLastResort: true });
      expect(bobEvents.filter((e) => e.event === 'keyPackages.low')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      keeper.stop();
    }
  });

  it('never hands the same package to two clients claiming at the same time', async () => {
    const ada = await shared.join('Ada');
    const bob = await shared.join('Bob');
    const cyd = await shared.join('Cyd');
    const mls = mlsOf(ada);
    const count = 30;
    await ada.session.request('keyPackages.upload', { keyPackages: b64(mls.keyPackages(count)), lastResort: toBase64Url(mls.lastResortKeyPackage()) });
    const claims = (c: TestClient) => Array.from({ length: count / 2 }, () => c.session.request('keyPackages.claim', { userId: ada.identity.userId }));
    const answers = await Promise.all([...claims(bob), ...claims(cyd)]);
    expect(answers.every((a) => !a.lastResort)).toBe(true);
    expect(new Set(answers.map((a) => a.keyPackage)).size).toBe(count);
    expect(await ada.session.request('keyPackages.stock', {})).toEqual({ stock: 0, hasLastResort: true });
    expect((await bob.session.request('keyPackages.claim', { userId: ada.identity.userId })).lastResort).toBe(true);
  });
});

describe('key packages across a restart', () => {
  beforeAll(initCrypto);
  afterAll(removeTempDirs);

  it('keeps the stock (and the last-resort package) on the same data folder', async () => {
    const dataDir = makeTempDir();
    const identity = Identity.generate();
    const mls = MlsClient.create(identity.exportSecretKey());
    const packages = mls.keyPackages(2);
    const lastResort = mls.lastResortKeyPackage();
    const first = await startServerProcess({ dataDir });
    try {
      const ada = await connectClient(first.wsUrl, 'Ada', { identity });
      await ada.session.request('keyPackages.upload', { keyPackages: b64(packages), lastResort: toBase64Url(lastResort) });
      ada.session.close();
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    const second = await startServerProcess({ dataDir });
    try {
      const bob = await connectClient(second.wsUrl, 'Bob');
      const claimed = [];
      for (let i = 0; i < 3; i++) claimed.push(await bob.session.request('keyPackages.claim', { userId: identity.userId }));
      expect(claimed.map((c) => fromBase64Url(c.keyPackage))).toEqual([...packages, lastResort]);
      expect(claimed.map((c) => c.lastResort)).toEqual([false, false, true]);
      bob.session.close();
    } finally {
      await second.stop();
    }
  });
});
