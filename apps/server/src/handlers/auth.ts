/**
 * Connection lifecycle and login.
 *
 * On connect the server sends `server.hello` with a fresh 32-byte challenge. `auth.login`
 * must carry that challenge, signed (Ed25519) over loginSignedBytes(serverKey, challenge, address), where the address
 * must be one of this server's own (see acceptedAddresses).
 * The challenge is consumed by the first login attempt whatever its outcome, and every
 * failed attempt is answered with its error and then the connection is closed (code 1008,
 * reason = the error code): the client reconnects for a fresh challenge. A connection that
 * has not logged in when the challenge expires gets CHALLENGE_EXPIRED and is closed.
 *
 * Logging in with an identity that is already connected REPLACES the older connection
 * (as TeamSpeak and Discord do when you move devices): the old one receives
 * ALREADY_CONNECTED (request id null) and is closed with code 1000; everyone else sees
 * `user.disconnected` for the old session and `user.connected` for the new one.
 */
import { randomBytes } from 'node:crypto';
import { CryptoError, userIdFromPublicKey, verifySignature } from '@lemon/crypto-wasm';
import {
  ErrorCode,
  LIMITS,
  PROTOCOL_VERSION,
  ProtocolError,
  bytesEqual,
  encodeError,
  encodeEvent,
  encodeEventBody,
  fromBase64Url,
  loginSignedBytes,
  serverAddressOf,
  toBase64Url,
} from '@lemon/protocol';
import { logger } from '../log';
import { broadcastEvent } from '../presence/broadcast';
import { CloseCode } from '../transport/close-codes';
import type { Handler, IssuedChallenge, ServerContext, Session } from './context';
import { startDmDelivery } from './dm';

const log = logger('auth');

/** A fresh challenge for a new connection, valid for the configured login timeout. */
export function issueChallenge(ctx: ServerContext): IssuedChallenge {
  return { bytes: new Uint8Array(randomBytes(LIMITS.challengeBytes)), expiresAt: ctx.now() + ctx.config.limits.loginTimeoutMs };
}

/** The first frame on every connection. */
export function helloFrame(ctx: ServerContext, challenge: IssuedChallenge): string {
  return encodeEvent('server.hello', {
    protocol: PROTOCOL_VERSION,
    serverName: ctx.config.serverName,
    serverKey: ctx.serverKey.base64,
    challenge: toBase64Url(challenge.bytes),
    challengeExpiresInMs: Math.max(1, Math.round(challenge.expiresAt - ctx.now())),
    limits: {
      maxTextFrameBytes: LIMITS.maxTextFrameBytes,
      maxBinaryFrameBytes: LIMITS.maxBinaryFrameBytes,
      maxBlobBytes: ctx.config.limits.maxBlobBytes,
    },
  });
}

/** Sent when a connection's challenge runs out before it logged in; the socket closes after it. */
export function loginTimeoutFrame(): string {
  return encodeError(null, new ProtocolError(ErrorCode.CHALLENGE_EXPIRED, 'no login before the challenge expired'));
}

function decoded(text: string): Uint8Array {
  // The protocol schema already checked the encoding and length.
  const bytes = fromBase64Url(text);
  if (!bytes) throw ProtocolError.invalidPayload('bad base64url');
  return bytes;
}

function signatureValid(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature(publicKey, message, signature);
  } catch (error) {
    // A malformed key (not a canonical curve point, small order…) is a bad signature too.
    if (error instanceof CryptoError && (error.code === 'INVALID_KEY' || error.code === 'INVALID_SIGNATURE_FORMAT')) return false;
    throw error;
  }
}

/** One address as clients sign it, under both schemes (their default ports differ). */
function spellings(hostPort: string): string[] {
  const out: string[] = [];
  for (const scheme of ['ws', 'wss']) {
    try {
      out.push(serverAddressOf(`${scheme}://${hostPort}/`));
    } catch {
      // not a host[:port]: matches nothing
    }
  }
  return out;
}

/**
 * The addresses a login may be signed for: the operator's configured public addresses or,
 * when none are configured, the Host this connection was opened with. A login relayed by
 * another server carries that server's address and fails here.
 */
function acceptedAddresses(ctx: ServerContext, session: Session): Set<string> {
  const names = ctx.config.publicAddresses.length > 0 ? ctx.config.publicAddresses : session.hostHeader ? [session.hostHeader] : [];
  return new Set(names.flatMap(spellings));
}

