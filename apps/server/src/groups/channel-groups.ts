/**
 * The server's side of channel groups (DESIGN §3, Discord-DAVE-like): a channel's MLS group is
 * the MLS-capable users present in it, and this server is the group's single external sender.
 * Members hold all secrets; here we only follow the public state (MlsDeliveryService), propose
 * Adds and Removes as people come and go, pick who creates and who commits, and relay.
 *
 * Per channel:  none → creating{creator, groupId, timer} → active{groupId, awaiting?}
 *  - none: the first eligible user (present longest) is asked to create the group.
 *  - creating: waits for that user's GroupInfo; on timeout or when they leave, asks another
 *    (with a fresh group id, so a late answer of the previous creator cannot be confused).
 *  - active: reconcile() compares members with the eligible users present and, when they
 *    differ, issues the proposals for the current epoch and asks ONE member to commit
 *    (awaiting). While awaiting nothing new is proposed: the accepted commit triggers the
 *    next reconcile. A committer that does not answer in time (or leaves) is replaced.
 *
 * Everything is synchronous and idempotent: reconcile() may be called any number of times
 * and only acts when the state asks for it. No payload or key material is ever logged.
 */
import {
  CryptoError,
  inspectMlsMessage,
  userIdFromPublicKey,
  type MlsDeliveryService,
  type MlsMember,
} from '@lemon/crypto-wasm';
import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  bytesEqual,
  encodeBinaryEvent,
  encodeEventBody,
  fromBase64Url,
  toBase64Url,
} from '@lemon/protocol';
import { logger } from '../log';
import type { Member, Presence, Present } from '../presence/registry';
import type { ClaimedKeyPackage, KeyPackageStock } from '../storage/key-packages';

const log = logger('channel-groups');

/** What the orchestration needs of the key-package storage. */
export interface KeyPackageAccess {
  stock(userId: string): KeyPackageStock;
  claim(userId: string): ClaimedKeyPackage | null;
}

/** Cancels a timer. */
export type CancelTimer = () => void;

export interface ChannelGroupsOptions {
  /**
   * Makes a delivery service of the server's key. Called lazily (crypto may not be initialised
   * when the server context is built, e.g. in handler tests) and twice: one instance tracks the
   * groups, a scratch one vets GroupInfos before they may touch a tracked group.
   */
  deliveryService: () => MlsDeliveryService;
  keyPackages: KeyPackageAccess;
  presence: Presence;
  /** How long a creator or committer has before another member is asked. */
  responseTimeoutMs: number;
  /** Runs `fn` after `ms`; the server unrefs its timers. */
  setTimer: (fn: () => void, ms: number) => CancelTimer;
  /** Runs `fn` after the current request's response is written (setImmediate). */
  defer: (fn: () => void) => void;
  /** 16 random bytes for a new group id. */
  randomGroupId: () => Uint8Array;
}

interface Creating {
  kind: 'creating';
  groupId: Uint8Array;
  creator: string;
  /** Users already asked in this round (each gets one chance before anyone gets a second). */
  tried: Set<string>;
  cancel: CancelTimer;
}

interface Awaiting {
  epoch: number;
  committer: string;
  /** Members asked to commit this epoch. */
  tried: Set<string>;
  /** Members the pending proposals remove: they cannot commit them. */
  removing: Set<string>;
  cancel: CancelTimer;
}

interface Active {
  kind: 'active';
  groupId: Uint8Array;
  epoch: number;
  /** Tracked members by base64url public key → user id (user id = hash of the key). */
  members: Map<string, string>;
  awaiting: Awaiting | null;
  /** Members who asked to be removed and re-added (their state is lost). */
  rejoining: Set<string>;
}

type ChannelState = Creating | Active;

function cryptoCode(error: unknown): string | null {
  return error instanceof CryptoError ? error.code : null;
}

function keyOf(member: MlsMember): string {
  return toBase64Url(member.publicKey);
}

export class ChannelGroups {
  private readonly states = new Map<number, ChannelState>();
  /** When each present user entered their channel (a counter), to prefer those present longest. */
  private readonly arrivals = new Map<string, number>();
  private arrivalCounter = 0;
  private ds: MlsDeliveryService | null = null;
  private scratch: MlsDeliveryService | null = null;
  private closed = false;

