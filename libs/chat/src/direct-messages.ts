/**
 * Direct messages: one two-member MLS group per pair of users, made by whoever writes first
 * from a key package of the other, with no external sender (the server cannot add anyone).
 * The server only queues the Welcome and ciphertexts for the peer. Sans-IO: the driver claims
 * key packages and sends what this returns.
 *
 * If both write first at the same time there are two groups for the pair; both stay readable
 * and both sides send on the one with the smaller id, so they converge.
 */
import { userIdFromPublicKey, validateKeyPackage, type MlsClient } from '@lemon/crypto-wasm';
import { LIMITS, bytesEqual, fromBase64Url, toBase64Url, type EventData } from '@lemon/protocol';
import { codeOf } from './channel-group';

export interface DmPeer {
  userId: string;
  publicKey: Uint8Array;
  /** Every group with this peer, base64url, smallest first (that one is used to send). */
  groupIds: string[];
}

export type DmReceived =
  | { kind: 'joined'; peer: DmPeer }
  | { kind: 'message'; peer: DmPeer; plaintext: Uint8Array; epoch: number }
  | { kind: 'ignored'; problem: string };

export class DmError extends Error {
  constructor(
    readonly code: 'KEY_MISMATCH' | 'NO_GROUP',
    message: string,
  ) {
    super(message);
    this.name = 'DmError';
  }
}

interface StoredPeer {
  userId: string;
  publicKey: string;
  groupIds: string[];
}

export class DirectMessages {
  private readonly peers = new Map<string, DmPeer>();

  constructor(private readonly mls: MlsClient) {}

  peer(userId: string): DmPeer | undefined {
    return this.peers.get(userId);
  }

  allPeers(): DmPeer[] {
    return [...this.peers.values()];
  }

  /**
   * Starts a DM group with `peerUserId` from one of their key packages. The key package must
   * carry the identity key that hashes to that user id (a server handing out someone else's
   * key package is caught here). Returns the Welcome to queue for the peer.
   */
  start(peerUserId: string, keyPackage: Uint8Array): { groupId: string; welcome: Uint8Array; peer: DmPeer } {
    const peerKey = validateKeyPackage(keyPackage);
    if (userIdFromPublicKey(peerKey) !== peerUserId) {
      throw new DmError('KEY_MISMATCH', 'the key package does not belong to that user');
    }
    const known = this.peers.get(peerUserId);
    if (known && !bytesEqual(known.publicKey, peerKey)) {
      throw new DmError('KEY_MISMATCH', 'that user now has another key than the one you talked to');
    }
    const groupId = globalThis.crypto.getRandomValues(new Uint8Array(LIMITS.groupIdBytes));
    this.mls.createGroup(groupId);
    const bundle = this.mls.addMembers(groupId, [keyPackage]);
    this.mls.mergePendingCommit(groupId);
    if (!bundle.welcome) throw new DmError('NO_GROUP', 'adding the peer produced no Welcome');
    const peer = this.remember(peerUserId, peerKey, toBase64Url(groupId));
    return { groupId: toBase64Url(groupId), welcome: bundle.welcome, peer };
  }

  private remember(userId: string, publicKey: Uint8Array, groupId: string): DmPeer {
    const peer = this.peers.get(userId) ?? { userId, publicKey, groupIds: [] };
    if (!peer.groupIds.includes(groupId)) peer.groupIds = [...peer.groupIds, groupId].sort();
    this.peers.set(userId, peer);
    return peer;
  }

  encrypt(peerUserId: string, plaintext: Uint8Array): { groupId: string; payload: Uint8Array } {
    const peer = this.peers.get(peerUserId);
    const groupId = peer?.groupIds[0];
    if (!peer || !groupId) throw new DmError('NO_GROUP', 'no conversation with that user yet');
    return { groupId, payload: this.mls.encrypt(fromBase64Url(groupId)!, plaintext) };
  }

  receive(data: EventData<'dm.message'>, payload: Uint8Array): DmReceived {
    const fromKey = fromBase64Url(data.fromKey)!;
    if (userIdFromPublicKey(fromKey) !== data.from) return { kind: 'ignored', problem: 'sender key and id do not match' };
    const known = this.peers.get(data.from);
    if (data.kind === 'welcome') {
      try {
        const groupId = this.mls.joinFromWelcome(payload);
        const members = this.mls.members(groupId);
        const ok =
          toBase64Url(groupId) === data.groupId &&
          members.length === 2 &&
          members.some((m) => bytesEqual(m.publicKey, fromKey)) &&
          members.some((m) => bytesEqual(m.publicKey, this.mls.publicKey)) &&
          this.mls.externalSenders(groupId).length === 0;
        if (!ok) {
          this.mls.leaveGroup(groupId);
          return { kind: 'ignored', problem: 'a DM invitation whose group is not just the two of you' };
        }
        return { kind: 'joined', peer: this.remember(data.from, fromKey, data.groupId) };
      } catch (error) {
        return { kind: 'ignored', problem: `a DM invitation could not be joined (${codeOf(error)})` };
      }
    }
    if (!known || !known.groupIds.includes(data.groupId)) return { kind: 'ignored', problem: 'a DM for a conversation this device does not have' };
    try {
      const result = this.mls.processMessage(fromBase64Url(data.groupId)!, payload);
      if (result.kind !== 'application' || result.sender.type !== 'member' || !bytesEqual(result.sender.publicKey, known.publicKey)) {
        return { kind: 'ignored', problem: 'a DM not written by that user' };
      }
      return { kind: 'message', peer: known, plaintext: result.plaintext, epoch: result.epoch };
    } catch (error) {
      return { kind: 'ignored', problem: `a DM could not be decrypted (${codeOf(error)})` };
    }
  }

  /** The peer list (public data: ids, keys, group ids) for persisting beside the MLS state. */
  exportPeers(): string {
    const list: StoredPeer[] = this.allPeers().map((p) => ({ userId: p.userId, publicKey: toBase64Url(p.publicKey), groupIds: p.groupIds }));
    return JSON.stringify(list);
  }

  importPeers(json: string): void {
    const list = JSON.parse(json) as StoredPeer[];
    for (const p of list) {
      const key = fromBase64Url(p.publicKey);
      if (key && Array.isArray(p.groupIds)) this.peers.set(p.userId, { userId: p.userId, publicKey: key, groupIds: [...p.groupIds].sort() });
    }
  }
}
