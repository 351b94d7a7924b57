import { Identity, MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import { DirectMessages, DmError } from './direct-messages';

beforeAll(() => initCryptoFromFile());

function user() {
  const identity = Identity.generate();
  const mls = MlsClient.create(identity.exportSecretKey());
  return { identity, mls, dms: new DirectMessages(mls), id: identity.userId };
}

const delivery = (from: ReturnType<typeof user>, groupId: string, kind: 'welcome' | 'message', messageId = 1) => ({
  messageId,
  from: from.id,
  fromKey: toBase64Url(from.identity.publicKey),
  groupId,
  kind,
  sentAt: 1,
});

describe('DirectMessages', () => {
  it('starts a conversation from a key package and exchanges messages both ways', () => {
    const ann = user();
    const bob = user();
    const started = ann.dms.start(bob.id, bob.mls.keyPackages(1)[0]!);
    expect(bob.dms.receive(delivery(ann, started.groupId, 'welcome'), started.welcome)).toMatchObject({ kind: 'joined' });
    const toBob = ann.dms.encrypt(bob.id, new TextEncoder().encode('hi bob'));
    const got = bob.dms.receive(delivery(ann, toBob.groupId, 'message', 2), toBob.payload);
    expect(got.kind === 'message' && new TextDecoder().decode(got.plaintext)).toBe('hi bob');
    const toAnn = bob.dms.encrypt(ann.id, new TextEncoder().encode('hi ann'));
    const back = ann.dms.receive(delivery(bob, toAnn.groupId, 'message', 3), toAnn.payload);
    expect(back.kind === 'message' && new TextDecoder().decode(back.plaintext)).toBe('hi ann');
    // The same ciphertext again is a replay, not a second message.
    expect(bob.dms.receive(delivery(ann, toBob.groupId, 'message', 2), toBob.payload)).toMatchObject({ kind: 'ignored' });
  });

  it("refuses a key package that is not the named user's", () => {
    const ann = user();
    const bob = user();
    const eve = user();
    expect(() => ann.dms.start(bob.id, eve.mls.keyPackages(1)[0]!)).toThrow(DmError);
  });

  it('ignores a message claiming to come from someone other than its MLS sender', () => {
    const ann = user();
    const bob = user();
    const eve = user();
    const started = ann.dms.start(bob.id, bob.mls.keyPackages(1)[0]!);
    bob.dms.receive(delivery(ann, started.groupId, 'welcome'), started.welcome);
    const sealed = ann.dms.encrypt(bob.id, new TextEncoder().encode('x'));
    expect(bob.dms.receive(delivery(eve, sealed.groupId, 'message'), sealed.payload)).toMatchObject({ kind: 'ignored' });
  });

  it('keeps both groups when both start at once and both send on the smaller id', () => {
    const ann = user();
    const bob = user();
    const a = ann.dms.start(bob.id, bob.mls.keyPackages(1)[0]!);
    const b = bob.dms.start(ann.id, ann.mls.keyPackages(1)[0]!);
    bob.dms.receive(delivery(ann, a.groupId, 'welcome'), a.welcome);
    ann.dms.receive(delivery(bob, b.groupId, 'welcome'), b.welcome);
    expect(ann.dms.encrypt(bob.id, new Uint8Array([1])).groupId).toBe(bob.dms.encrypt(ann.id, new Uint8Array([1])).groupId);
  });
});
