// MLS (RFC 9420) group messaging through OpenMLS (rust/mls/). Sans-IO: every method takes bytes
// and returns the bytes to send; nothing here touches the network or storage.

import {
  MlsClientHandle,
  MlsDeliveryServiceHandle,
  MlsExternalSenderHandle,
  inspectMlsMessage as inspectMlsMessageWasm,
  validateKeyPackage as validateKeyPackageWasm,
} from './glue.js';
import type { MlsCommitOutput, MlsProcessedMessage } from './glue.js';
import { CryptoError } from './errors';
import { callWasm, requireBytes } from './runtime';

/** Past epochs whose application messages still decrypt (OpenMLS `max_past_epochs`). */
export const MLS_MAX_PAST_EPOCHS = 3;
/** Most key packages one `keyPackages()` call makes. */
export const MLS_MAX_KEY_PACKAGES_PER_CALL = 100;

/** A group member: leaf index (what the server's Remove names) and identity public key. */
export interface MlsMember {
  index: number;
  publicKey: Uint8Array;
}

/** Who sent a message: a member (by public key) or the group's external sender (the server). */
export type MlsSender = { type: 'member'; publicKey: Uint8Array } | { type: 'external'; credential: Uint8Array };

/** What a stored proposal asks for. */
export type MlsProposalAction = { type: 'add' | 'remove'; publicKey: Uint8Array } | { type: 'other' };

/** The outcome of `processMessage`. */
export type MlsProcessed =
  | { kind: 'application'; plaintext: Uint8Array; sender: MlsSender; epoch: number }
  | { kind: 'proposal'; action: MlsProposalAction; sender: MlsSender; epoch: number }
  | { kind: 'commit'; epoch: number; members: MlsMember[]; removed: boolean }
  | { kind: 'own'; epoch: number };

/** A merged commit: the group's new epoch and members. */
export interface MlsCommitMerged {
  epoch: number;
  members: MlsMember[];
}

/** What to send after `commitPendingProposals` or `addMembers`. */
export interface MlsCommitBundle {
  /** For the server, which accepts the first valid commit per epoch and fans it out. */
  commit: Uint8Array;
  /** For the members being added. */
  welcome?: Uint8Array;
  /** The new epoch's GroupInfo, so the server can follow the group's public state. */
  groupInfo?: Uint8Array;
}

/**
 * What anyone (the server) can read from an MLSMessage without group secrets. `groupId`,
 * `epoch` and `contentType` are set for `public` and `private` messages only (RFC 9420 keeps
 * them in the clear framing of both); Welcomes, GroupInfos and KeyPackages have none of them.
 */
export interface MlsMessageInfo {
  wireFormat: 'public' | 'private' | 'welcome' | 'group-info' | 'key-package';
  groupId?: Uint8Array;
  epoch?: number;
  contentType?: 'application' | 'proposal' | 'commit';
}

const WIRE_FORMATS: ReadonlySet<string> = new Set(['public', 'private', 'welcome', 'group-info', 'key-package']);
const CONTENT_TYPES: ReadonlySet<string> = new Set(['application', 'proposal', 'commit']);

function bundleFrom(output: MlsCommitOutput): MlsCommitBundle {
  try {
    const bundle: MlsCommitBundle = { commit: output.commit() };
    const welcome = output.welcome();
    const groupInfo = output.groupInfo();
    if (welcome) bundle.welcome = welcome;
    if (groupInfo) bundle.groupInfo = groupInfo;
    return bundle;
  } finally {
    output.free();
  }
}

function membersFrom(keys: Uint8Array, indices: Uint32Array): MlsMember[] {
  return Array.from(indices, (index, i) => ({ index, publicKey: keys.slice(32 * i, 32 * i + 32) }));
}

function senderOf(result: MlsProcessedMessage): MlsSender {
  return result.senderKind() === 'external'
    ? { type: 'external', credential: result.sender() }
    : { type: 'member', publicKey: result.sender() };
}