  constructor(private readonly options: ChannelGroupsOptions) {}

  /** The key group creators must name as the single external sender (the server's key). */
  get externalSenderKey(): Uint8Array {
    return this.delivery().publicKey;
  }

  // ---- hooks called by other handlers -------------------------------------------------

  /**
   * A user moved: `from` is the channel they left (null: they logged in), `to` the one they
   * are in now (null: they disconnected). Call after presence was updated.
   */
  userMoved(userId: string, from: number | null, to: number | null): void {
    if (to === null) this.arrivals.delete(userId);
    else this.arrivals.set(userId, ++this.arrivalCounter);
    if (from !== null) this.reconcile(from);
    if (to !== null && to !== from) this.reconcile(to);
  }

  /**
   * A user logged in (into `channelId`). Reconciled after the login response is written, so
   * the client has its snapshot (and its MLS engine running) before any mls.* event comes.
   */
  userLoggedIn(userId: string, channelId: number): void {
    this.arrivals.set(userId, ++this.arrivalCounter);
    this.options.defer(() => this.reconcile(channelId));
  }

  /**
   * A user uploaded key packages: they may have become eligible in their channel. Reconciled
   * after the upload's response, so the uploader knows its stock before it is asked to create.
   */
  keyPackagesUploaded(userId: string): void {
    this.options.defer(() => {
      const channelId = this.options.presence.get(userId)?.user.channelId;
      if (channelId !== undefined) this.reconcile(channelId);
    });
  }

  /** Stops all timers (server shutdown). */
  close(): void {
    this.closed = true;
    for (const channelId of [...this.states.keys()]) this.drop(channelId);
  }

  // ---- requests --------------------------------------------------------------------------

  /** mls.groupInfo: the asked creator hands in its new group's GroupInfo. */
  groupInfo(sender: Member, channelId: number, groupId: Uint8Array, payload: Uint8Array): { epoch: number } {
    const state = this.states.get(channelId);
    if (state?.kind !== 'creating' || state.creator !== sender.userId || !bytesEqual(state.groupId, groupId)) {
      throw ProtocolError.forbidden('you were not asked to create this group (or no longer are)');
    }
    // Vet it on the scratch service first: a GroupInfo of another (tracked) group must not
    // reset that group's state in the real one.
    const scratch = this.scratchDelivery();
    let trackedId: Uint8Array;
    try {
      trackedId = scratch.trackGroup(payload);
    } catch (error) {
      throw this.rejected('the GroupInfo does not verify', error);
    }
    try {
      const sameId = bytesEqual(trackedId, groupId);
      const epoch = scratch.epoch(trackedId);
      const members = scratch.members(trackedId);
      const onlyCreator = members.length === 1 && keyOf(members[0] as MlsMember) === sender.publicKey;
      if (!sameId || epoch !== 0 || !onlyCreator) {
        throw new ProtocolError(ErrorCode.MLS_REJECTED, 'the GroupInfo must be of the assigned group, at epoch 0, with you as its only member');
      }
    } finally {
      scratch.forgetGroup(trackedId);
    }
    const ds = this.delivery();
    try {
      ds.trackGroup(payload);
    } catch (error) {
      throw this.rejected('the GroupInfo does not verify', error);
    }
    state.cancel();
    this.states.set(channelId, {
      kind: 'active',
      groupId,
      epoch: 0,
      members: new Map([[sender.publicKey, sender.userId]]),
      awaiting: null,
      rejoining: new Set(),
    });
    log.info('channel group created', { channelId, creator: sender.userId });
    this.options.defer(() => this.reconcile(channelId));
    return { epoch: 0 };
  }

