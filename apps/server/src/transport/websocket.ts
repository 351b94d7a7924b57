/**
 * The WebSocket edge, on path /ws of the http(s) server. Every frame is decoded through
 * @lemon/protocol before anything else looks at it; then the rate limiter, then the
 * dispatcher. Keep-alive: one timer pings every connection each interval and terminates
 * those that did not answer the previous ping.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ErrorCode, LIMITS, ProtocolError, decodeBinaryFrame, decodeClientFrame, encodeEvent } from '@lemon/protocol';
import { disconnect, helloFrame, issueChallenge, loginTimeoutFrame } from '../handlers/auth';
import type { ServerContext } from '../handlers/context';
import { dispatch, errorReply, type Reply } from '../handlers/index';
import { errorFields, logger } from '../log';
import { CloseCode } from './close-codes';
import { Connection } from './connection';

const log = logger('transport');

export const WEBSOCKET_PATH = '/ws';

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
    maxPayload: Math.max(LIMITS.maxTextFrameBytes, LIMITS.maxBinaryFrameBytes),
    // Compression costs CPU and memory per connection and leaks sizes of secrets under
    // some conditions; payloads that matter are encrypted (incompressible) anyway.
    perMessageDeflate: false,
  });
  const connections = new Map<WebSocket, Connection>();

  const onFrame = (conn: Connection, data: RawData, isBinary: boolean): void => {
    conn.alive = true;
    if (conn.isClosing) return;
    const bytes = toBytes(data);
    // Every frame spends a token, well-formed or not, so garbage cannot be sent for free.
    const allowed = conn.bucket.take();
    let reply: Reply;
    if (isBinary) {
      // No binary kinds are registered yet; when there are, their handlers (which will
      // require login) plug in here.
      const frame = decodeBinaryFrame(bytes);
      if (!allowed) reply = errorReply(null, new ProtocolError(ErrorCode.RATE_LIMITED));
      else if (!frame.ok) reply = errorReply(null, frame.error);
      else reply = errorReply(null, new ProtocolError(ErrorCode.UNKNOWN_TYPE, `binary frame kind ${frame.value.kind} is not known`));
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

  const onConnection = (ws: WebSocket, req: IncomingMessage): void => {
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
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (error) => {
      // ws reports protocol violations (bad opcodes, oversize frames) here and closes.
      log.debug('socket error', { conn: conn.id, error: error.message });
    });
    ws.on('close', (code) => {
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
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
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
