/**
 * Who is connected and in which channel. Every logged-in user has exactly one entry and is
 * in exactly one channel. The interface is small so that another backend (say, one shared
 * between several server processes) can replace the in-memory one later, the way
 * socket.io's Adapter can be swapped.
 */
import type { User } from '@lemon/protocol';

/** The connection behind a logged-in user, as the rest of the server may use it. */
export interface Member {
  readonly userId: string;
  /** base64url, as it travels in the protocol. */
  readonly publicKey: string;
  /** Sends one already-encoded frame, after any events still queued for this connection. */
  send(frame: string | Uint8Array): void;
  /**
   * Queues one event body (encodeEventBody); bodies queued in the same turn of the event
   * loop leave together as one frame.
   */
  sendEvent(body: string): void;
  /** Ends this connection (after the frames already queued). */
  close(code: number, reason: string): void;
  /**
   * Sends a frame that is worthless late (voice), unless the connection is backed up: then
   * it is dropped and false returned, so a slow reader loses stale audio instead of its link.
   */
  sendDroppable?(frame: Uint8Array): boolean;
}

export interface Present {
  readonly member: Member;
  /** A snapshot of the user as everyone sees them. */
  readonly user: User;
}

export interface Presence {
  /** Number of users present. */
  readonly size: number;
  /** Adds a user; they must not be present already (leave() the old connection first). */
  join(member: Member, displayName: string, channelId: number): void;
  /**
   * Removes `member` if it is still the current connection of its user (an older,
   * replaced connection is not) and returns whether it was.
   */
  leave(member: Member): boolean;
  get(userId: string): Present | undefined;
  move(userId: string, channelId: number): void;
  rename(userId: string, displayName: string): void;
  /** Muted or deafened themselves (shown to everyone; muted voice is not relayed). */
  setVoice(userId: string, muted: boolean, deafened: boolean): void;
  all(): Present[];
  inChannel(channelId: number): Present[];
}

interface Entry {
  member: Member;
  displayName: string;
  channelId: number;
  muted: boolean;
  deafened: boolean;
}

function present(entry: Entry): Present {
  const { member, displayName, channelId, muted, deafened } = entry;
  // The voice flags appear only when set, so the common case stays as small as before.
  const user = { id: member.userId, displayName, publicKey: member.publicKey, channelId, ...(muted ? { muted } : {}), ...(deafened ? { deafened } : {}) };
  return { member, user };
}

/**
 * The single-process registry: a map by user id plus a per-channel index for channel
 * fan-out. Index sets are dropped as channels empty, so nothing in here outlives the
 * connections it describes.
 */
export class InMemoryPresence implements Presence {
  private readonly byUser = new Map<string, Entry>();
  private readonly byChannel = new Map<number, Set<string>>();

  get size(): number {
    return this.byUser.size;
  }

  join(member: Member, displayName: string, channelId: number): void {
    if (this.byUser.has(member.userId)) throw new Error('user is already present');
    this.byUser.set(member.userId, { member, displayName, channelId, muted: false, deafened: false });
    this.index(member.userId, channelId);
  }

  leave(member: Member): boolean {
    const entry = this.byUser.get(member.userId);
    if (!entry || entry.member !== member) return false;
    this.byUser.delete(member.userId);
    this.unindex(member.userId, entry.channelId);
    return true;
  }

  get(userId: string): Present | undefined {
    const entry = this.byUser.get(userId);
    return entry ? present(entry) : undefined;
  }

  move(userId: string, channelId: number): void {
    const entry = this.require(userId);
    if (entry.channelId === channelId) return;
    this.unindex(userId, entry.channelId);
    entry.channelId = channelId;
    this.index(userId, channelId);
  }

  rename(userId: string, displayName: string): void {
    this.require(userId).displayName = displayName;
  }

  setVoice(userId: string, muted: boolean, deafened: boolean): void {
    const entry = this.require(userId);
    entry.muted = muted;
    entry.deafened = deafened;
  }

  all(): Present[] {
    return [...this.byUser.values()].map(present);
  }

  inChannel(channelId: number): Present[] {
    const ids = this.byChannel.get(channelId);
    return ids ? [...ids].map((id) => present(this.require(id))) : [];
  }

  private require(userId: string): Entry {
    const entry = this.byUser.get(userId);
    if (!entry) throw new Error('user is not present');
    return entry;
  }

  private index(userId: string, channelId: number): void {
    let ids = this.byChannel.get(channelId);
    if (!ids) this.byChannel.set(channelId, (ids = new Set()));
    ids.add(userId);
  }

  private unindex(userId: string, channelId: number): void {
    const ids = this.byChannel.get(channelId);
    if (!ids) return;
    ids.delete(userId);
    if (ids.size === 0) this.byChannel.delete(channelId);
  }
}