  /**
   * mls.commit: the first valid commit of the current epoch wins.
   *
   * The delivery service can only tell who committed and whom it added by applying the
   * commit. So a commit that turns out to be relayed for someone else, or that adds members
   * without a Welcome for them, is answered MLS_REJECTED AFTER it was applied: the group is
   * then forgotten and created anew (nobody was sent the bad commit, so no member moved on).
   */
  commit(sender: Member, channelId: number, groupId: Uint8Array, epoch: number, commitBytes: number, payload: Uint8Array): { epoch: number } {
    const state = this.memberState(sender, channelId, groupId);
    if (epoch !== state.epoch) throw new ProtocolError(ErrorCode.STALE_EPOCH, `the group is at epoch ${state.epoch}`);
    if (commitBytes > payload.length) throw ProtocolError.invalidPayload('commitBytes is larger than the payload');
    const commit = payload.subarray(0, commitBytes);
    const welcome = payload.subarray(commitBytes);
    // Cheap checks of the clear framing before anything is applied.
    const info = this.inspect(commit);
    if (info.wireFormat !== 'public' || info.contentType !== 'commit') {
      throw new ProtocolError(ErrorCode.MLS_REJECTED, 'the first message is not a commit (PublicMessage)');
    }
    if (!info.groupId || !bytesEqual(info.groupId, groupId)) throw new ProtocolError(ErrorCode.MLS_REJECTED, 'the commit is for another group');
    if (info.epoch !== state.epoch) throw new ProtocolError(ErrorCode.STALE_EPOCH, `the group is at epoch ${state.epoch}`);
    if (welcome.length > 0 && this.inspect(welcome).wireFormat !== 'welcome') {
      throw new ProtocolError(ErrorCode.MLS_REJECTED, 'the second message is not a Welcome');
    }

    const ds = this.delivery();
    let accepted;
    try {
      accepted = ds.acceptCommit(groupId, commit);
    } catch (error) {
      if (cryptoCode(error) === 'MLS_WRONG_EPOCH') throw new ProtocolError(ErrorCode.STALE_EPOCH, 'another commit won this epoch');
      throw this.rejected('the commit was refused', error);
    }
    const before = state.members;
    const after = new Map(accepted.members.map((m) => [keyOf(m), userIdFromPublicKey(m.publicKey)] as const));
    const added = [...after].filter(([key]) => !before.has(key)).map(([, userId]) => userId);
    const committer = toBase64Url(accepted.committer);
    if (committer !== sender.publicKey || (added.length > 0 && welcome.length === 0)) {
      const why = committer !== sender.publicKey ? 'the commit is signed by another member' : 'the commit adds members but carries no Welcome';
      log.warn('accepted commit withdrawn; recreating the group', { channelId, userId: sender.userId, reason: why });
      this.forget(channelId);
      this.options.defer(() => this.reconcile(channelId));
      throw new ProtocolError(ErrorCode.MLS_REJECTED, why);
    }

    // Fan out before the response: old members get the commit, joiners the Welcome.
    const inChannel = new Map(this.options.presence.inChannel(channelId).map((p) => [p.user.id, p] as const));
    const committed = encodeBinaryEvent('mls.committed', { channelId, groupId: toBase64Url(groupId), epoch, committer: sender.userId }, commit);
    // (Not to members who asked to rejoin: they have no state to apply it to.)
    for (const userId of before.values()) {
      if (userId !== sender.userId && !state.rejoining.has(userId)) inChannel.get(userId)?.member.send(committed);
    }
    if (added.length > 0) {
      const welcomed = encodeBinaryEvent('mls.welcomed', { channelId, groupId: toBase64Url(groupId) }, welcome);
      for (const userId of added) inChannel.get(userId)?.member.send(welcomed);
    }
    state.awaiting?.cancel();
    state.awaiting = null;
    state.epoch = accepted.epoch;
    state.members = after;
    for (const userId of state.rejoining) if (![...after.values()].includes(userId)) state.rejoining.delete(userId);
    log.info('commit accepted', { channelId, userId: sender.userId, epoch: accepted.epoch, members: after.size, added: added.length });
    // The committer merges its commit when it reads our response; next-epoch proposals must
    // come after that, so reconcile once the response is written.
    this.options.defer(() => this.reconcile(channelId));
    return { epoch: accepted.epoch };
  }

