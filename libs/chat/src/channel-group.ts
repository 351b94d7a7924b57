/**
 * The client's side of the encrypted group of the channel it is in (sans-IO). The server is
 * the group's external sender: it asks one member to create the group, sends its Add/Remove
 * proposals to everyone, asks one member to commit them and relays the first valid commit.
 * This class turns those events into MLS operations and returns what to send; the driver
 * performs the requests and reports their outcome back (`commitSettled`, `createSettled`).
 *
 * Only one channel at a time: a client is in exactly one channel, and moving away drops
 * the old group (the server removes us from it).
 */
import { CryptoError, type MlsClient, type SframeContext } from '@lemon/crypto-wasm';
import { ErrorCode, bytesEqual, concatBytes, fromBase64Url, toBase64Url, type EventData } from '@lemon/protocol';

export type GroupRequest =
  | { type: 'mls.groupInfo'; data: { channelId: number; groupId: string }; payload: Uint8Array }
  | { type: 'mls.commit'; data: { channelId: number; groupId: string; epoch: number; commitBytes: number }; payload: Uint8Array }
  | { type: 'mls.rejoin'; data: { channelId: number } };

/** A decrypted application message, with the sender MLS authenticated. */
export interface GroupMessage {
  channelId: number;
  groupId: string;
  senderKey: Uint8Array;
  plaintext: Uint8Array;
  epoch: number;
}

export type GroupState = { channelId: number; phase: 'waiting' } | { channelId: number; phase: 'ready'; groupId: string; epoch: number; memberKeys: Uint8Array[] };

export interface GroupOutput {
  requests: GroupRequest[];
  messages: GroupMessage[];
  /** Set when the state a user sees changed (waiting ↔ ready, new epoch or members). */
  state?: GroupState;
  /** Something failed that the user may want to know (never message content). */
  problem?: string;
}

const none = (): GroupOutput => ({ requests: [], messages: [] });

export class ChannelGroup {
  private channelId: number | null = null;
  private groupId: Uint8Array | null = null;
  private committing = false;
  /** Proposals wait for a commit; MLS refuses to encrypt until then. */
  private proposalsPending = false;
  /** Events of the next epoch that arrived before the answer to our commit; run after it. */
  private deferred: (() => GroupOutput)[] = [];

  constructor(
    private readonly mls: MlsClient,
    private readonly serverKey: Uint8Array,
  ) {}

  get currentChannel(): number | null {
    return this.channelId;
  }

  /** Whether messages can be encrypted now (group joined, no commit of ours in flight). */
  get canSend(): boolean {
    return this.groupId !== null && !this.committing && !this.proposalsPending;
  }

  get state(): GroupState | null {
    if (this.channelId === null) return null;
    if (!this.groupId) return { channelId: this.channelId, phase: 'waiting' };
    return {
      channelId: this.channelId,
      phase: 'ready',
      groupId: toBase64Url(this.groupId),
      epoch: this.mls.epoch(this.groupId),
      memberKeys: this.mls.members(this.groupId).map((m) => m.publicKey),
    };
  }

  /**
   * Moves `sframe` (voice keys) to the group's current epoch, if it is not there yet; returns
   * the epoch, or null when not in a group. One SframeContext per membership: a second one in
   * the same epoch would restart counters and reuse nonces.
   */
  voiceEpoch(sframe: SframeContext): number | null {
    if (!this.groupId) return null;
    const epoch = this.mls.epoch(this.groupId);
    if (sframe.currentEpoch === undefined || sframe.currentEpoch < epoch) sframe.setEpochFromMls(this.mls, this.groupId);
    return epoch;
  }

  /** The identity key of the member at `leafIndex` in the current epoch (who a voice frame is from). */
  memberKeyAt(leafIndex: number): Uint8Array | null {
    if (!this.groupId) return null;
    return this.mls.members(this.groupId).find((m) => m.index === leafIndex)?.publicKey ?? null;
  }

  /** The epoch authenticator of the current epoch (the channel's "epoch code"), if joined. */
  epochCode(): Uint8Array | null {
    return this.groupId ? this.mls.epochAuthenticator(this.groupId) : null;
  }