function toProcessed(result: MlsProcessedMessage): MlsProcessed {
  try {
    const epoch = result.epoch();
    switch (result.kind()) {
      case 'application':
        return { kind: 'application', plaintext: result.plaintext(), sender: senderOf(result), epoch };
      case 'proposal': {
        const type = result.proposalAction();
        const action: MlsProposalAction =
          type === 'add' || type === 'remove' ? { type, publicKey: result.proposalSubject() } : { type: 'other' };
        return { kind: 'proposal', action, sender: senderOf(result), epoch };
      }
      case 'commit':
        return {
          kind: 'commit',
          epoch,
          members: membersFrom(result.memberKeys(), result.memberIndices()),
          removed: result.removed(),
        };
      case 'own':
        return { kind: 'own', epoch };
      default:
        throw CryptoError.internal(new Error(`unknown processed kind ${result.kind()}`));
    }
  } finally {
    result.free();
  }
}

function requireCount(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw CryptoError.invalidInput(`${name} must be an integer from 0 to ${max}`);
  }
  return value;
}

/**
 * One user's MLS client: its key packages and the groups it is in. The identity key signs
 * everything; a member's credential is its 32-byte identity public key.
 *
 * Handshake messages go out as PublicMessages (the server can check group, epoch and sender);
 * application messages as PrivateMessages. Nothing needs `.free()`: the state is released when
 * the object is garbage collected. Persist it with `exportState()` — those bytes are secret.
 */
export class MlsClient {
  readonly #handle: MlsClientHandle;

  private constructor(handle: MlsClientHandle) {
    this.#handle = handle;
  }

  /** A client with no groups, for the 32-byte identity secret (`Identity.exportSecretKey()`). */
  static create(identitySecret: Uint8Array): MlsClient {
    return new MlsClient(
      callWasm(() => {
        requireBytes('identitySecret', identitySecret);
        return MlsClientHandle.create(identitySecret);
      }),
    );
  }

  /**
   * Rebuilds a client from `exportState()` bytes. Throws `MLS_CORRUPT_STATE` for bytes that are
   * not a state of this identity.
   */
  static restore(identitySecret: Uint8Array, state: Uint8Array): MlsClient {
    return new MlsClient(
      callWasm(() => {
        requireBytes('identitySecret', identitySecret);
        requireBytes('state', state);
        return MlsClientHandle.restore(identitySecret, state);
      }),
    );
  }

