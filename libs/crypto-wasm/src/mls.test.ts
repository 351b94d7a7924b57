// MLS through the real WebAssembly module: a server (external sender) and several clients, all
// in this process, exchanging bytes only.
import {
  MLS_MAX_PAST_EPOCHS,
  MlsClient,
  MlsDeliveryService,
  MlsExternalSender,
  inspectMlsMessage,
  validateKeyPackage,
} from './index';
import type { MlsProcessed } from './index';
import { initCryptoFromFile } from './node';
import { codeOf } from './test-support';

const GROUP = new TextEncoder().encode('channel-1');
const SERVER_NAME = new TextEncoder().encode('lemon-server');
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);
const secret = (byte: number) => new Uint8Array(32).fill(byte);

let server: MlsExternalSender;


function create(creator: MlsClient, group = GROUP): void {
  creator.createGroup(group, server.publicKey, SERVER_NAME);
}

/** Server proposes the Add; members store it; `committer` commits; others follow; joiner joins. */
function add(committer: MlsClient, others: MlsClient[], joiner: MlsClient): void {
  const [keyPackage] = joiner.keyPackages(1);
  const epoch = committer.epoch(GROUP);
  const proposal = server.proposeAdd(GROUP, epoch, keyPackage as Uint8Array);
  const stored = committer.processMessage(GROUP, proposal);
  expect(stored).toEqual({
    kind: 'proposal',
    action: { type: 'add', publicKey: joiner.publicKey },
    sender: { type: 'external', credential: SERVER_NAME },
    epoch,
  });
  for (const other of others) other.processMessage(GROUP, proposal);
  const bundle = committer.commitPendingProposals(GROUP);
  expect(bundle.groupInfo).toBeInstanceOf(Uint8Array);
  committer.mergePendingCommit(GROUP);
  for (const other of others) expect(other.processMessage(GROUP, bundle.commit)).toMatchObject({ kind: 'commit' });
  expect(joiner.joinFromWelcome(bundle.welcome as Uint8Array)).toEqual(GROUP);
}

function three(): [MlsClient, MlsClient, MlsClient] {
  const alice = MlsClient.create(secret(1));
  const bob = MlsClient.create(secret(2));
  const carol = MlsClient.create(secret(3));
  create(alice);
  add(alice, [], bob);
  add(alice, [bob], carol);
  return [alice, bob, carol];
}

function read(receiver: MlsClient, message: Uint8Array): string {
  const processed: MlsProcessed = receiver.processMessage(GROUP, message);
  if (processed.kind !== 'application') throw new Error(`expected an application message, got ${processed.kind}`);
  return text(processed.plaintext);
}

beforeAll(async () => {
  await initCryptoFromFile();
  server = MlsExternalSender.fromSecretKey(secret(0xaa));
});