  /** We are in `channelId` now (login, move); any group of another channel is dropped. */
  enterChannel(channelId: number | null): GroupOutput {
    if (channelId === this.channelId) return none();
    this.dropGroup();
    this.channelId = channelId;
    return { ...none(), ...(this.state ? { state: this.state } : {}) };
  }

  /** The connection dropped: the server removed us from the group; we will be added anew. */
  reset(): void {
    this.dropGroup();
    this.channelId = null;
  }

  private dropGroup(): void {
    if (this.groupId) {
      try {
        this.mls.leaveGroup(this.groupId);
      } catch {
        // Already gone from the MLS state: nothing to drop.
      }
    }
    this.groupId = null;
    this.committing = false;
    this.proposalsPending = false;
    this.deferred = [];
  }

  /** While our commit is in flight, later events wait: they belong to the epoch it makes. */
  private afterCommit(run: () => GroupOutput): GroupOutput | null {
    if (!this.committing) return null;
    this.deferred.push(run);
    return none();
  }

  private runDeferred(out: GroupOutput): GroupOutput {
    const queued = this.deferred;
    this.deferred = [];
    for (const run of queued) {
      const next = run();
      out.requests.push(...next.requests);
      out.messages.push(...next.messages);
      if (next.state) out.state = next.state;
      if (next.problem) out.problem = next.problem;
    }
    return out;
  }

  private mine(data: { channelId: number; groupId: string }): Uint8Array | null {
    if (data.channelId !== this.channelId || !this.groupId) return null;
    const id = fromBase64Url(data.groupId);
    return id && bytesEqual(id, this.groupId) ? id : null;
  }

  private withState(out: GroupOutput): GroupOutput {
    const state = this.state;
    if (state) out.state = state;
    return out;
  }

  /** When our group state is unusable, the cure is to be removed and added again. */
  private rejoin(reason: string): GroupOutput {
    const channelId = this.channelId;
    this.dropGroup();
    if (channelId === null) return none();
    return this.withState({ requests: [{ type: 'mls.rejoin', data: { channelId } }], messages: [], problem: reason });
  }

  createRequested(data: EventData<'mls.createRequested'>): GroupOutput {
    if (data.channelId !== this.channelId) return none();
    const groupId = fromBase64Url(data.groupId);
    if (!groupId) return none();
    this.dropGroup();
    this.mls.createGroup(groupId, this.serverKey, this.serverKey);
    this.groupId = groupId;
    const payload = this.mls.groupInfo(groupId);
    return this.withState({ requests: [{ type: 'mls.groupInfo', data: { channelId: data.channelId, groupId: data.groupId }, payload }], messages: [] });
  }

  /** The server refused our new group (another member's won, or we left): forget it. */
  createSettled(groupId: string, ok: boolean): GroupOutput {
    if (ok || !this.groupId || toBase64Url(this.groupId) !== groupId) return none();
    this.dropGroup();
    return this.withState(none());
  }

  proposed(data: EventData<'mls.proposed'>, payload: Uint8Array): GroupOutput {
    const later = this.afterCommit(() => this.proposed(data, payload));
    if (later) return later;
    const groupId = this.mine(data);
    if (!groupId) return none();
    try {
      this.mls.processMessage(groupId, payload);
      this.proposalsPending = true;
      return this.withState(none());
    } catch (error) {
      return this.rejoin(`could not process a proposal (${codeOf(error)})`);
    }
  }

  commitRequested(data: EventData<'mls.commitRequested'>): GroupOutput {
    const later = this.afterCommit(() => this.commitRequested(data));
    if (later) return later;
    const groupId = this.mine(data);
    if (!groupId || this.committing || this.mls.epoch(groupId) !== data.epoch) return none();
    const bundle = this.mls.commitPendingProposals(groupId);
    this.committing = true;
    const payload = bundle.welcome ? concatBytes(bundle.commit, bundle.welcome) : bundle.commit;
    return {
      requests: [{ type: 'mls.commit', data: { channelId: data.channelId, groupId: data.groupId, epoch: data.epoch, commitBytes: bundle.commit.length }, payload }],
      messages: [],
    };
  }

