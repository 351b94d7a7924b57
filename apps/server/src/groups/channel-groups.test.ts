/**
 * The channel-group orchestration with real crypto: real MlsClients (one per user) answer the
 * server's requests through the real handlers, over a real ServerContext (SQLite, presence).
 * Timers and the after-response queue are driven by hand so every step is deterministic.
 */
import { Identity, MlsClient, MlsDeliveryService } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  bytesEqual,
  decodeServerBinaryFrame,
  decodeServerFrame,
  eventsFrame,
  fromBase64Url,
  toBase64Url,
  type ServerEvent,
} from '@lemon/protocol';
import { joinChannel } from '../handlers/channels';
import type { ServerContext, Session } from '../handlers/context';
import { uploadKeyPackages } from '../handlers/key-packages';
import { mlsCommit, mlsGroupInfo, mlsRejoin, mlsSend } from '../handlers/mls';
import { createTestContext, type TestContext } from '../handlers/test-context';
import type { Member } from '../presence/registry';
import { ChannelGroups } from './channel-groups';

const SERVER_SECRET = new Uint8Array(32).fill(0x42);
const CREDENTIAL = new TextEncoder().encode('lemon-server');
const TIMEOUT_MS = 1000;
const text = (s: string) => new TextEncoder().encode(s);

let test: TestContext;
let ctx: ServerContext;
let groups: ChannelGroups;
let deferred: (() => void)[];
let timers: { fn: () => void; cancelled: boolean }[];
let lobby: number;
let groupCounter: number;

interface Person {
  name: string;
  identity: Identity;
  mls: MlsClient;
  session: Session;
  member: Member;
  /** Events received and not yet handled. */
  inbox: ServerEvent[];
  /** Everything received, for assertions. */
  seen: ServerEvent[];
  /** The channel group this client is in, as it knows it. */
  groupId: Uint8Array | null;
  /** Application messages decrypted. */
  read: string[];
  /** Answers createRequested / commitRequested (false: an unresponsive client). */
  responsive: boolean;
}

function person(name: string): Person {
  const identity = Identity.generate();
  test.storage.users.loginOrCreate(identity.userId, identity.publicKey, name);
  const p = { name, identity, mls: MlsClient.create(identity.exportSecretKey()), inbox: [], seen: [], groupId: null, read: [], responsive: true } as unknown as Person;
  const record = (frame: string | Uint8Array) => {
    const decoded = typeof frame === 'string' ? decodeServerFrame(frame) : decodeServerBinaryFrame(frame);
    if (!decoded.ok) throw decoded.error;
    const events = decoded.value.kind === 'events' ? decoded.value.events : decoded.value.kind === 'event' ? [decoded.value] : [];
    for (const e of events) {
      p.inbox.push(e as ServerEvent);
      p.seen.push(e as ServerEvent);
    }
  };
  p.member = {
    userId: identity.userId,
    publicKey: toBase64Url(identity.publicKey),
    send: record,
    sendEvent: (body) => record(eventsFrame([body])),
    close: () => undefined,
  };
  p.session = {
    id: name,
    member: p.member,
    hostHeader: null,
    takeChallenge: () => null,
    becomeMember: () => p.member,
    closeAfterReply: () => undefined,
  };
  return p;
}

/** Logs in (into the default channel) like auth.login does. */
function login(p: Person, withKeyPackages = true): void {
  ctx.presence.join(p.member, p.name, lobby);
  ctx.channelGroups.userLoggedIn(p.identity.userId, lobby);
  if (withKeyPackages) upload(p, 3);
}

function upload(p: Person, count: number): void {
  uploadKeyPackages(ctx, p.session, { keyPackages: p.mls.keyPackages(count).map(toBase64Url), lastResort: toBase64Url(p.mls.lastResortKeyPackage()) });
  flushDeferred(); // the reconcile after the upload's response
}