describe('MlsClient', () => {
  it('three members exchange messages', () => {
    const [alice, bob, carol] = three();
    expect(alice.epoch(GROUP)).toBe(2);
    expect(bob.members(GROUP)).toEqual([
      { index: 0, publicKey: alice.publicKey },
      { index: 1, publicKey: bob.publicKey },
      { index: 2, publicKey: carol.publicKey },
    ]);
    const message = alice.encrypt(GROUP, bytes('hello from alice'));
    expect(bob.processMessage(GROUP, message)).toEqual({
      kind: 'application',
      plaintext: bytes('hello from alice'),
      sender: { type: 'member', publicKey: alice.publicKey },
      epoch: 2,
    });
    expect(read(carol, message)).toBe('hello from alice');
    expect(read(alice, carol.encrypt(GROUP, bytes('hi')))).toBe('hi');
    expect(alice.processMessage(GROUP, message)).toEqual({ kind: 'own', epoch: 2 });
    expect(bob.epochAuthenticator(GROUP)).toEqual(alice.epochAuthenticator(GROUP));
    expect(carol.exportSecret(GROUP, 'sframe', bytes('ctx'), 32)).toEqual(
      alice.exportSecret(GROUP, 'sframe', bytes('ctx'), 32),
    );
  });

  it('a fourth member joins through an external Add and cannot read earlier messages', () => {
    const [alice, bob, carol] = three();
    const before = alice.encrypt(GROUP, bytes('before dave'));
    const dave = MlsClient.create(secret(4));
    add(bob, [alice, carol], dave);
    expect(dave.members(GROUP)).toHaveLength(4);
    expect(codeOf(() => dave.processMessage(GROUP, before))).toBe('MLS_WRONG_EPOCH');
    expect(read(dave, alice.encrypt(GROUP, bytes('welcome dave')))).toBe('welcome dave');
  });

  it('an external Remove and a commit lock the removed member out', () => {
    const [alice, bob, carol] = three();
    const carolIndex = alice.members(GROUP).find((m) => text(m.publicKey) === text(carol.publicKey))?.index;
    const remove = server.proposeRemove(GROUP, alice.epoch(GROUP), carolIndex as number);
    for (const member of [alice, bob, carol]) {
      expect(member.processMessage(GROUP, remove)).toMatchObject({
        kind: 'proposal',
        action: { type: 'remove', publicKey: carol.publicKey },
      });
    }
    const carolBefore = MlsClient.restore(secret(3), carol.exportState());
    const bundle = alice.commitPendingProposals(GROUP);
    expect(bundle.welcome).toBeUndefined();
    expect(alice.mergePendingCommit(GROUP).members).toHaveLength(2);
    expect(bob.processMessage(GROUP, bundle.commit)).toMatchObject({ kind: 'commit', epoch: 3, removed: false });
    expect(carol.processMessage(GROUP, bundle.commit)).toEqual({ kind: 'commit', epoch: 3, members: [], removed: true });
    expect(carol.groupIds()).toEqual([]);
    const next = alice.encrypt(GROUP, bytes('carol is gone'));
    expect(read(bob, next)).toBe('carol is gone');
    expect(codeOf(() => carol.processMessage(GROUP, next))).toBe('MLS_UNKNOWN_GROUP');
    expect(codeOf(() => carolBefore.processMessage(GROUP, next))).toBe('MLS_WRONG_EPOCH');
  });

  it('rejects tampered ciphertext, replays and messages of other epochs', () => {
    const [alice, bob] = three();
    const message = alice.encrypt(GROUP, bytes('do not touch'));
    const tampered = message.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(codeOf(() => bob.processMessage(GROUP, tampered))).toBe('MLS_DECRYPTION_FAILED');
    expect(read(bob, message)).toBe('do not touch');
    expect(codeOf(() => bob.processMessage(GROUP, message))).toBe('MLS_REPLAY');

    // A message from an epoch Bob has not reached...
    const bundle = alice.commitPendingProposals(GROUP);
    alice.mergePendingCommit(GROUP);
    const ahead = alice.encrypt(GROUP, bytes('ahead'));
    expect(codeOf(() => bob.processMessage(GROUP, ahead))).toBe('MLS_WRONG_EPOCH');
    bob.processMessage(GROUP, bundle.commit);
    expect(read(bob, ahead)).toBe('ahead');
    // ...and a commit seen again.
    expect(codeOf(() => bob.processMessage(GROUP, bundle.commit))).toBe('MLS_WRONG_EPOCH');
  });

  it(`keeps ${MLS_MAX_PAST_EPOCHS} past epochs for late messages`, () => {
    const [alice, bob] = three();
    const late: Uint8Array[] = [];
    for (let i = 0; i <= MLS_MAX_PAST_EPOCHS; i++) {
      late.push(alice.encrypt(GROUP, bytes(`late ${i}`)));
      const bundle = bob.commitPendingProposals(GROUP);
      bob.mergePendingCommit(GROUP);
      alice.processMessage(GROUP, bundle.commit);
    }
    // late[1] is exactly MLS_MAX_PAST_EPOCHS epochs old, late[0] one more.
    expect(inspectMlsMessage(late[1] as Uint8Array).epoch).toBe(bob.epoch(GROUP) - MLS_MAX_PAST_EPOCHS);
    expect(inspectMlsMessage(late[0] as Uint8Array).epoch).toBe(bob.epoch(GROUP) - MLS_MAX_PAST_EPOCHS - 1);
    expect(read(bob, late[MLS_MAX_PAST_EPOCHS] as Uint8Array)).toBe(`late ${MLS_MAX_PAST_EPOCHS}`);
    expect(read(bob, late[1] as Uint8Array)).toBe('late 1');
    expect(codeOf(() => bob.processMessage(GROUP, late[0] as Uint8Array))).toBe('MLS_WRONG_EPOCH');
  });

  it('rejects a commit from a non-member and a proposal not signed by the external sender', () => {
    const [alice] = three();
    const mallory = MlsClient.create(secret(9));
    create(mallory);
    add(mallory, [], MlsClient.create(secret(10)));
    const accomplice = MlsClient.create(secret(11));
    mallory.commitPendingProposals(GROUP);
    mallory.mergePendingCommit(GROUP);
    expect(mallory.epoch(GROUP)).toBe(alice.epoch(GROUP));
    const forged = mallory.commitPendingProposals(GROUP);
    expect(codeOf(() => alice.processMessage(GROUP, forged.commit))).toBe('MLS_NOT_A_MEMBER');

    const rogue = MlsExternalSender.fromSecretKey(secret(0xbb));
    const [keyPackage] = accomplice.keyPackages(1);
    const proposal = rogue.proposeAdd(GROUP, alice.epoch(GROUP), keyPackage as Uint8Array);
    expect(codeOf(() => alice.processMessage(GROUP, proposal))).toBe('MLS_INVALID_SIGNATURE');
    expect(alice.epoch(GROUP)).toBe(2);
  });

  it('two commits for one epoch: the loser clears its own and processes the winner', () => {
    const [alice, bob, carol] = three();
    const dave = MlsClient.create(secret(4));
    const [keyPackage] = dave.keyPackages(1);
    const proposal = server.proposeAdd(GROUP, 2, keyPackage as Uint8Array);
    for (const member of [alice, bob, carol]) member.processMessage(GROUP, proposal);
    const winner = alice.commitPendingProposals(GROUP);
    const loser = bob.commitPendingProposals(GROUP);
    expect(codeOf(() => bob.encrypt(GROUP, bytes('x')))).toBe('MLS_INVALID_STATE');
    alice.mergePendingCommit(GROUP);
    bob.clearPendingCommit(GROUP);
    bob.clearPendingCommit(GROUP); // nothing pending: no-op
    expect(codeOf(() => bob.mergePendingCommit(GROUP))).toBe('MLS_INVALID_STATE');
    expect(bob.processMessage(GROUP, winner.commit)).toMatchObject({ kind: 'commit', epoch: 3 });
    carol.processMessage(GROUP, winner.commit);
    expect(codeOf(() => carol.processMessage(GROUP, loser.commit))).toBe('MLS_WRONG_EPOCH');
    dave.joinFromWelcome(winner.welcome as Uint8Array);
    const hello = bob.encrypt(GROUP, bytes('all in epoch 3'));
    for (const member of [alice, carol, dave]) expect(read(member, hello)).toBe('all in epoch 3');
  });

  it('state export and restore keep the group (and unused key packages) working', () => {
    const [alice, bob, carol] = three();
    const [spare] = bob.keyPackages(1);
    const restored = MlsClient.restore(secret(2), bob.exportState());
    expect(restored.groupIds()).toEqual([GROUP]);
    expect(read(restored, alice.encrypt(GROUP, bytes('after restore')))).toBe('after restore');
    const bundle = restored.commitPendingProposals(GROUP);
    restored.mergePendingCommit(GROUP);
    alice.processMessage(GROUP, bundle.commit);
    carol.processMessage(GROUP, bundle.commit);
    expect(read(carol, restored.encrypt(GROUP, bytes('from restored bob')))).toBe('from restored bob');

    const other = bytes('channel-2');
    create(carol, other);
    carol.processMessage(other, server.proposeAdd(other, 0, spare as Uint8Array));
    const welcome = carol.commitPendingProposals(other).welcome as Uint8Array;
    carol.mergePendingCommit(other);
    expect(restored.joinFromWelcome(welcome, carol.ratchetTree(other))).toEqual(other);

    expect(codeOf(() => MlsClient.restore(secret(1), bob.exportState()))).toBe('MLS_CORRUPT_STATE');
    expect(codeOf(() => MlsClient.restore(secret(2), bytes('LEMONMLS')))).toBe('MLS_CORRUPT_STATE');
  });

  it('last-resort key packages stay usable; one-time ones do not', () => {
    const alice = MlsClient.create(secret(1));
    const bob = MlsClient.create(secret(2));
    const lastResort = bob.lastResortKeyPackage();
    const [once] = bob.keyPackages(1);
    const welcomes: Uint8Array[] = [];
    for (const [name, keyPackage] of [
      ['g1', lastResort],
      ['g2', lastResort],
      ['g3', once],
      ['g4', once],
    ] as const) {
      const group = bytes(name);
      create(alice, group);
      alice.processMessage(group, server.proposeAdd(group, 0, keyPackage as Uint8Array));
      welcomes.push(alice.commitPendingProposals(group).welcome as Uint8Array);
      alice.mergePendingCommit(group);
    }
    expect(bob.joinFromWelcome(welcomes[0] as Uint8Array)).toEqual(bytes('g1'));
    expect(bob.joinFromWelcome(welcomes[1] as Uint8Array)).toEqual(bytes('g2'));
    expect(bob.joinFromWelcome(welcomes[2] as Uint8Array)).toEqual(bytes('g3'));
    expect(codeOf(() => bob.joinFromWelcome(welcomes[3] as Uint8Array))).toBe('MLS_NO_MATCHING_KEY_PACKAGE');
  });

  it('maps argument and lookup errors', () => {
    const alice = MlsClient.create(secret(1));
    create(alice);
    expect(codeOf(() => create(alice))).toBe('MLS_GROUP_EXISTS');
    expect(codeOf(() => alice.createGroup(new Uint8Array(0), server.publicKey, SERVER_NAME))).toBe(
      'MLS_INVALID_ARGUMENT',
    );
    expect(codeOf(() => alice.createGroup(bytes('x'), new Uint8Array(32), SERVER_NAME))).toBe('INVALID_KEY');
    expect(codeOf(() => alice.encrypt(bytes('nope'), bytes('x')))).toBe('MLS_UNKNOWN_GROUP');
    expect(codeOf(() => alice.processMessage(GROUP, bytes('garbage')))).toBe('MLS_MALFORMED_MESSAGE');
    expect(codeOf(() => alice.exportSecret(GROUP, 'l', new Uint8Array(0), 0))).toBe('MLS_INVALID_ARGUMENT');
    expect(codeOf(() => alice.keyPackages(101))).toBe('INVALID_INPUT');
    expect(codeOf(() => server.proposeAdd(GROUP, 0, bytes('not a key package')))).toBe('MLS_MALFORMED_MESSAGE');
    const [keyPackage] = MlsClient.create(secret(7)).keyPackages(1);
    const damaged = (keyPackage as Uint8Array).slice();
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 1;
    expect(codeOf(() => server.proposeAdd(GROUP, 0, damaged))).toBe('MLS_INVALID_KEY_PACKAGE');
    expect(codeOf(() => server.proposeAdd(GROUP, -1, keyPackage as Uint8Array))).toBe('INVALID_INPUT');
    expect(codeOf(() => MlsClient.create(secret(1).subarray(1)))).toBe('INVALID_KEY');
    alice.leaveGroup(GROUP);
    expect(alice.groupIds()).toEqual([]);
  });
});

