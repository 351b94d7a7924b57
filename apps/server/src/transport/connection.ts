/**
 * One WebSocket connection: its login challenge and timer, its rate limiter and abuse
 * counter, and the member it becomes after login. Everything here is freed with the
 * connection; the only timer is cleared on login or close.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { logger } from '../log';
import type { IssuedChallenge, Session } from '../handlers/context';
import type { Member } from '../presence/registry';
import type { ServerLimits } from '../config';
import { AbuseCounter, TokenBucket } from './rate-limit';
import { LIMITS, eventsFrame } from '@lemon/protocol';

const log = logger('transport');

/**
 * Frames queued to a client that does not read them pile up in memory; past this many
 * bytes the connection is cut (a slow or stalled consumer must not grow the server).
 */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Above this many unsent bytes, voice for this connection is dropped (about 0.3 s at 10 speakers). */
export const MAX_QUEUED_VOICE_BYTES = 64 * 1024;

/** Connections with queued events, flushed together once per turn of the event loop. */
const withQueuedEvents = new Set<Connection>();
let flushScheduled = false;

function scheduleFlush(conn: Connection): void {
  withQueuedEvents.add(conn);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    for (const c of withQueuedEvents) c.flushEvents();
    withQueuedEvents.clear();
  });
}

export class Connection implements Session {
  readonly id = randomBytes(6).toString('hex');
  readonly bucket: TokenBucket;
  readonly abuse: AbuseCounter;
  /** Cleared by each ping round, set by any pong or message. */
  alive = true;
  private challenge: IssuedChallenge | null;
  private loginTimer: NodeJS.Timeout | null = null;
  private pendingClose: { code: number; reason: string } | null = null;
  private current: Member | null = null;
  private closing = false;
  /** Event bodies waiting for the end of this turn, and their size in UTF-16 units. */
  private queuedEvents: string[] = [];
  private queuedEventChars = 0;

  constructor(
    private readonly ws: WebSocket,
    challenge: IssuedChallenge,
    limits: ServerLimits,
    readonly hostHeader: string | null,
  ) {
    this.challenge = challenge;
    this.bucket = new TokenBucket(limits.rateLimitPerSecond, limits.rateLimitBurst);
    this.abuse = new AbuseCounter(limits.abuseErrorLimit, limits.abuseWindowMs);
  }

  get member(): Member | null {
    return this.current;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Runs `onTimeout` if the connection has not logged in after `ms`. */
  startLoginTimer(ms: number, onTimeout: () => void): void {
    this.loginTimer = setTimeout(() => {
      this.loginTimer = null;
      if (!this.current && !this.closing) onTimeout();
    }, ms);
  }

  takeChallenge(): IssuedChallenge | null {
    const challenge = this.challenge;
    this.challenge = null;
    return challenge;
  }

  becomeMember(userId: string, publicKey: string): Member {
    if (this.current) throw new Error('connection is already logged in');
    this.clearLoginTimer();
    this.current = {
      userId,
      publicKey,
      send: (frame) => this.send(frame),
      sendEvent: (body) => this.queueEvent(body),
      close: (code, reason) => this.close(code, reason),
      sendDroppable: (frame) => {
        if (this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount > MAX_QUEUED_VOICE_BYTES) return false;
        this.send(frame);
        return true;
      },
    };
    return this.current;
  }

  closeAfterReply(code: number, reason: string): void {
    this.pendingClose = { code, reason };
  }

  /** Applies a close requested by the handler of the request just answered. */
  flushPendingClose(): void {
    if (this.pendingClose) this.close(this.pendingClose.code, this.pendingClose.reason);
  }

  /**
   * Batching many events into one frame saves a WebSocket frame and a write per event:
   * one login is an event for every connected user, so this is what lets presence scale.
   */
  queueEvent(body: string): void {
    if (this.closing) return;
    if (this.queuedEvents.length === 0) scheduleFlush(this);
    this.queuedEvents.push(body);
    this.queuedEventChars += body.length;
    if (this.queuedEventChars * 3 >= LIMITS.maxEventBatchBytes) this.flushEvents();
  }

  flushEvents(): void {
    if (this.queuedEvents.length === 0) return;
    const frame = eventsFrame(this.queuedEvents);
    this.queuedEvents = [];
    this.queuedEventChars = 0;
    this.write(frame);
  }

  /** Sends a frame after the events queued before it, so order is kept. */
  send(frame: string | Uint8Array): void {
    this.flushEvents();
    this.write(frame);
  }

  private write(frame: string | Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_QUEUED_BYTES) {
      log.warn('client does not read its frames; connection cut', { conn: this.id, userId: this.current?.userId });
      this.terminate();
      return;
    }
    this.ws.send(frame);
  }

  /** Closing handshake after the frames already queued. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.flushEvents();
    this.closing = true;
    this.clearLoginTimer();
    this.ws.close(code, reason);
  }

  /** Drops the connection without a handshake (dead or hostile peer). */
  terminate(): void {
    this.closing = true;
    this.clearLoginTimer();
    this.ws.terminate();
  }

  ping(): void {
    this.ws.ping();
  }

  /** Called from the socket's close event. */
  released(): void {
    this.closing = true;
    this.queuedEvents = [];
    withQueuedEvents.delete(this);
    this.clearLoginTimer();
    this.challenge = null;
  }

  private clearLoginTimer(): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = null;
  }
}