  /** mls.send: relays an application message to the other members present. */
  send(sender: Member, channelId: number, groupId: Uint8Array, payload: Uint8Array): { epoch: number } {
    const state = this.memberState(sender, channelId, groupId);
    const info = this.inspect(payload);
    if (info.wireFormat !== 'private' || !info.groupId || !bytesEqual(info.groupId, groupId) || info.epoch === undefined) {
      throw new ProtocolError(ErrorCode.MLS_REJECTED, 'not a PrivateMessage of this group');
    }
    if (info.epoch > state.epoch) throw new ProtocolError(ErrorCode.MLS_REJECTED, `epoch ${info.epoch} is ahead of the group (${state.epoch})`);
    if (info.epoch < state.epoch - LIMITS.mlsPastEpochs) {
      throw new ProtocolError(ErrorCode.STALE_EPOCH, `epoch ${info.epoch} is too old (the group is at ${state.epoch})`);
    }
    const frame = encodeBinaryEvent('mls.message', { channelId, groupId: toBase64Url(groupId), from: sender.userId, epoch: info.epoch }, payload);
    for (const { member } of this.options.presence.inChannel(channelId)) {
      if (member.userId !== sender.userId && state.members.has(member.publicKey)) member.send(frame);
    }
    return { epoch: state.epoch };
  }

  /** mls.rejoin: the sender lost its group state; remove it and add it again. */
  rejoin(sender: Member, channelId: number): Record<string, never> {
    if (this.options.presence.get(sender.userId)?.user.channelId !== channelId) {
      throw new ProtocolError(ErrorCode.NOT_IN_GROUP, 'you are not in that channel');
    }
    const state = this.states.get(channelId);
    if (state?.kind === 'creating' && state.creator === sender.userId) {
      // Asked to create but lost it: ask again with a fresh group id.
      this.drop(channelId);
    } else if (state?.kind === 'active' && state.members.has(sender.publicKey)) {
      if (state.members.size === 1) {
        this.forget(channelId);
      } else {
        state.rejoining.add(sender.userId);
      }
    }
    log.info('rejoin requested', { channelId, userId: sender.userId });
    this.options.defer(() => this.reconcile(channelId));
    return {};
  }

  // ---- the state machine -----------------------------------------------------------------

  /** Brings one channel's group towards "members = eligible users present". Idempotent. */
  reconcile(channelId: number): void {
    if (this.closed) return;
    try {
      this.step(channelId);
    } catch (error) {
      // Never let a broken group break the request that triggered us (a join, a login).
      log.error('channel group reconcile failed; recreating', { channelId, code: cryptoCode(error) ?? (error as Error).name });
      this.forget(channelId);
    }
  }

  private step(channelId: number): void {
    const present = this.sortedByArrival(this.options.presence.inChannel(channelId));
    const state = this.states.get(channelId);
    if (!state) {
      const eligible = present.filter((p) => this.capable(p.user.id));
      if (eligible.length > 0) this.askCreator(channelId, eligible, new Set());
      return;
    }
    if (state.kind === 'creating') {
      if (present.some((p) => p.user.id === state.creator)) return;
      this.nextCreator(channelId, state);
      return;
    }
    if (state.awaiting) {
      const { committer } = state.awaiting;
      if (present.some((p) => p.user.id === committer) && !state.rejoining.has(committer)) return;
      this.nextCommitter(channelId, state);
      return;
    }
    const here = new Map(present.map((p) => [p.user.publicKey, p] as const));
    if (![...state.members.keys()].some((key) => here.has(key))) {
      // Nobody who holds the group's secrets is left: start over.
      this.forget(channelId);
      this.step(channelId);
      return;
    }
    // Members stay while present (being a member proves MLS capability, even with the key
    // package stock used up); only users who are not members yet need a key package.
    const toRemove = [...state.members].filter(([key, userId]) => !here.has(key) || state.rejoining.has(userId));
    const toAdd = present.filter((p) => !state.members.has(p.user.publicKey) && this.capable(p.user.id));
    if (toRemove.length === 0 && toAdd.length === 0) return;

    const removing = new Set(toRemove.map(([, userId]) => userId));
    const committers = present.filter((p) => state.members.has(p.user.publicKey) && !removing.has(p.user.id));
    if (committers.length === 0) {
      // Every remaining member is being removed: nobody could commit that.
      this.forget(channelId);
      this.step(channelId);
      return;
    }
    const ds = this.delivery();
    const proposals: Uint8Array[] = [];
    for (const [key] of toRemove) proposals.push(ds.proposeRemove(state.groupId, fromBase64Url(key) as Uint8Array));
    for (const p of toAdd) {
      const proposal = this.proposeAdd(ds, state.groupId, p);
      if (proposal) proposals.push(proposal);
    }
    if (proposals.length === 0) return;

    const header = { channelId, groupId: toBase64Url(state.groupId), epoch: state.epoch };
    // Encoded once, sent to every member.
    const frames = proposals.map((proposal) => encodeBinaryEvent('mls.proposed', header, proposal));
    for (const p of present) {
      if (!state.members.has(p.user.publicKey) || state.rejoining.has(p.user.id)) continue;
      for (const frame of frames) p.member.send(frame);
    }
    log.info('proposals issued', { channelId, epoch: state.epoch, removes: toRemove.length, adds: proposals.length - toRemove.length });
    this.askCommitter(channelId, state, committers[0] as Present, new Set(), removing);
  }