describe('MlsDeliveryService', () => {
  it('follows a group, accepts the first commit per epoch and proposes by key', () => {
    const ds = MlsDeliveryService.fromSecretKey(secret(0xcc));
    const [alice, bob, carol] = [secret(1), secret(2), secret(3)].map((s) => MlsClient.create(s)) as [
      MlsClient,
      MlsClient,
      MlsClient,
    ];
    alice.createGroup(GROUP, ds.publicKey, SERVER_NAME);
    expect(ds.trackGroup(alice.groupInfo(GROUP))).toEqual(GROUP);
    expect(ds.epoch(GROUP)).toBe(0);

    expect(alice.keyPackages(0)).toEqual([]);
    const addBob = ds.proposeAdd(GROUP, bob.keyPackages(1)[0] as Uint8Array);
    alice.processMessage(GROUP, addBob);
    const first = alice.commitPendingProposals(GROUP);
    expect(ds.acceptCommit(GROUP, first.commit)).toEqual({
      epoch: 1,
      members: [
        { index: 0, publicKey: alice.publicKey },
        { index: 1, publicKey: bob.publicKey },
      ],
      committer: alice.publicKey,
    });
    alice.mergePendingCommit(GROUP);
    bob.joinFromWelcome(first.welcome as Uint8Array);

    const addCarol = ds.proposeAdd(GROUP, carol.keyPackages(1)[0] as Uint8Array);
    alice.processMessage(GROUP, addCarol);
    bob.processMessage(GROUP, addCarol);
    const fromBob = bob.commitPendingProposals(GROUP);
    const fromAlice = alice.commitPendingProposals(GROUP);
    expect(ds.acceptCommit(GROUP, fromBob.commit).committer).toEqual(bob.publicKey);
    expect(codeOf(() => ds.acceptCommit(GROUP, fromAlice.commit))).toBe('MLS_WRONG_EPOCH');
    bob.mergePendingCommit(GROUP);
    alice.clearPendingCommit(GROUP);
    alice.processMessage(GROUP, fromBob.commit);
    carol.joinFromWelcome(fromBob.welcome as Uint8Array);
    expect(ds.members(GROUP)).toEqual(carol.members(GROUP));

    const removeCarol = ds.proposeRemove(GROUP, carol.publicKey);
    for (const member of [alice, bob, carol]) member.processMessage(GROUP, removeCarol);
    const removal = alice.commitPendingProposals(GROUP);
    expect(ds.acceptCommit(GROUP, removal.commit).members).toHaveLength(2);
    alice.mergePendingCommit(GROUP);
    expect(carol.processMessage(GROUP, removal.commit)).toMatchObject({ kind: 'commit', removed: true });
    expect(bob.processMessage(GROUP, removal.commit)).toMatchObject({ kind: 'commit', epoch: 3 });
    expect(read(bob, alice.encrypt(GROUP, bytes('two of us')))).toBe('two of us');

    expect(codeOf(() => ds.proposeRemove(GROUP, carol.publicKey))).toBe('MLS_NOT_A_MEMBER');
    expect(codeOf(() => ds.acceptCommit(GROUP, alice.encrypt(GROUP, bytes('x'))))).toBe('MLS_MALFORMED_MESSAGE');
    ds.forgetGroup(GROUP);
    expect(codeOf(() => ds.epoch(GROUP))).toBe('MLS_UNKNOWN_GROUP');
  });

  it('refuses groups it is not the external sender of, and commits from outside', () => {
    const ds = MlsDeliveryService.fromSecretKey(secret(0xcc));
    const alice = MlsClient.create(secret(1));
    alice.createGroup(GROUP, server.publicKey, SERVER_NAME);
    expect(codeOf(() => ds.trackGroup(alice.groupInfo(GROUP)))).toBe('MLS_UNAUTHORIZED_SENDER');

    const other = bytes('channel-9');
    alice.createGroup(other, ds.publicKey, SERVER_NAME);
    ds.trackGroup(alice.groupInfo(other));
    const mallory = MlsClient.create(secret(9));
    mallory.createGroup(other, ds.publicKey, SERVER_NAME);
    // Claims leaf 0 (Alice's) but is signed by Mallory.
    expect(codeOf(() => ds.acceptCommit(other, mallory.commitPendingProposals(other).commit))).toBe(
      'MLS_INVALID_SIGNATURE',
    );
    expect(ds.epoch(other)).toBe(0);
  });
});

