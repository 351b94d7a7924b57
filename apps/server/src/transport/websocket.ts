/**
 * The WebSocket edge, on path /ws of the http(s) server. Every frame is decoded through
 * @lemon/protocol before anything else looks at it; then the rate limiter, then the
 * dispatcher. Keep-alive: one timer pings every connection each interval and terminates
 * those that did not answer the previous ping.
 *
 * Memory before login is bounded: `ws` buffers at most MAX_PAYLOAD_BYTES per frame, and
 * connections that have not logged in yet are capped in total (maxPendingLogins, HTTP 503)
 * and per remote address (maxPendingLoginsPerAddress, HTTP 429) until they log in or close.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ErrorCode, LIMITS, ProtocolError, VOICE_UPLINK_KIND, decodeClientBinaryFrame, decodeClientFrame, encodeEvent, voiceFromWebSocket } from '@lemon/protocol';
import { disconnect, helloFrame, issueChallenge, loginTimeoutFrame } from '../handlers/auth';
import type { ServerContext } from '../handlers/context';
import { dispatch, errorReply, type Reply } from '../handlers/index';
import { errorFields, logger } from '../log';
import { CloseCode } from './close-codes';
import { Connection } from './connection';

const log = logger('transport');

export const WEBSOCKET_PATH = '/ws';

/**
 * The largest frame `ws` will buffer; anything bigger closes the socket with 1009. Frames a
 * little over the protocol limits still arrive whole and get the typed FRAME_TOO_LARGE.
 * `ws` has one limit for every socket, so a connection that has not logged in yet can make
 * the server buffer one frame of this size; maxPendingLogins bounds how many such
 * connections exist (256 × 1 MiB by default). Binary frames before login are refused.
 */
export const MAX_PAYLOAD_BYTES = Math.max(LIMITS.maxTextFrameBytes, LIMITS.maxBinaryFrameBytes) + 4 * 1024;

/**
 * What pending logins are counted by: an IPv4 address (also when IPv4-mapped), or an IPv6
 * /64 network — one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would let one machine take every slot.
 */