  /** Claims one key package of the user (one-time first) and proposes their Add; null if impossible. */
  private proposeAdd(ds: MlsDeliveryService, groupId: Uint8Array, p: Present): Uint8Array | null {
    const claimed = this.options.keyPackages.claim(p.user.id);
    if (!claimed) return null;
    if (claimed.stock < LIMITS.keyPackageLowWater) {
      p.member.sendEvent(encodeEventBody('keyPackages.low', { stock: claimed.stock }));
    }
    try {
      return ds.proposeAdd(groupId, claimed.bytes);
    } catch (error) {
      const code = cryptoCode(error);
      if (code !== 'MLS_INVALID_KEY_PACKAGE' && code !== 'MLS_MALFORMED_MESSAGE' && code !== 'MLS_INVALID_CREDENTIAL') throw error;
      log.debug('key package not usable for an Add; user skipped', { userId: p.user.id, code, lastResort: claimed.lastResort });
      return null;
    }
  }

  private askCreator(channelId: number, candidates: readonly Present[], tried: Set<string>): void {
    let creator = candidates.find((p) => !tried.has(p.user.id));
    if (!creator) {
      // Everyone had a chance: start a new round.
      tried = new Set();
      creator = candidates[0] as Present;
    }
    tried.add(creator.user.id);
    const groupId = this.options.randomGroupId();
    const cancel = this.options.setTimer(() => {
      const state = this.states.get(channelId);
      if (state?.kind !== 'creating' || state.cancel !== cancel) return;
      log.info('group creator did not answer; asking another', { channelId, userId: state.creator });
      this.safely(channelId, () => this.nextCreator(channelId, state));
    }, this.options.responseTimeoutMs);
    this.states.set(channelId, { kind: 'creating', groupId, creator: creator.user.id, tried, cancel });
    creator.member.sendEvent(encodeEventBody('mls.createRequested', { channelId, groupId: toBase64Url(groupId) }));
    log.info('group creation requested', { channelId, userId: creator.user.id });
  }

  private nextCreator(channelId: number, state: Creating): void {
    state.cancel();
    this.states.delete(channelId);
    const eligible = this.sortedByArrival(this.options.presence.inChannel(channelId)).filter((p) => this.capable(p.user.id));
    if (eligible.length > 0) this.askCreator(channelId, eligible, state.tried);
  }

  private askCommitter(channelId: number, state: Active, committer: Present, tried: Set<string>, removing: Set<string>): void {
    tried.add(committer.user.id);
    const epoch = state.epoch;
    const cancel = this.options.setTimer(() => {
      if (this.states.get(channelId) !== state || state.awaiting?.cancel !== cancel) return;
      log.info('committer did not answer; asking another', { channelId, epoch, userId: committer.user.id });
      this.safely(channelId, () => this.nextCommitter(channelId, state));
    }, this.options.responseTimeoutMs);
    state.awaiting = { epoch, committer: committer.user.id, tried, removing, cancel };
    committer.member.sendEvent(encodeEventBody('mls.commitRequested', { channelId, groupId: toBase64Url(state.groupId), epoch }));
  }

