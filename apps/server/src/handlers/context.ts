/**
 * What handlers get to work with: the server's shared parts (ServerContext) and the one
 * connection a request arrived on (Session). Handlers are synchronous: storage is
 * synchronous SQLite, so a request is handled to the end before the next one starts and
 * the events it causes are queued before its response.
 */
import { ErrorCode, ProtocolError, type BinaryRequestType, type RequestData, type RequestType, type ResponseOf } from '@lemon/protocol';
import type { ServerConfig } from '../config';
import type { ChannelGroups } from '../groups/channel-groups';
import type { VoiceHost } from '../voice/host';
import type { Member, Presence } from '../presence/registry';
import type { Storage } from '../storage/db';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly storage: Storage;
  readonly presence: Presence;
  /** The server's Ed25519 public key (raw and base64url) that logins are bound to. */
  readonly serverKey: { readonly raw: Uint8Array; readonly base64: string };
  readonly admins: ReadonlySet<string>;
  /** Channel MLS groups: who creates, who commits, what is proposed and relayed. */
  readonly channelGroups: ChannelGroups;
  /** The voice relay and how it reaches people. */
  readonly voice: VoiceHost;
  /** Monotonic milliseconds, for challenge expiry. */
  now(): number;
  isShuttingDown(): boolean;
}

export interface IssuedChallenge {
  readonly bytes: Uint8Array;
  /** On the ServerContext.now() clock. */
  readonly expiresAt: number;
}

export interface Session {
  /** Random id of this connection, for logs only. */
  readonly id: string;
  /** Set once the connection has logged in. */
  readonly member: Member | null;
  /** The Host header of the WebSocket upgrade, as sent (null if there was none). */
  readonly hostHeader: string | null;
  /** Hands out this connection's challenge once; null if it was already taken. */
  takeChallenge(): IssuedChallenge | null;
  /** Marks the connection as logged in as this user and returns it as a presence member. */
  becomeMember(userId: string, publicKey: string): Member;
  /** Closes the connection right after the reply to the current request is sent. */
  closeAfterReply(code: number, reason: string): void;
}

/**
 * Answers one request. Binary requests also get their payload (bytes the server does not
 * interpret beyond what it must check); requests with a payload response return it in `payload`.
 */
export type Handler<K extends RequestType> = (
  ctx: ServerContext,
  session: Session,
  data: RequestData<K>,
  // void lets handlers of plain requests be called with three arguments.
  payload: K extends BinaryRequestType ? Uint8Array : void,
) => ResponseOf<K>;

/** The logged-in member behind a session (the dispatcher lets only those through). */
export function memberOf(session: Session): Member {
  if (!session.member) throw new ProtocolError(ErrorCode.NOT_AUTHENTICATED);
  return session.member;
}