export function remoteKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!isIPv6(address)) return address;
  const bare = address.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '')))
    .join(':')}::/64`;
}

/**
 * Counts connections that have not logged in yet, in total and per remote address. A slot
 * is taken at the upgrade and given back once, when the connection logs in or its socket
 * closes (whichever comes first); addresses with no pending connection are forgotten.
 */
export class PendingLogins {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.total;
  }

  get addresses(): number {
    return this.byAddress.size;
  }

  /** A release function, or why not: 'full' (all pending slots taken) or 'address'. */
  reserve(address: string): (() => void) | 'full' | 'address' {
    if (this.total >= this.maxTotal) return 'full';
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.maxPerAddress) return 'address';
    this.total += 1;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }
}

export interface WebSocketTransport {
  readonly connections: number;
  /** Tells every client the server is stopping, closes all sockets; resolves when all are gone. */
  shutdown(reason: 'shutdown' | 'restart', timeoutMs: number): Promise<void>;
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function attachWebSocket(server: HttpServer, ctx: ServerContext): WebSocketTransport {
  const limits = ctx.config.limits;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Compression costs CPU and memory per connection and leaks sizes of secrets under
    // some conditions; payloads that matter are encrypted (incompressible) anyway.
    perMessageDeflate: false,
  });
  const connections = new Map<WebSocket, Connection>();
  const pending = new PendingLogins(limits.maxPendingLogins, limits.maxPendingLoginsPerAddress);

  const onFrame = (conn: Connection, data: RawData, isBinary: boolean): void => {
    conn.alive = true;
    if (conn.isClosing) return;
    const bytes = toBytes(data);
    // Voice over the WebSocket (UDP blocked): 50 packets a second per speaker, limited by the
    // relay to the channel's bitrate rather than by the request bucket; never answered.
    const voice = isBinary && conn.member ? voiceFromWebSocket(VOICE_UPLINK_KIND, bytes) : null;
    if (voice && conn.member) {
      let malformed = false;
      try {
        ctx.voice.relay.uplink(conn.member.userId, voice, ctx.now());
      } catch {
        malformed = true;
      }
      if (conn.abuse.record(!malformed)) {
        log.warn('too many malformed voice packets; connection closed', { conn: conn.id, userId: conn.member.userId });
        conn.close(CloseCode.POLICY, ErrorCode.RATE_LIMITED);
      }
      return;
    }
    // Every frame spends a token, well-formed or not, so garbage cannot be sent for free.
    const allowed = conn.bucket.take();
    let reply: Reply;
    if (isBinary) {
      // Binary frames carry payloads up to 1 MiB: only members may send them at all.
      const request = conn.member ? decodeClientBinaryFrame(bytes) : null;
      const id = request === null ? null : request.ok ? request.value.id : request.id;
      if (!allowed) reply = errorReply(id, new ProtocolError(ErrorCode.RATE_LIMITED));
      else if (request === null) reply = errorReply(null, new ProtocolError(ErrorCode.NOT_AUTHENTICATED, 'binary frames are accepted after login'));
      else if (!request.ok) reply = errorReply(id, request.error);
      else reply = dispatch(ctx, conn, request.value);
    } else {
      const request = decodeClientFrame(bytes);
      const id = request.ok ? request.value.id : request.id;
      if (!allowed) reply = errorReply(id, new ProtocolError(ErrorCode.RATE_LIMITED));
      else if (!request.ok) reply = errorReply(id, request.error);
      else reply = dispatch(ctx, conn, request.value);
    }
    conn.send(reply.frame);
    if (!reply.ok) log.debug('request failed', { conn: conn.id, userId: conn.member?.userId, code: reply.code });
    if (conn.abuse.record(reply.ok)) {
      log.warn('too many errors in a row; connection closed', { conn: conn.id, userId: conn.member?.userId });
      conn.close(CloseCode.POLICY, ErrorCode.RATE_LIMITED);
      return;
    }
    conn.flushPendingClose();
  };

  const onConnection = (ws: WebSocket, req: IncomingMessage, releasePending: () => void): void => {
    const challenge = issueChallenge(ctx);
    const conn = new Connection(ws, challenge, limits, req.headers.host ?? null);
    connections.set(ws, conn);
    log.debug('connection opened', { conn: conn.id, remote: req.socket.remoteAddress, open: connections.size });

    ws.on('message', (data, isBinary) => {
      try {
        onFrame(conn, data, isBinary);
      } catch (error) {
        log.error('frame handling failed', { conn: conn.id, ...errorFields(error) });
        conn.close(CloseCode.INTERNAL, ErrorCode.INTERNAL);
      }
      if (conn.member) releasePending();
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (error) => {
      // ws reports protocol violations (bad opcodes, oversize frames) here and closes.
      log.debug('socket error', { conn: conn.id, error: error.message });
    });
    ws.on('close', (code) => {
      releasePending();
      connections.delete(ws);
      conn.released();
      try {
        disconnect(ctx, conn);
      } catch (error) {
        log.error('disconnect handling failed', { conn: conn.id, ...errorFields(error) });
      }
      log.debug('connection closed', { conn: conn.id, code, open: connections.size });
    });

    conn.send(helloFrame(ctx, challenge));
    conn.startLoginTimer(limits.loginTimeoutMs, () => {
      log.debug('login timed out', { conn: conn.id });
      conn.send(loginTimeoutFrame());
      conn.close(CloseCode.POLICY, ErrorCode.CHALLENGE_EXPIRED);
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req.url) !== WEBSOCKET_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (ctx.isShuttingDown()) return rejectUpgrade(socket, 503, 'Service Unavailable');
    if (connections.size >= limits.maxConnections) {
      log.warn('connection refused: server full', { open: connections.size });
      return rejectUpgrade(socket, 503, 'Service Unavailable');
    }
    const address = remoteKey(req.socket.remoteAddress);
    const slot = pending.reserve(address);
    if (slot === 'full') {
      log.warn('connection refused: too many connections waiting to log in', { pending: pending.size });
      return rejectUpgrade(socket, 503, 'Service Unavailable');
    }
    if (slot === 'address') {
      // The address is not logged (only counts); one noisy address could flood the log otherwise.
      log.debug('connection refused: too many connections waiting to log in from one address', { pending: pending.size });
      return rejectUpgrade(socket, 429, 'Too Many Requests');
    }
    // Given back on login, or when the socket closes (also when ws aborts the handshake).
    socket.once('close', slot);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, slot));
  });

  const heartbeat = setInterval(() => {
    for (const conn of connections.values()) {
      if (!conn.alive) {
        log.debug('peer did not answer ping; terminated', { conn: conn.id, userId: conn.member?.userId });
        conn.terminate();
        continue;
      }
      conn.alive = false;
      conn.ping();
    }
  }, limits.pingIntervalMs);
  heartbeat.unref();

  return {
    get connections() {
      return connections.size;
    },
    async shutdown(reason, timeoutMs) {
      clearInterval(heartbeat);
      const frame = encodeEvent('server.shutdown', { reason });
      const closed = [...connections.keys()].map(
        (ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()))),
      );
      for (const conn of connections.values()) {
        conn.send(frame);
        conn.close(CloseCode.GOING_AWAY, reason);
      }
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([Promise.all(closed).then(() => 'done' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log.warn('clients did not finish closing in time; cutting them', { open: connections.size });
        for (const conn of connections.values()) conn.terminate();
        // terminate() destroys the sockets; their close events follow within a tick or two.
        await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      }
      wss.close();
    },
  };
}