  /** The identity public key (the MLS credential and signature key). */
  get publicKey(): Uint8Array {
    return callWasm(() => this.#handle.publicKey());
  }

  /** `count` new one-time KeyPackages (MLSMessages) to upload; their private keys stay here. */
  keyPackages(count: number): Uint8Array[] {
    return callWasm(() => {
      const n = requireCount('count', count, MLS_MAX_KEY_PACKAGES_PER_CALL);
      return Array.from({ length: n }, () => this.#handle.keyPackage());
    });
  }

  /** A last-resort KeyPackage: reusable, for when the one-time stock on the server runs out. */
  lastResortKeyPackage(): Uint8Array {
    return callWasm(() => this.#handle.lastResortKeyPackage());
  }

  /**
   * Creates a group (epoch 0, this client alone).
   *
   * With `externalSenderPublicKey` (the server's Ed25519 key) and `externalSenderCredential`
   * (any bytes naming it, reported as the sender of its proposals), the server is the group's
   * single external sender: a channel group, whose membership only the server changes.
   * Without both, it is a DM group: no external sender, the members add each other with
   * `addMembers` and the server only relays. Giving just one of the two is `INVALID_INPUT`, so
   * a caller that lost the credential does not silently create a DM group.
   */
  createGroup(groupId: Uint8Array): void;
  createGroup(groupId: Uint8Array, externalSenderPublicKey: Uint8Array, externalSenderCredential: Uint8Array): void;
  createGroup(groupId: Uint8Array, externalSenderPublicKey?: Uint8Array, externalSenderCredential?: Uint8Array): void {
    callWasm(() => {
      requireBytes('groupId', groupId);
      if (externalSenderPublicKey === undefined && externalSenderCredential === undefined) {
        this.#handle.createGroup(groupId);
        return;
      }
      requireBytes('externalSenderPublicKey', externalSenderPublicKey);
      requireBytes('externalSenderCredential', externalSenderCredential);
      this.#handle.createGroup(groupId, externalSenderPublicKey, externalSenderCredential);
    });
  }

  /**
   * A commit by this member adding the owners of `keyPackages` (1 to
   * `MLS_MAX_KEY_PACKAGES_PER_CALL`; each checked like `validateKeyPackage`:
   * `MLS_MALFORMED_MESSAGE` / `MLS_INVALID_KEY_PACKAGE` / `MLS_INVALID_CREDENTIAL`) → the
   * commit, the Welcome for them (with the ratchet tree) and the new GroupInfo. Meant for DM
   * groups: in a channel group the server refuses member Adds (`MLS_FORBIDDEN_PROPOSAL`) and
   * proposes them itself. Like `commitPendingProposals` the commit stays pending until
   * `mergePendingCommit` / `clearPendingCommit`.
   */
  addMembers(groupId: Uint8Array, keyPackages: Uint8Array[]): MlsCommitBundle {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      if (!Array.isArray(keyPackages)) throw CryptoError.invalidInput('keyPackages must be an array of Uint8Array');
      requireCount('keyPackages.length', keyPackages.length, MLS_MAX_KEY_PACKAGES_PER_CALL);
      keyPackages.forEach((keyPackage, i) => requireBytes(`keyPackages[${i}]`, keyPackage));
      // Flat bytes plus lengths: one copy into WebAssembly memory, no JS objects on the Rust side.
      const lengths = Uint32Array.from(keyPackages, (keyPackage) => keyPackage.length);
      const flat = new Uint8Array(lengths.reduce((sum, length) => sum + length, 0));
      let offset = 0;
      for (const keyPackage of keyPackages) {
        flat.set(keyPackage, offset);
        offset += keyPackage.length;
      }
      return bundleFrom(this.#handle.addMembers(groupId, flat, lengths));
    });
  }

  /**
   * The 32-byte Ed25519 public keys of the group's external senders: empty for a DM group, the
   * server's key for a channel group. A joiner compares it with the server key it knows: a
   * Welcome names whatever external sender its creator chose, and that key may propose Adds.
   */
  externalSenders(groupId: Uint8Array): Uint8Array[] {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      const flat = this.#handle.externalSenders(groupId);
      return Array.from({ length: flat.length / 32 }, (_, i) => flat.slice(32 * i, 32 * i + 32));
    });
  }