  /** The answer to our mls.commit: merge it if accepted, else drop it (the winner's commit comes as mls.committed). */
  commitSettled(groupId: string, outcome: 'accepted' | ErrorCode): GroupOutput {
    if (!this.groupId || toBase64Url(this.groupId) !== groupId || !this.committing) return none();
    this.committing = false;
    if (outcome === 'accepted') {
      this.mls.mergePendingCommit(this.groupId);
      this.proposalsPending = false;
      return this.runDeferred(this.withState(none()));
    }
    this.mls.clearPendingCommit(this.groupId);
    if (outcome === ErrorCode.STALE_EPOCH || outcome === ErrorCode.DISCONNECTED || outcome === ErrorCode.TIMEOUT) return this.runDeferred(none());
    return this.rejoin(`the server refused our commit (${outcome})`);
  }

  committed(data: EventData<'mls.committed'>, payload: Uint8Array): GroupOutput {
    const groupId = this.mine(data);
    if (!groupId) return none();
    if (this.committing) {
      // Another member's commit won this epoch; ours will be answered STALE_EPOCH.
      this.mls.clearPendingCommit(groupId);
      this.committing = false;
      const queued = this.deferred;
      this.deferred = [];
      const out = this.committed(data, payload);
      this.deferred = queued;
      return this.runDeferred(out);
    }
    try {
      const result = this.mls.processMessage(groupId, payload);
      this.proposalsPending = false;
      if (result.kind === 'commit' && result.removed) {
        this.dropGroup();
        return this.withState(none());
      }
      return this.withState(none());
    } catch (error) {
      return this.rejoin(`could not follow a group change (${codeOf(error)})`);
    }
  }

  welcomed(data: EventData<'mls.welcomed'>, payload: Uint8Array): GroupOutput {
    if (data.channelId !== this.channelId) return none();
    this.dropGroup();
    // A group of the same id left over from a restored state would make the join fail.
    const stale = fromBase64Url(data.groupId);
    if (stale && this.mls.groupIds().some((g) => bytesEqual(g, stale))) this.mls.leaveGroup(stale);
    try {
      const groupId = this.mls.joinFromWelcome(payload);
      if (toBase64Url(groupId) !== data.groupId) {
        this.mls.leaveGroup(groupId);
        return this.rejoin('the Welcome was for another group');
      }
      // A channel group must have exactly this server as its external sender; anything else
      // could let someone other than the server add members to it.
      const senders = this.mls.externalSenders(groupId);
      if (senders.length !== 1 || !bytesEqual(senders[0]!, this.serverKey)) {
        this.mls.leaveGroup(groupId);
        return { ...none(), problem: 'refused a channel group whose external sender is not this server' };
      }
      this.groupId = groupId;
      return this.withState(none());
    } catch (error) {
      return this.rejoin(`could not join the channel group (${codeOf(error)})`);
    }
  }

  message(data: EventData<'mls.message'>, payload: Uint8Array): GroupOutput {
    const later = this.afterCommit(() => this.message(data, payload));
    if (later) return later;
    const groupId = this.mine(data);
    if (!groupId) return none();
    try {
      const result = this.mls.processMessage(groupId, payload);
      if (result.kind !== 'application' || result.sender.type !== 'member') return none();
      return {
        requests: [],
        messages: [{ channelId: data.channelId, groupId: data.groupId, senderKey: result.sender.publicKey, plaintext: result.plaintext, epoch: result.epoch }],
      };
    } catch (error) {
      // One undecryptable message (e.g. sent before we joined) is not a broken group.
      return { ...none(), problem: `a channel message could not be decrypted (${codeOf(error)})` };
    }
  }

  /** Encrypts an application message for the channel; null when not joined (or mid-commit). */
  encrypt(plaintext: Uint8Array): { channelId: number; groupId: string; payload: Uint8Array } | null {
    if (!this.canSend || this.channelId === null || !this.groupId) return null;
    return { channelId: this.channelId, groupId: toBase64Url(this.groupId), payload: this.mls.encrypt(this.groupId, plaintext) };
  }
}

export function codeOf(error: unknown): string {
  if (error instanceof CryptoError) return error.code;
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return 'error';
}