describe('validateKeyPackage', () => {
  it("returns the owner's identity key for one-time and last-resort key packages", () => {
    const alice = MlsClient.create(secret(0x11));
    const [one] = alice.keyPackages(1);
    expect(validateKeyPackage(one as Uint8Array)).toEqual(alice.publicKey);
    expect(validateKeyPackage(alice.lastResortKeyPackage())).toEqual(alice.publicKey);
    const bob = MlsClient.create(secret(0x12));
    expect(validateKeyPackage((bob.keyPackages(1)[0]) as Uint8Array)).toEqual(bob.publicKey);
  });

  it('refuses a tampered byte, garbage, trailing bytes and other MLS messages with typed errors', () => {
    const alice = MlsClient.create(secret(0x11));
    const good = alice.keyPackages(1)[0] as Uint8Array;
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(codeOf(() => validateKeyPackage(tampered))).toBe('MLS_INVALID_KEY_PACKAGE');
    expect(codeOf(() => validateKeyPackage(bytes('garbage')))).toBe('MLS_MALFORMED_MESSAGE');
    expect(codeOf(() => validateKeyPackage(new Uint8Array(0)))).toBe('MLS_MALFORMED_MESSAGE');
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(codeOf(() => validateKeyPackage(trailing))).toBe('MLS_MALFORMED_MESSAGE');
    expect(codeOf(() => validateKeyPackage(server.proposeAdd(GROUP, 0, good)))).toBe('MLS_MALFORMED_MESSAGE');
    expect(codeOf(() => validateKeyPackage('not bytes' as unknown as Uint8Array))).toBe('INVALID_INPUT');
  });
});