  /** The designated committer left or timed out: ask the next member, or start over. */
  private nextCommitter(channelId: number, state: Active): void {
    const awaiting = state.awaiting;
    if (!awaiting) return;
    awaiting.cancel();
    state.awaiting = null;
    const next = this.sortedByArrival(this.options.presence.inChannel(channelId)).find(
      (p) =>
        state.members.has(p.user.publicKey) &&
        !awaiting.removing.has(p.user.id) &&
        !awaiting.tried.has(p.user.id) &&
        !state.rejoining.has(p.user.id),
    );
    if (next) {
      this.askCommitter(channelId, state, next, awaiting.tried, awaiting.removing);
      return;
    }
    log.info('no member committed; recreating the group', { channelId, epoch: state.epoch });
    this.forget(channelId);
    this.step(channelId);
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** The channel's active group, which the sender (present in the channel) is a member of. */
  private memberState(sender: Member, channelId: number, groupId: Uint8Array): Active {
    const state = this.states.get(channelId);
    const inChannel = this.options.presence.get(sender.userId)?.user.channelId === channelId;
    if (!inChannel || state?.kind !== 'active' || !bytesEqual(state.groupId, groupId) || !state.members.has(sender.publicKey)) {
      throw new ProtocolError(ErrorCode.NOT_IN_GROUP, "you are not a member of that channel's current group");
    }
    return state;
  }

  private inspect(bytes: Uint8Array): ReturnType<typeof inspectMlsMessage> {
    try {
      return inspectMlsMessage(bytes);
    } catch (error) {
      throw this.rejected('not an MLS message', error);
    }
  }

  private rejected(what: string, error: unknown): ProtocolError {
    const code = cryptoCode(error);
    if (code === null) throw error;
    return new ProtocolError(ErrorCode.MLS_REJECTED, `${what} (${code})`);
  }

  private capable(userId: string): boolean {
    const { stock, hasLastResort } = this.options.keyPackages.stock(userId);
    return stock > 0 || hasLastResort;
  }

  private sortedByArrival(list: Present[]): Present[] {
    const order = (p: Present) => this.arrivals.get(p.user.id) ?? Number.MAX_SAFE_INTEGER;
    return list.sort((a, b) => order(a) - order(b) || (a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0));
  }

  /** Runs a timer's work with the same protection as reconcile(). */
  private safely(channelId: number, fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
    } catch (error) {
      log.error('channel group timer failed; recreating', { channelId, code: cryptoCode(error) ?? (error as Error).name });
      this.forget(channelId);
    }
  }

  /** Stops tracking the channel's group (if any); the channel is back to none. */
  private forget(channelId: number): void {
    const state = this.states.get(channelId);
    if (state?.kind === 'active' && this.ds) {
      try {
        this.ds.forgetGroup(state.groupId);
      } catch {
        // not tracked (any more): nothing to forget
      }
    }
    this.drop(channelId);
  }

  private drop(channelId: number): void {
    const state = this.states.get(channelId);
    if (!state) return;
    if (state.kind === 'creating') state.cancel();
    else state.awaiting?.cancel();
    this.states.delete(channelId);
  }

  private delivery(): MlsDeliveryService {
    return (this.ds ??= this.options.deliveryService());
  }

  private scratchDelivery(): MlsDeliveryService {
    return (this.scratch ??= this.options.deliveryService());
  }

  /** For tests and diagnostics: the channel's state without secrets. */
  describe(channelId: number): { kind: 'none' } | { kind: 'creating'; creator: string; groupId: string } | { kind: 'active'; groupId: string; epoch: number; members: string[]; committer: string | null } {
    const state = this.states.get(channelId);
    if (!state) return { kind: 'none' };
    if (state.kind === 'creating') return { kind: 'creating', creator: state.creator, groupId: toBase64Url(state.groupId) };
    return {
      kind: 'active',
      groupId: toBase64Url(state.groupId),
      epoch: state.epoch,
      members: [...state.members.values()],
      committer: state.awaiting?.committer ?? null,
    };
  }

  /** Channels with state (for memory tests). */
  get trackedChannels(): number {
    return this.states.size;
  }
}