  /**
   * Verifies and applies one message of the group: decrypts application messages, stores
   * proposals for the next commit, merges commits. Errors: `MLS_WRONG_EPOCH`, `MLS_NOT_A_MEMBER`,
   * `MLS_INVALID_SIGNATURE`, `MLS_UNAUTHORIZED_SENDER`, `MLS_DECRYPTION_FAILED`, `MLS_REPLAY`,
   * `MLS_INVALID_MESSAGE`, `MLS_INVALID_CREDENTIAL`, `MLS_MALFORMED_MESSAGE`, `MLS_UNKNOWN_GROUP`.
   */
  processMessage(groupId: Uint8Array, message: Uint8Array): MlsProcessed {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('message', message);
      return toProcessed(this.#handle.processMessage(groupId, message));
    });
  }

  /**
   * Commits to the stored proposals (or, with none, just rotates this member's keys). The commit
   * stays pending: call `mergePendingCommit` when the server accepted it, or
   * `clearPendingCommit` when another member's commit won the epoch (then process that one).
   */
  commitPendingProposals(groupId: Uint8Array): MlsCommitBundle {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return bundleFrom(this.#handle.commitPendingProposals(groupId));
    });
  }

  /** Applies this client's pending commit; `MLS_INVALID_STATE` when there is none. */
  mergePendingCommit(groupId: Uint8Array): MlsCommitMerged {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      const merged = toProcessed(this.#handle.mergePendingCommit(groupId));
      if (merged.kind !== 'commit') throw CryptoError.internal(new Error('merge did not produce a commit'));
      return { epoch: merged.epoch, members: merged.members };
    });
  }

  /** Drops this client's pending commit (kept proposals stay). Does nothing if there is none. */
  clearPendingCommit(groupId: Uint8Array): void {
    callWasm(() => {
      requireBytes('groupId', groupId);
      this.#handle.clearPendingCommit(groupId);
    });
  }

  /**
   * Joins from a Welcome; returns the group id. `ratchetTree` is only needed for Welcomes that
   * do not carry the tree (ours do). `MLS_NO_MATCHING_KEY_PACKAGE` when the Welcome is for a
   * key package this client does not hold (any more).
   */
  joinFromWelcome(welcome: Uint8Array, ratchetTree?: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('welcome', welcome);
      if (ratchetTree !== undefined) requireBytes('ratchetTree', ratchetTree);
      return this.#handle.joinFromWelcome(welcome, ratchetTree);
    });
  }

  /** Deletes the group's local state (the server proposes the Remove). */
  leaveGroup(groupId: Uint8Array): void {
    callWasm(() => {
      requireBytes('groupId', groupId);
      this.#handle.leaveGroup(groupId);
    });
  }

  /** Encrypts an application message (PrivateMessage). `MLS_INVALID_STATE` while a commit is pending. */
  encrypt(groupId: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('plaintext', plaintext);
      return this.#handle.encrypt(groupId, plaintext);
    });
  }

  /** The ids of the groups this client is in (byte order). */
  groupIds(): Uint8Array[] {
    return callWasm(() => Array.from({ length: this.#handle.groupCount() }, (_, i) => this.#handle.groupIdAt(i)));
  }

  /** The group's current epoch. */
  epoch(groupId: Uint8Array): number {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.epoch(groupId);
    });
  }

  /** The group's members in leaf order. */
  members(groupId: Uint8Array): MlsMember[] {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return membersFrom(this.#handle.memberKeys(groupId), this.#handle.memberIndices(groupId));
    });
  }

  /** The epoch authenticator: the same for every member in the same epoch (an "epoch code"). */
  epochAuthenticator(groupId: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.epochAuthenticator(groupId);
    });
  }

  /** An MLS-Exporter secret of the current epoch (1 to 255 bytes), e.g. for voice keys. */
  exportSecret(groupId: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('context', context);
      if (typeof label !== 'string') throw CryptoError.invalidInput('label must be a string');
      return this.#handle.exportSecret(groupId, label, context, requireCount('length', length, 255));
    });
  }

  /** The TLS-encoded ratchet tree (for a joiner whose Welcome lacks it). */
  ratchetTree(groupId: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.ratchetTree(groupId);
    });
  }

  /** The current GroupInfo (an MLSMessage signed by this member). */
  groupInfo(groupId: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.groupInfo(groupId);
    });
  }

  /**
   * The whole client state: every group's secrets and unused key packages' private keys.
   * **Secret**: encrypt before storing. Restore with `MlsClient.restore`.
   */
  exportState(): Uint8Array {
    return callWasm(() => this.#handle.exportState());
  }
}

/**
 * Parses and verifies a KeyPackage (an MLSMessage as made by `MlsClient.keyPackages()` or
 * `lastResortKeyPackage()`) with OpenMLS: its signature, protocol version, lifetime and
 * ciphersuite, and the credential rule (BasicCredential = the leaf's signature key = a strict
 * Ed25519 identity key). Returns that 32-byte identity public key. Throws
 * `MLS_MALFORMED_MESSAGE` (not a KeyPackage message, trailing bytes), `MLS_INVALID_KEY_PACKAGE`
 * (verification, ciphersuite) or `MLS_INVALID_CREDENTIAL` (the credential rule). Needs no state:
 * the server uses it to check uploads.
 */