describe('MlsDeliveryService commit policy', () => {
  /** Alice's channel group tracked by `ds`, with Bob added through the server. */
  function channel(ds: MlsDeliveryService): [MlsClient, MlsClient] {
    const alice = MlsClient.create(secret(1));
    const bob = MlsClient.create(secret(2));
    alice.createGroup(GROUP, ds.publicKey, SERVER_NAME);
    ds.trackGroup(alice.groupInfo(GROUP));
    alice.processMessage(GROUP, ds.proposeAdd(GROUP, bob.keyPackages(1)[0] as Uint8Array));
    const bundle = alice.commitPendingProposals(GROUP);
    ds.acceptCommit(GROUP, bundle.commit);
    alice.mergePendingCommit(GROUP);
    bob.joinFromWelcome(bundle.welcome as Uint8Array);
    return [alice, bob];
  }

  it('refuses a member that adds someone itself, accepts commits of the server proposals', () => {
    const ds = MlsDeliveryService.fromSecretKey(secret(0xcc));
    const [alice, bob] = channel(ds);
    const carol = MlsClient.create(secret(3));
    const [carolPackage] = carol.keyPackages(1);

    const inline = alice.addMembers(GROUP, [carolPackage as Uint8Array]);
    expect(codeOf(() => ds.acceptCommit(GROUP, inline.commit))).toBe('MLS_FORBIDDEN_PROPOSAL');
    expect(ds.epoch(GROUP)).toBe(1);
    expect(ds.members(GROUP)).toHaveLength(2);
    alice.clearPendingCommit(GROUP);

    // The server's Add plus an inline one in the same commit: still refused.
    const dave = MlsClient.create(secret(4));
    const addDave = ds.proposeAdd(GROUP, dave.keyPackages(1)[0] as Uint8Array);
    alice.processMessage(GROUP, addDave);
    bob.processMessage(GROUP, addDave);
    const mixed = alice.addMembers(GROUP, [carolPackage as Uint8Array]);
    expect(codeOf(() => ds.acceptCommit(GROUP, mixed.commit))).toBe('MLS_FORBIDDEN_PROPOSAL');
    alice.clearPendingCommit(GROUP);

    const byReference = alice.commitPendingProposals(GROUP);
    expect(ds.acceptCommit(GROUP, byReference.commit).members.map((m) => m.publicKey)).toEqual([
      alice.publicKey,
      bob.publicKey,
      dave.publicKey,
    ]);
    alice.mergePendingCommit(GROUP);
    bob.processMessage(GROUP, byReference.commit);
    dave.joinFromWelcome(byReference.welcome as Uint8Array);
    // A plain key rotation (no proposals) is fine too.
    const rotation = dave.commitPendingProposals(GROUP);
    expect(ds.acceptCommit(GROUP, rotation.commit)).toMatchObject({ epoch: 3, committer: dave.publicKey });
  });

  it('refuses a commit from a non-member, whatever leaf it claims', () => {
    const ds = MlsDeliveryService.fromSecretKey(secret(0xcc));
    channel(ds);
    // Mallory's own look-alike group: same id, same epoch, her commit claims leaf 0 or 1.
    const mallory = MlsClient.create(secret(9));
    mallory.createGroup(GROUP, ds.publicKey, SERVER_NAME);
    // (She can even get the server key's proposals: the stateless external sender signs at any epoch.)
    const sameKey = MlsExternalSender.fromSecretKey(secret(0xcc));
    mallory.processMessage(GROUP, sameKey.proposeAdd(GROUP, 0, MlsClient.create(secret(10)).keyPackages(1)[0] as Uint8Array));
    const first = mallory.commitPendingProposals(GROUP);
    mallory.mergePendingCommit(GROUP);
    expect(inspectMlsMessage(first.commit).epoch).toBe(0);
    const forged = mallory.commitPendingProposals(GROUP);
    expect(inspectMlsMessage(forged.commit)).toMatchObject({ groupId: GROUP, epoch: ds.epoch(GROUP) });
    // The server holds no membership key: what fails is the signature against the claimed leaf.
    expect(codeOf(() => ds.acceptCommit(GROUP, forged.commit))).toBe('MLS_INVALID_SIGNATURE');
    expect(ds.epoch(GROUP)).toBe(1);
  });
});