function disconnect(p: Person): void {
  const channelId = ctx.presence.get(p.identity.userId)!.user.channelId;
  ctx.presence.leave(p.member);
  ctx.channelGroups.userMoved(p.identity.userId, channelId, null);
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

function flushDeferred(): void {
  while (deferred.length > 0) deferred.shift()!();
}

function fireTimers(): void {
  for (const t of timers.splice(0)) if (!t.cancelled) t.fn();
  flushDeferred();
}

function take<T extends ServerEvent['event']>(p: Person, event: T): Extract<ServerEvent, { event: T }>[] {
  const out = p.inbox.filter((e) => e.event === event) as Extract<ServerEvent, { event: T }>[];
  p.inbox = p.inbox.filter((e) => e.event !== event);
  return out;
}

/** One client reacts to everything in its inbox, as the real client would. */
function handle(p: Person): boolean {
  const inbox = p.inbox.splice(0);
  for (const e of inbox) {
    switch (e.event) {
      case 'mls.createRequested': {
        if (!p.responsive) break;
        const groupId = fromBase64Url(e.data.groupId)!;
        p.mls.createGroup(groupId, groups.externalSenderKey, CREDENTIAL);
        mlsGroupInfo(ctx, p.session, e.data, p.mls.groupInfo(groupId));
        p.groupId = groupId;
        break;
      }
      case 'mls.proposed':
        p.mls.processMessage(fromBase64Url(e.data.groupId)!, e.payload);
        break;
      case 'mls.commitRequested': {
        if (!p.responsive) break;
        commit(p, e.data.channelId);
        break;
      }
      case 'mls.committed': {
        const result = p.mls.processMessage(p.groupId!, e.payload);
        if (result.kind === 'commit' && result.removed) p.groupId = null;
        break;
      }
      case 'mls.welcomed':
        p.groupId = p.mls.joinFromWelcome(e.payload);
        break;
      case 'mls.message': {
        const result = p.mls.processMessage(p.groupId!, e.payload);
        if (result.kind === 'application') p.read.push(new TextDecoder().decode(result.plaintext));
        break;
      }
      default:
        break;
    }
  }
  return inbox.length > 0;
}

/** Commits the pending proposals through the handler and merges on success. */
function commit(p: Person, channelId: number): { epoch: number } {
  const groupId = p.groupId!;
  const bundle = p.mls.commitPendingProposals(groupId);
  const payload = concat(bundle.commit, bundle.welcome);
  try {
    const answer = mlsCommit(ctx, p.session, { channelId, groupId: toBase64Url(groupId), epoch: p.mls.epoch(groupId), commitBytes: bundle.commit.length }, payload);
    p.mls.mergePendingCommit(groupId);
    return answer;
  } catch (error) {
    p.mls.clearPendingCommit(groupId);
    throw error;
  }
}

function concat(a: Uint8Array, b?: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + (b?.length ?? 0));
  out.set(a);
  if (b) out.set(b, a.length);
  return out;
}

/** Lets everyone react until nothing moves any more (bounded). */
function settle(people: Person[]): void {
  for (let round = 0; round < 50; round++) {
    flushDeferred();
    let moved = false;
    for (const p of people) moved = handle(p) || moved;
    if (!moved && deferred.length === 0) return;
  }
  throw new Error('the group did not settle');
}

function expectInSync(channelId: number, people: Person[]): void {
  const state = groups.describe(channelId);
  if (state.kind !== 'active') throw new Error(`channel ${channelId} has no active group (${state.kind})`);
  expect(state.committer).toBeNull();
  expect(new Set(state.members)).toEqual(new Set(people.map((p) => p.identity.userId)));
  const groupId = fromBase64Url(state.groupId)!;
  const codes = people.map((p) => {
    expect(p.groupId && bytesEqual(p.groupId, groupId)).toBe(true);
    expect(p.mls.epoch(groupId)).toBe(state.epoch);
    return toBase64Url(p.mls.epochAuthenticator(groupId));
  });
  expect(new Set(codes).size).toBe(1);
}

function say(p: Person, channelId: number, words: string): { epoch: number } {
  const groupId = p.groupId!;
  return mlsSend(ctx, p.session, { channelId, groupId: toBase64Url(groupId) }, p.mls.encrypt(groupId, text(words)));
}