export function validateKeyPackage(keyPackage: Uint8Array): Uint8Array {
  return callWasm(() => {
    requireBytes('keyPackage', keyPackage);
    return validateKeyPackageWasm(keyPackage);
  });
}

/**
 * Reads the clear framing of one MLSMessage without any group state: its wire format and, for
 * Public- and PrivateMessages, group id, epoch and content type. For the server, which holds no
 * group secrets but must route messages and refuse the obviously wrong (a commit for another
 * group or epoch, an application message sent in the clear). Verifies nothing — no signature,
 * membership or decryption — so never trust the answer beyond routing. Throws
 * `MLS_MALFORMED_MESSAGE` for anything that is not exactly one MLSMessage (trailing bytes
 * included).
 */
export function inspectMlsMessage(bytes: Uint8Array): MlsMessageInfo {
  return callWasm(() => {
    requireBytes('bytes', bytes);
    const inspection = inspectMlsMessageWasm(bytes);
    try {
      const wireFormat = inspection.wireFormat();
      if (!WIRE_FORMATS.has(wireFormat)) throw CryptoError.internal(new Error(`unknown wire format ${wireFormat}`));
      const info: MlsMessageInfo = { wireFormat: wireFormat as MlsMessageInfo['wireFormat'] };
      const groupId = inspection.groupId();
      const epoch = inspection.epoch();
      const contentType = inspection.contentType();
      if (groupId !== undefined) info.groupId = groupId;
      if (epoch !== undefined) info.epoch = epoch;
      if (contentType !== undefined) {
        if (!CONTENT_TYPES.has(contentType)) throw CryptoError.internal(new Error(`unknown content type ${contentType}`));
        info.contentType = contentType as NonNullable<MlsMessageInfo['contentType']>;
      }
      return info;
    } finally {
      inspection.free();
    }
  });
}

/**
 * The server's side of the external_senders extension: Add and Remove proposals signed with the
 * server's identity key. Stateless: the caller names the group and its current epoch.
 */
export class MlsExternalSender {
  readonly #handle: MlsExternalSenderHandle;

  private constructor(handle: MlsExternalSenderHandle) {
    this.#handle = handle;
  }

  /** From the server's 32-byte identity secret. */
  static fromSecretKey(secret: Uint8Array): MlsExternalSender {
    return new MlsExternalSender(
      callWasm(() => {
        requireBytes('secret', secret);
        return MlsExternalSenderHandle.fromSecretKey(secret);
      }),
    );
  }

  /** The public key to give `createGroup`. */
  get publicKey(): Uint8Array {
    return callWasm(() => this.#handle.publicKey());
  }

  /**
   * An external Add proposal (MLSMessage) for a user's KeyPackage, which is verified first
   * (`MLS_INVALID_KEY_PACKAGE`).
   */
  proposeAdd(groupId: Uint8Array, epoch: number, keyPackage: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('keyPackage', keyPackage);
      return this.#handle.proposeAdd(groupId, requireCount('epoch', epoch, Number.MAX_SAFE_INTEGER), keyPackage);
    });
  }

  /** An external Remove proposal for the member at `leafIndex` (see `MlsClient.members`). */
  proposeRemove(groupId: Uint8Array, epoch: number, leafIndex: number): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.proposeRemove(
        groupId,
        requireCount('epoch', epoch, Number.MAX_SAFE_INTEGER),
        requireCount('leafIndex', leafIndex, 0xffffffff),
      );
    });
  }
}

/** A commit the delivery service accepted. */
export interface MlsAcceptedCommit {
  /** The group's epoch now. */
  epoch: number;
  /** The members now, in leaf order. */
  members: MlsMember[];
  /** The committer's identity public key. */
  committer: Uint8Array;
}