describe('DM groups', () => {
  const DM = bytes('dm-alice-bob');

  function dm(): [MlsClient, MlsClient] {
    const alice = MlsClient.create(secret(1));
    const bob = MlsClient.create(secret(2));
    alice.createGroup(DM);
    const bundle = alice.addMembers(DM, bob.keyPackages(1));
    expect(bundle.groupInfo).toBeInstanceOf(Uint8Array);
    expect(alice.epoch(DM)).toBe(0); // pending until merged
    expect(alice.mergePendingCommit(DM).members.map((m) => m.publicKey)).toEqual([alice.publicKey, bob.publicKey]);
    expect(bob.joinFromWelcome(bundle.welcome as Uint8Array)).toEqual(DM);
    return [alice, bob];
  }

  it('two members without a server talk both ways; tampering and replays fail', () => {
    const [alice, bob] = dm();
    expect(bob.members(DM)).toEqual(alice.members(DM));
    expect(alice.externalSenders(DM)).toEqual([]);
    expect(bob.externalSenders(DM)).toEqual([]);

    const toBob = alice.encrypt(DM, bytes('hi bob'));
    expect(bob.processMessage(DM, toBob)).toEqual({
      kind: 'application',
      plaintext: bytes('hi bob'),
      sender: { type: 'member', publicKey: alice.publicKey },
      epoch: 1,
    });
    const toAlice = bob.encrypt(DM, bytes('hi alice'));
    const tampered = toAlice.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(codeOf(() => alice.processMessage(DM, tampered))).toBe('MLS_DECRYPTION_FAILED');
    const processed = alice.processMessage(DM, toAlice);
    expect(processed).toMatchObject({ kind: 'application', sender: { type: 'member', publicKey: bob.publicKey } });
    expect(processed.kind === 'application' && text(processed.plaintext)).toBe('hi alice');
    expect(codeOf(() => bob.processMessage(DM, toBob))).toBe('MLS_REPLAY');
    expect(bob.epochAuthenticator(DM)).toEqual(alice.epochAuthenticator(DM));
  });

  it('externalSenders names the server key of a channel group', () => {
    const [alice, bob] = three();
    expect(alice.externalSenders(GROUP)).toEqual([server.publicKey]);
    expect(bob.externalSenders(GROUP)).toEqual([server.publicKey]);
    expect(codeOf(() => alice.externalSenders(bytes('nope')))).toBe('MLS_UNKNOWN_GROUP');
  });

  it('addMembers checks its key packages and arguments', () => {
    const [alice] = dm();
    const [good] = MlsClient.create(secret(3)).keyPackages(1) as [Uint8Array];
    const damaged = good.slice();
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 1;
    expect(codeOf(() => alice.addMembers(DM, [good, damaged]))).toBe('MLS_INVALID_KEY_PACKAGE');
    expect(codeOf(() => alice.addMembers(DM, [bytes('garbage')]))).toBe('MLS_MALFORMED_MESSAGE');
    expect(codeOf(() => alice.addMembers(DM, []))).toBe('MLS_INVALID_ARGUMENT');
    expect(codeOf(() => alice.addMembers(DM, [good, 'x' as unknown as Uint8Array]))).toBe('INVALID_INPUT');
    expect(codeOf(() => alice.addMembers(DM, good as unknown as Uint8Array[]))).toBe('INVALID_INPUT');
    expect(codeOf(() => alice.addMembers(bytes('nope'), [good]))).toBe('MLS_UNKNOWN_GROUP');
    expect(alice.epoch(DM)).toBe(1);
    // Two at once.
    const [carol, dave] = [MlsClient.create(secret(3)), MlsClient.create(secret(4))];
    const bundle = alice.addMembers(DM, [...carol.keyPackages(1), ...dave.keyPackages(1)]);
    expect(alice.mergePendingCommit(DM).members).toHaveLength(4);
    expect(carol.joinFromWelcome(bundle.welcome as Uint8Array)).toEqual(DM);
    expect(dave.joinFromWelcome(bundle.welcome as Uint8Array)).toEqual(DM);
  });

  it('createGroup needs both external-sender arguments or neither', () => {
    const alice = MlsClient.create(secret(1));
    const createWith = (...args: unknown[]) =>
      (alice.createGroup as (...a: unknown[]) => void).call(alice, bytes('g'), ...args);
    expect(codeOf(() => createWith(server.publicKey))).toBe('INVALID_INPUT');
    expect(codeOf(() => createWith(undefined, SERVER_NAME))).toBe('INVALID_INPUT');
    expect(alice.groupIds()).toEqual([]);
  });
});