beforeAll(() => initCryptoFromFile());
beforeEach(() => {
  test = createTestContext('lemon-mls-groups-');
  deferred = [];
  timers = [];
  groupCounter = 0;
  groups = new ChannelGroups({
    deliveryService: () => MlsDeliveryService.fromSecretKey(SERVER_SECRET),
    keyPackages: test.storage.keyPackages,
    presence: test.ctx.presence,
    responseTimeoutMs: TIMEOUT_MS,
    setTimer: (fn) => {
      const t = { fn, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
    defer: (fn) => deferred.push(fn),
    randomGroupId: () => new Uint8Array(LIMITS.groupIdBytes).fill(++groupCounter),
  });
  ctx = { ...test.ctx, channelGroups: groups };
  lobby = test.storage.channels.defaultChannelId;
});
afterEach(() => {
  groups.close();
  test.close();
});

describe('channel groups', () => {
  it('creates the group with the first user, adds the second, then adds two more with one commit', () => {
    const ada = person('Ada');
    login(ada);
    const [request] = take(ada, 'mls.createRequested');
    expect(request?.data).toEqual({ channelId: lobby, groupId: toBase64Url(new Uint8Array(16).fill(1)) });
    ada.inbox.unshift(request!);
    settle([ada]);
    expectInSync(lobby, [ada]);

    const bob = person('Bob');
    login(bob);
    settle([ada, bob]);
    expectInSync(lobby, [ada, bob]);
    expect(groups.describe(lobby)).toMatchObject({ epoch: 1 });

    const cyd = person('Cyd');
    login(cyd);
    settle([ada, bob, cyd]);
    expectInSync(lobby, [ada, bob, cyd]);
    expect(groups.describe(lobby)).toMatchObject({ epoch: 2 });

    // Eve's Add is out and Ada (present longest) is asked to commit; Dan and Fay arrive meanwhile.
    const [dan, eve, fay] = [person('Dan'), person('Eve'), person('Fay')];
    ada.responsive = false;
    login(eve);
    expect(groups.describe(lobby)).toMatchObject({ committer: ada.identity.userId });
    login(dan);
    login(fay);
    groups.reconcile(lobby); // idempotent: awaiting a commit, nothing new is proposed
    const everyone = [ada, bob, cyd, dan, eve, fay];
    expect(ada.inbox.filter((e) => e.event === 'mls.proposed')).toHaveLength(1);
    expect(bob.inbox.filter((e) => e.event === 'mls.commitRequested')).toHaveLength(0);
    settle(everyone);
    ada.responsive = true;
    commit(ada, lobby);
    // The next round adds Dan and Fay with one commit.
    flushDeferred();
    const proposed = ada.inbox.filter((e) => e.event === 'mls.proposed');
    expect(proposed).toHaveLength(2);
    expect(proposed.every((e) => e.data.epoch === 3)).toBe(true);
    settle(everyone);
    expectInSync(lobby, everyone);
    expect(groups.describe(lobby)).toMatchObject({ epoch: 4 });
    // Each joiner's key package came from the stock: one one-time package each.
    expect(test.storage.keyPackages.stock(dan.identity.userId).stock).toBe(2);

    // Application messages go to the others, who decrypt them.
    say(cyd, lobby, 'hello from Cyd');
    settle(everyone);
    for (const p of [ada, bob, dan, eve, fay]) expect(p.read).toEqual(['hello from Cyd']);
    expect(cyd.read).toEqual([]);
  });

  it('ignores users without key packages until they upload some', () => {
    const ada = person('Ada');
    const bob = person('Bob');
    login(ada, false);
    login(bob, false);
    flushDeferred();
    expect(groups.describe(lobby)).toEqual({ kind: 'none' });
    expect(groups.trackedChannels).toBe(0);
    upload(bob, 1);
    settle([ada, bob]);
    expectInSync(lobby, [bob]);
    upload(ada, 1);
    settle([ada, bob]);
    expectInSync(lobby, [ada, bob]);
  });

  it('removes a member who leaves the channel or disconnects, and forgets the group when everyone is gone', () => {
    const [ada, bob, cyd] = [person('Ada'), person('Bob'), person('Cyd')];
    for (const p of [ada, bob, cyd]) {
      login(p);
      settle([ada, bob, cyd]);
    }
    expectInSync(lobby, [ada, bob, cyd]);
    const room = test.storage.channels.create({ parentId: null, name: 'Room', createdBy: ada.identity.userId }).id;
    joinChannel(ctx, cyd.session, { channelId: room });
    settle([ada, bob, cyd]);
    expectInSync(lobby, [ada, bob]);
    expectInSync(room, [cyd]); // Cyd created Room's group.

    disconnect(ada);
    settle([bob, cyd]);
    expectInSync(lobby, [bob]);
    // Bob cannot read what Ada sends any more; Ada's send is refused.
    expect(failure(() => say(ada, lobby, 'x')).code).toBe(ErrorCode.NOT_IN_GROUP);
    disconnect(bob);
    settle([cyd]);
    expect(groups.describe(lobby)).toEqual({ kind: 'none' });
    disconnect(cyd);
    settle([]);
    expect(groups.trackedChannels).toBe(0);
  });

  it('asks the next member when the committer does not answer in time, and recreates when nobody does', () => {
    const [ada, bob, cyd] = [person('Ada'), person('Bob'), person('Cyd')];
    login(ada);
    settle([ada]);
    login(bob);
    settle([ada, bob]);
    ada.responsive = false;
    login(cyd);
    settle([ada, bob, cyd]);
    expect(groups.describe(lobby)).toMatchObject({ committer: ada.identity.userId });
    fireTimers();
    expect(groups.describe(lobby)).toMatchObject({ committer: bob.identity.userId });
    settle([ada, bob, cyd]);
    expectInSync(lobby, [ada, bob, cyd]);

    // Nobody answers: after every member had its chance the group is recreated.
    bob.responsive = false;
    cyd.responsive = false;
    const dan = person('Dan');
    login(dan);
    settle([ada, bob, cyd, dan]);
    const oldGroup = groups.describe(lobby);
    for (let i = 0; i < 3; i++) {
      fireTimers();
      settle([ada, bob, cyd, dan]);
    }
    const recreated = groups.describe(lobby);
    expect(recreated.kind).toBe('creating');
    expect(recreated).not.toMatchObject({ groupId: (oldGroup as { groupId: string }).groupId });
    // Ada (present longest) is asked first; she answers again, and everyone ends up in the new group.
    for (const p of [ada, bob, cyd]) p.responsive = true;
    for (const p of [ada, bob, cyd, dan]) p.groupId = null;
    expect(recreated).toMatchObject({ creator: ada.identity.userId });
    const [ask] = ada.seen.filter((e) => e.event === 'mls.createRequested').slice(-1);
    ada.inbox.push(ask!);
    settle([ada, bob, cyd, dan]);
    expectInSync(lobby, [ada, bob, cyd, dan]);
  });

  it('asks another creator when the first does not answer or leaves', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    ada.responsive = false;
    login(ada);
    login(bob);
    settle([ada, bob]);
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating', creator: ada.identity.userId });
    const late = take(ada, 'mls.createRequested');
    fireTimers();
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating', creator: bob.identity.userId });
    // Ada's late answer to the old request is refused.
    const oldId = fromBase64Url(late[0]?.data.groupId ?? ada.seen.find((e) => e.event === 'mls.createRequested')!.data.groupId as string)!;
    ada.mls.createGroup(oldId, groups.externalSenderKey, CREDENTIAL);
    expect(failure(() => mlsGroupInfo(ctx, ada.session, { channelId: lobby, groupId: toBase64Url(oldId) }, ada.mls.groupInfo(oldId))).code).toBe(ErrorCode.FORBIDDEN);
    // Bob leaves before answering: Ada is asked again.
    bob.responsive = false;
    settle([ada, bob]);
    disconnect(bob);
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating', creator: ada.identity.userId });
    ada.responsive = true;
    settle([ada]);
    expectInSync(lobby, [ada]);
  });

  it('checks GroupInfos: the assigned id, epoch 0, the creator alone, this server as external sender', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    ada.responsive = false;
    login(ada);
    settle([ada]);
    const [ask] = ada.seen.filter((e) => e.event === 'mls.createRequested') as Extract<ServerEvent, { event: 'mls.createRequested' }>[];
    const groupId = fromBase64Url(ask!.data.groupId)!;
    // Another id, another external sender, then garbage.
    const otherId = new Uint8Array(16).fill(0xee);
    ada.mls.createGroup(otherId, groups.externalSenderKey, CREDENTIAL);
    expect(failure(() => mlsGroupInfo(ctx, ada.session, ask!.data, ada.mls.groupInfo(otherId))).code).toBe(ErrorCode.MLS_REJECTED);
    const foreignSender = MlsDeliveryService.fromSecretKey(new Uint8Array(32).fill(7)).publicKey;
    ada.mls.createGroup(groupId, foreignSender, CREDENTIAL);
    expect(failure(() => mlsGroupInfo(ctx, ada.session, ask!.data, ada.mls.groupInfo(groupId))).code).toBe(ErrorCode.MLS_REJECTED);
    expect(failure(() => mlsGroupInfo(ctx, ada.session, ask!.data, text('not a group info'))).code).toBe(ErrorCode.MLS_REJECTED);
    // Bob was not asked.
    login(bob);
    const bobMls = MlsClient.create(bob.identity.exportSecretKey());
    bobMls.createGroup(groupId, groups.externalSenderKey, CREDENTIAL);
    expect(failure(() => mlsGroupInfo(ctx, bob.session, ask!.data, bobMls.groupInfo(groupId))).code).toBe(ErrorCode.FORBIDDEN);
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating', creator: ada.identity.userId });
    // A GroupInfo at epoch 1 of the right group is refused too.
    const adaFresh = MlsClient.create(ada.identity.exportSecretKey());
    adaFresh.createGroup(groupId, groups.externalSenderKey, CREDENTIAL);
    adaFresh.commitPendingProposals(groupId);
    adaFresh.mergePendingCommit(groupId);
    expect(failure(() => mlsGroupInfo(ctx, ada.session, ask!.data, adaFresh.groupInfo(groupId))).code).toBe(ErrorCode.MLS_REJECTED);
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating' });
  });

  it('answers STALE_EPOCH to the second commit of an epoch and refuses commits of non-members', () => {
    const [ada, bob, cyd] = [person('Ada'), person('Bob'), person('Cyd')];
    login(ada);
    settle([ada]);
    login(bob);
    settle([ada, bob]);
    ada.responsive = false;
    bob.responsive = false;
    login(cyd);
    settle([ada, bob, cyd]);
    // Both members commit the same proposals; the first wins.
    expect(commit(bob, lobby)).toEqual({ epoch: 2 });
    expect(failure(() => commit(ada, lobby)).code).toBe(ErrorCode.STALE_EPOCH);
    settle([ada, bob, cyd]);
    expectInSync(lobby, [ada, bob, cyd]);
    // The same epoch number with stale bytes: the delivery service's epoch check.
    const stale = ada.mls.commitPendingProposals(ada.groupId!);
    ada.mls.clearPendingCommit(ada.groupId!);
    const header = { channelId: lobby, groupId: toBase64Url(ada.groupId!), epoch: 1, commitBytes: stale.commit.length };
    expect(failure(() => mlsCommit(ctx, ada.session, header, stale.commit)).code).toBe(ErrorCode.STALE_EPOCH);

    // Somebody outside the group (and outside the channel) cannot commit.
    const eve = person('Eve');
    ctx.presence.join(eve.member, 'Eve', test.storage.channels.create({ parentId: null, name: 'Eve', createdBy: ada.identity.userId }).id);
    const current = ada.mls.commitPendingProposals(ada.groupId!);
    ada.mls.clearPendingCommit(ada.groupId!);
    const now = { channelId: lobby, groupId: toBase64Url(ada.groupId!), epoch: 2, commitBytes: current.commit.length };
    expect(failure(() => mlsCommit(ctx, eve.session, now, current.commit)).code).toBe(ErrorCode.NOT_IN_GROUP);
    // A member relaying someone else's commit is refused (it was signed by Ada, sent by Bob).
    expect(failure(() => mlsCommit(ctx, bob.session, now, current.commit)).code).toBe(ErrorCode.MLS_REJECTED);
  });

  it('refuses a member-inline Add: only the server changes membership', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    login(ada);
    settle([ada]);
    const outsider = MlsClient.create(Identity.generate().exportSecretKey());
    const bundle = ada.mls.addMembers(ada.groupId!, outsider.keyPackages(1));
    ada.mls.clearPendingCommit(ada.groupId!);
    const header = { channelId: lobby, groupId: toBase64Url(ada.groupId!), epoch: 0, commitBytes: bundle.commit.length };
    const error = failure(() => mlsCommit(ctx, ada.session, header, concat(bundle.commit, bundle.welcome)));
    expect(error.code).toBe(ErrorCode.MLS_REJECTED);
    expect(error.message).toContain('MLS_FORBIDDEN_PROPOSAL');
    // The group is untouched and keeps working.
    login(bob);
    settle([ada, bob]);
    expectInSync(lobby, [ada, bob]);
  });

  it('withdraws a commit that adds members without a Welcome: the group is created anew', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    login(ada);
    settle([ada]);
    ada.responsive = false;
    login(bob);
    settle([ada, bob]);
    const before = groups.describe(lobby);
    const bundle = ada.mls.commitPendingProposals(ada.groupId!);
    ada.mls.clearPendingCommit(ada.groupId!);
    const header = { channelId: lobby, groupId: toBase64Url(ada.groupId!), epoch: 0, commitBytes: bundle.commit.length };
    const error = failure(() => mlsCommit(ctx, ada.session, header, bundle.commit));
    expect(error.code).toBe(ErrorCode.MLS_REJECTED);
    expect(take(bob, 'mls.welcomed')).toEqual([]);
    flushDeferred();
    expect(groups.describe(lobby)).toMatchObject({ kind: 'creating', creator: ada.identity.userId });
    expect(groups.describe(lobby)).not.toMatchObject({ groupId: (before as { groupId: string }).groupId });
    ada.responsive = true;
    ada.inbox = ada.inbox.filter((e) => e.event === 'mls.createRequested').slice(-1);
    settle([ada, bob]);
    expectInSync(lobby, [ada, bob]);
  });

  it('relays mls.send only within the epoch window and for the right group', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    login(ada);
    settle([ada]);
    login(bob);
    settle([ada, bob]);
    const groupId = ada.groupId!;
    const old = ada.mls.encrypt(groupId, text('from epoch 1'));
    // Four more epochs: Ada rotates her keys (an empty commit) each time.
    for (let i = 0; i < 4; i++) {
      commit(ada, lobby);
      settle([ada, bob]);
    }
    expect(groups.describe(lobby)).toMatchObject({ epoch: 5 });
    const send = (payload: Uint8Array, id = groupId) => mlsSend(ctx, ada.session, { channelId: lobby, groupId: toBase64Url(id) }, payload);
    expect(failure(() => send(old)).code).toBe(ErrorCode.STALE_EPOCH);
    expect(failure(() => send(old, new Uint8Array(16).fill(9))).code).toBe(ErrorCode.NOT_IN_GROUP);
    expect(failure(() => send(text('garbage'))).code).toBe(ErrorCode.MLS_REJECTED);
    // A handshake message is not an application message.
    const handshake = ada.mls.commitPendingProposals(groupId).commit;
    ada.mls.clearPendingCommit(groupId);
    expect(failure(() => send(handshake)).code).toBe(ErrorCode.MLS_REJECTED);
    // A PrivateMessage of another group, sent under this group's id.
    const other = new Uint8Array(16).fill(0xab);
    ada.mls.createGroup(other, groups.externalSenderKey, CREDENTIAL);
    expect(failure(() => send(ada.mls.encrypt(other, text('elsewhere')))).code).toBe(ErrorCode.MLS_REJECTED);
    expect(send(ada.mls.encrypt(groupId, text('now')))).toEqual({ epoch: 5 });
    settle([ada, bob]);
    expect(bob.read).toEqual(['now']);
    expect(take(ada, 'mls.message')).toEqual([]);
    // Payloads are never logged.
    expect(test.logged.join('\n')).not.toContain(toBase64Url(handshake).slice(0, 40));
  });

  it('accepts messages up to mlsPastEpochs behind', () => {
    const [ada, bob] = [person('Ada'), person('Bob')];
    login(ada);
    settle([ada]);
    login(bob);
    settle([ada, bob]);
    const groupId = ada.groupId!;
    const pending = bob.mls.encrypt(groupId, text('three back'));
    for (let i = 0; i < LIMITS.mlsPastEpochs; i++) {
      commit(ada, lobby);
      settle([ada, bob]);
    }
    expect(mlsSend(ctx, bob.session, { channelId: lobby, groupId: toBase64Url(groupId) }, pending)).toEqual({ epoch: 1 + LIMITS.mlsPastEpochs });
    settle([ada, bob]);
    expect(ada.read).toEqual(['three back']);
  });

  it('rejoin removes the member and adds it back with a fresh key package', () => {
    const [ada, bob, cyd] = [person('Ada'), person('Bob'), person('Cyd')];
    for (const p of [ada, bob, cyd]) {
      login(p);
      settle([ada, bob, cyd]);
    }
    expectInSync(lobby, [ada, bob, cyd]);
    // Bob's group state broke (his key packages' secrets are intact): he drops it and asks.
    bob.mls.leaveGroup(bob.groupId!);
    bob.groupId = null;
    expect(mlsRejoin(ctx, bob.session, { channelId: lobby })).toEqual({});
    settle([ada, bob, cyd]);
    expectInSync(lobby, [ada, bob, cyd]);
    expect(groups.describe(lobby)).toMatchObject({ epoch: 4 });
    say(bob, lobby, 'back');
    settle([ada, bob, cyd]);
    expect(ada.read).toEqual(['back']);
    expect(cyd.read).toEqual(['back']);

    // The only member rejoining: the group is created anew.
    const room = test.storage.channels.create({ parentId: null, name: 'Solo', createdBy: ada.identity.userId }).id;
    joinChannel(ctx, ada.session, { channelId: room });
    settle([ada, bob, cyd]);
    const before = groups.describe(room);
    ada.mls.leaveGroup(ada.groupId!);
    ada.groupId = null;
    mlsRejoin(ctx, ada.session, { channelId: room });
    settle([ada, bob, cyd]);
    expectInSync(room, [ada]);
    expect(groups.describe(room)).not.toMatchObject({ groupId: (before as { groupId: string }).groupId });
    expect(failure(() => mlsRejoin(ctx, ada.session, { channelId: lobby })).code).toBe(ErrorCode.NOT_IN_GROUP);
  });

  it('asks the next committer at once when the designated one leaves', () => {
    const [ada, bob, cyd] = [person('Ada'), person('Bob'), person('Cyd')];
    login(ada);
    settle([ada]);
    login(bob);
    settle([ada, bob]);
    ada.responsive = false;
    login(cyd);
    settle([ada, bob, cyd]);
    expect(groups.describe(lobby)).toMatchObject({ committer: ada.identity.userId });
    disconnect(ada);
    expect(groups.describe(lobby)).toMatchObject({ committer: bob.identity.userId });
    settle([bob, cyd]);
    // Bob's commit added Cyd; the next round removes Ada.
    expectInSync(lobby, [bob, cyd]);
  });
});