/**
 * The server's view of the groups it is the external sender of (OpenMLS `PublicGroup`, no group
 * secrets): tracks each group's members and epoch, validates commits (the first valid commit per
 * epoch wins) and issues Add/Remove proposals at the current epoch. Sans-IO and in memory only:
 * after a restart, track groups again from a member's GroupInfo.
 */
export class MlsDeliveryService {
  readonly #handle: MlsDeliveryServiceHandle;

  private constructor(handle: MlsDeliveryServiceHandle) {
    this.#handle = handle;
  }

  /** From the server's 32-byte identity secret. */
  static fromSecretKey(secret: Uint8Array): MlsDeliveryService {
    return new MlsDeliveryService(
      callWasm(() => {
        requireBytes('secret', secret);
        return MlsDeliveryServiceHandle.fromSecretKey(secret);
      }),
    );
  }

  /** The public key group creators give `createGroup` as external sender. */
  get publicKey(): Uint8Array {
    return callWasm(() => this.#handle.publicKey());
  }

  /**
   * Starts (or restarts) tracking a group from a member's GroupInfo (`commitPendingProposals`'s
   * `groupInfo`, or `MlsClient.groupInfo`); returns the group id. The tree comes from the
   * GroupInfo unless given. `MLS_UNAUTHORIZED_SENDER` if this server is not the group's external
   * sender; `MLS_INVALID_SIGNATURE` / `MLS_INVALID_MESSAGE` for a GroupInfo that does not verify.
   */
  trackGroup(groupInfo: Uint8Array, ratchetTree?: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupInfo', groupInfo);
      if (ratchetTree !== undefined) requireBytes('ratchetTree', ratchetTree);
      return this.#handle.trackGroup(groupInfo, ratchetTree);
    });
  }

  /** Stops tracking a group (e.g. the channel emptied). */
  forgetGroup(groupId: Uint8Array): void {
    callWasm(() => {
      requireBytes('groupId', groupId);
      this.#handle.forgetGroup(groupId);
    });
  }

  /** The tracked epoch. */
  epoch(groupId: Uint8Array): number {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return this.#handle.epoch(groupId);
    });
  }

  /** The tracked members in leaf order. */
  members(groupId: Uint8Array): MlsMember[] {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      return membersFrom(this.#handle.memberKeys(groupId), this.#handle.memberIndices(groupId));
    });
  }

  /**
   * Validates a commit (member sender, signature, current epoch, well-formed commit and path,
   * known proposals, credential rule) and, if valid, applies it: relay it then. A second commit
   * for the same epoch fails with `MLS_WRONG_EPOCH`. Only the server changes a channel's
   * membership: a commit may cover this service's own proposals (by reference) and otherwise
   * only rotate the committer's keys; any proposal of a member's (an inline Add from
   * `addMembers`, a Remove, Update, PSK, ReInit, GroupContextExtensions, ExternalInit) is
   * `MLS_FORBIDDEN_PROPOSAL`. The membership and confirmation tags are
   * MACs only members can check.
   */
  acceptCommit(groupId: Uint8Array, commit: Uint8Array): MlsAcceptedCommit {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('commit', commit);
      const accepted = this.#handle.acceptCommit(groupId, commit);
      try {
        return {
          epoch: accepted.epoch(),
          members: membersFrom(accepted.memberKeys(), accepted.memberIndices()),
          committer: accepted.committer(),
        };
      } finally {
        accepted.free();
      }
    });
  }

  /** An external Add proposal for a user's KeyPackage at the tracked epoch. */
  proposeAdd(groupId: Uint8Array, keyPackage: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('keyPackage', keyPackage);
      return this.#handle.proposeAdd(groupId, keyPackage);
    });
  }

  /** An external Remove proposal for the member with this public key (`MLS_NOT_A_MEMBER`). */
  proposeRemove(groupId: Uint8Array, publicKey: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('groupId', groupId);
      requireBytes('publicKey', publicKey);
      return this.#handle.proposeRemove(groupId, publicKey);
    });
  }
}