describe('inspectMlsMessage', () => {
  it('reads wire format, group, epoch and content type from the clear framing', () => {
    const [alice, bob] = three();
    const [keyPackage] = MlsClient.create(secret(4)).keyPackages(1) as [Uint8Array];
    expect(inspectMlsMessage(keyPackage)).toEqual({ wireFormat: 'key-package' });
    const proposal = server.proposeAdd(GROUP, 2, keyPackage);
    expect(inspectMlsMessage(proposal)).toEqual({ wireFormat: 'public', groupId: GROUP, epoch: 2, contentType: 'proposal' });
    alice.processMessage(GROUP, proposal);
    const bundle = alice.commitPendingProposals(GROUP);
    expect(inspectMlsMessage(bundle.commit)).toEqual({ wireFormat: 'public', groupId: GROUP, epoch: 2, contentType: 'commit' });
    expect(inspectMlsMessage(bundle.welcome as Uint8Array)).toEqual({ wireFormat: 'welcome' });
    expect(inspectMlsMessage(bundle.groupInfo as Uint8Array)).toEqual({ wireFormat: 'group-info' });
    alice.clearPendingCommit(GROUP);
    expect(inspectMlsMessage(bob.encrypt(GROUP, bytes('secret')))).toEqual({
      wireFormat: 'private',
      groupId: GROUP,
      epoch: 2,
      contentType: 'application',
    });
  });

  it('refuses anything that is not exactly one MLSMessage', () => {
    const [alice] = three();
    const message = alice.encrypt(GROUP, bytes('x'));
    const trailing = new Uint8Array(message.length + 1);
    trailing.set(message);
    const twice = new Uint8Array(message.length * 2);
    twice.set(message);
    twice.set(message, message.length);
    for (const bad of [trailing, twice, message.subarray(0, message.length - 1), bytes('garbage'), new Uint8Array(0)]) {
      expect(codeOf(() => inspectMlsMessage(bad))).toBe('MLS_MALFORMED_MESSAGE');
    }
    expect(codeOf(() => inspectMlsMessage([1, 2] as unknown as Uint8Array))).toBe('INVALID_INPUT');
  });
});