export const login: Handler<'auth.login'> = (ctx, session, data) => {
  if (session.member) throw new ProtocolError(ErrorCode.ALREADY_AUTHENTICATED);
  try {
    return verifiedLogin(ctx, session, data);
  } catch (error) {
    const code = error instanceof ProtocolError ? error.code : ErrorCode.INTERNAL;
    log.info('login failed', { conn: session.id, code });
    session.closeAfterReply(code === ErrorCode.INTERNAL ? CloseCode.INTERNAL : CloseCode.POLICY, code);
    throw error;
  }
};

const verifiedLogin: Handler<'auth.login'> = (ctx, session, data) => {
  const issued = session.takeChallenge();
  if (!issued) throw new ProtocolError(ErrorCode.CHALLENGE_INVALID);
  if (!bytesEqual(decoded(data.challenge), issued.bytes)) {
    throw new ProtocolError(ErrorCode.CHALLENGE_INVALID, 'the challenge is not the one this connection was given');
  }
  if (ctx.now() > issued.expiresAt) throw new ProtocolError(ErrorCode.CHALLENGE_EXPIRED);
  if (!acceptedAddresses(ctx, session).has(data.address)) throw new ProtocolError(ErrorCode.WRONG_SERVER);
  const publicKey = decoded(data.publicKey);
  if (!signatureValid(publicKey, loginSignedBytes(ctx.serverKey.raw, issued.bytes, data.address), decoded(data.signature))) {
    throw new ProtocolError(ErrorCode.BAD_SIGNATURE);
  }

  const userId = userIdFromPublicKey(publicKey);
  const { user, created } = ctx.storage.users.loginOrCreate(userId, publicKey, data.displayName);

  const previous = ctx.presence.get(userId);
  if (previous) {
    ctx.presence.leave(previous.member);
    ctx.channelGroups.userMoved(userId, previous.user.channelId, null);
    ctx.voice.userLeft(userId);
    previous.member.send(
      encodeError(null, new ProtocolError(ErrorCode.ALREADY_CONNECTED, 'This identity logged in from another connection.')),
    );
    previous.member.close(CloseCode.NORMAL, ErrorCode.ALREADY_CONNECTED);
    broadcastEvent(ctx.presence, 'user.disconnected', { userId });
    log.info('session replaced', { conn: session.id, userId });
  }

  const member = session.becomeMember(userId, toBase64Url(publicKey));
  const channelId = ctx.storage.channels.defaultChannelId;
  ctx.presence.join(member, user.displayName, channelId);
  ctx.channelGroups.userLoggedIn(userId, channelId);
  // Queued DMs follow the login response (pushed from setImmediate, after the reply is written).
  startDmDelivery(ctx, member);
  // Talking lights are events; someone already talking lights up for the newcomer too.
  setImmediate(() => {
    if (ctx.presence.get(userId)?.member !== member) return;
    for (const talker of ctx.voice.relay.talkers()) member.sendEvent(encodeEventBody('voice.talking', { userId: talker, talking: true }));
  });
  const self = { id: userId, displayName: user.displayName, publicKey: member.publicKey, channelId };
  broadcastEvent(ctx.presence, 'user.connected', { user: self }, { exceptUserId: userId });
  log.info('login', { conn: session.id, userId, firstLogin: created, online: ctx.presence.size });

  return {
    self,
    firstLogin: created,
    serverName: ctx.config.serverName,
    defaultChannelId: channelId,
    // A copy of the cached (frozen) list: O(channels) pointers, no query and no tree walk.
    channels: [...ctx.storage.channels.protocolList()],
    users: ctx.presence.all().map((p) => p.user),
  };
};

/** Called once when a connection closes, whatever the reason. */
export function disconnect(ctx: ServerContext, session: Session): void {
  const member = session.member;
  if (!member) return;
  const channelId = ctx.presence.get(member.userId)?.user.channelId;
  const wasCurrent = ctx.presence.leave(member);
  if (wasCurrent && channelId !== undefined) ctx.channelGroups.userMoved(member.userId, channelId, null);
  if (wasCurrent) ctx.voice.userLeft(member.userId);
  if (ctx.storage.isOpen) ctx.storage.users.touch(member.userId);
  if (wasCurrent && !ctx.isShuttingDown()) broadcastEvent(ctx.presence, 'user.disconnected', { userId: member.userId });
  log.info('logout', { conn: session.id, userId: member.userId, replaced: !wasCurrent, online: ctx.presence.size });
}
