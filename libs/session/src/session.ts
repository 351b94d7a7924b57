import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  decodeServerBinaryFrame,
  VOICE_DOWNLINK_KIND,
  VOICE_UPLINK_KIND,
  voiceFromWebSocket,
  voiceOverWebSocket,
  decodeServerFrame,
  encodeBinaryRequest,
  encodeRequest,
  hasPayloadResponse,
  isBinaryRequest,
  fromBase64Url,
  loginSignedBytes,
  parseResponse,
  serverAddressOf,
  toBase64Url,
  type EventData,
  type BinaryRequestType,
  type RequestData,
  type RequestType,
  type ResponseOf,
  type ServerEvent,
  type ServerMessage,
} from '@lemon/protocol';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff';
import { Emitter } from './emitter';
import { SOCKET_OPEN, type SocketFactory, type SocketLike } from './socket';
import { applyEvent, worldFromSnapshot, type World } from './world';

/** Signs with the user's identity key; the session never sees the secret key. */
export interface SessionIdentity {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface SessionOptions {
  /** ws:// or wss:// URL of the server's /ws endpoint. */
  url: string;
  identity: SessionIdentity;
  /** Name asked for when this identity is new on the server. */
  displayName: string;
  createSocket: SocketFactory;
  client?: { name: string; version: string };
  requestTimeoutMs?: number;
  /** While online, a ping is sent this often; an unanswered one means the link is dead. */
  keepAliveMs?: number;
  /** Reconnect policy, or false to stay closed after the first disconnect. */
  reconnect?: BackoffPolicy | false;
}

/**
 * idle → connecting → authenticating → online; any drop → reconnecting → connecting …;
 * close() or a fatal error → closed.
 */
export type SessionState = 'idle' | 'connecting' | 'authenticating' | 'online' | 'reconnecting' | 'closed';

export interface StateDetail {
  error?: ProtocolError;
  retryInMs?: number;
  attempt?: number;
}

export interface ServerInfo {
  serverName: string;
  serverKey: Uint8Array;
  /** What this server accepts (frame and blob sizes), from its hello. */
  limits: EventData<'server.hello'>['limits'];
}

export type SessionEvents = {
  state: [state: SessionState, detail: StateDetail];
  /** Login succeeded (first time and after every reconnect); the world was rebuilt. */
  online: [world: World, firstLogin: boolean];
  /** The world changed; the same World object, mutated in place. */
  world: [world: World];
  event: [event: ServerEvent];
  hello: [info: ServerInfo];
  /** An error the server sent that answers no request of ours. */
  error: [error: ProtocolError];
  /** A voice packet (a downlink batch) that came over the WebSocket. */
  voice: [packet: Uint8Array];
};

/** Errors after which retrying cannot help. */
const FATAL_LOGIN_ERRORS: ReadonlySet<ErrorCode> = new Set([ErrorCode.BAD_SIGNATURE, ErrorCode.UNSUPPORTED_VERSION]);

/**
 * Unsolicited errors that end the session: ALREADY_CONNECTED means this identity logged in
 * somewhere else and took over; reconnecting would take it back, and the two would fight.
 */
const FATAL_SERVER_ERRORS: ReadonlySet<ErrorCode> = new Set([ErrorCode.ALREADY_CONNECTED]);

interface Pending {
  type: RequestType;
  resolve: (value: unknown) => void;
  reject: (error: ProtocolError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Session extends Emitter<SessionEvents> {
  private socket: SocketLike | null = null;
  private currentState: SessionState = 'idle';
  private currentWorld: World | null = null;
  private serverInfo: ServerInfo | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why the last login attempt failed, reported with the reconnect it leads to. */
  private loginError: ProtocolError | null = null;
  private keepAliveTimer: ReturnType<typeof setInterval> | null = null;
  private readonly requestTimeoutMs: number;
  private readonly keepAliveMs: number;

  constructor(private readonly options: SessionOptions) {
    super((error) => queueMicrotask(() => { throw error; }));
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  get state(): SessionState {
    return this.currentState;
  }

  get world(): World | null {
    return this.currentWorld;
  }

  get server(): ServerInfo | null {
    return this.serverInfo;
  }

  /** Starts connecting (and reconnecting after drops) until close(). */
  start(): void {
    if (this.currentState !== 'idle') return;
    this.open();
  }

  /** Starts if needed and resolves once logged in; rejects if the session closes first. */
  connect(): Promise<World> {
    this.start();
    if (this.currentState === 'online' && this.currentWorld) return Promise.resolve(this.currentWorld);
    return new Promise((resolve, reject) => {
      const offOnline = this.on('online', (world) => {
        offOnline();
        offState();
        resolve(world);
      });
      const offState = this.on('state', (state, detail) => {
        if (state !== 'closed') return;
        offOnline();
        offState();
        reject(detail.error ?? new ProtocolError(ErrorCode.DISCONNECTED));
      });
    });
  }

  /**
   * Sends a request and resolves with its validated result, or rejects with a ProtocolError.
   * Binary requests (MLS messages, blob chunks) take their payload as a third argument.
   */
  request<K extends Exclude<RequestType, BinaryRequestType>>(type: K, data: RequestData<K>): Promise<ResponseOf<K>>;
  request<K extends BinaryRequestType>(type: K, data: RequestData<K>, payload: Uint8Array): Promise<ResponseOf<K>>;
  request<K extends RequestType>(type: K, data: RequestData<K>, payload?: Uint8Array): Promise<ResponseOf<K>> {
    if (this.currentState !== 'online') return Promise.reject(new ProtocolError(ErrorCode.DISCONNECTED));
    return this.send(type, data, payload);
  }

  /**
   * Skips the wait: reconnects at once while reconnecting, or starts over after the
   * session was closed (e.g. after another device took this identity over).
   */
  reconnectNow(): void {
    if (this.currentState === 'reconnecting') {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.open();
    } else if (this.currentState === 'closed' || this.currentState === 'idle') {
      this.attempt = 0;
      this.open();
    }
  }

  /** Ends the session for good: no reconnect. */
  close(): void {
    this.setState('closed', {});
    this.teardown(new ProtocolError(ErrorCode.DISCONNECTED, 'session closed'));
  }

  private send<K extends RequestType>(type: K, data: RequestData<K>, payload?: Uint8Array): Promise<ResponseOf<K>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return Promise.reject(new ProtocolError(ErrorCode.DISCONNECTED));
    const id = this.nextId;
    let frame: string | Uint8Array;
    try {
      if (isBinaryRequest(type)) {
        if (!payload) throw new ProtocolError(ErrorCode.INVALID_PAYLOAD, `${type} needs a payload`);
        frame = encodeBinaryRequest(id, type, data as RequestData<typeof type>, payload);
      } else {
        frame = encodeRequest(id, type as Exclude<RequestType, BinaryRequestType>, data as RequestData<Exclude<RequestType, BinaryRequestType>>);
      }
    } catch (error) {
      return Promise.reject(error instanceof ProtocolError ? error : new ProtocolError(ErrorCode.INVALID_PAYLOAD, String(error)));
    }
    this.nextId = this.nextId >= LIMITS.maxRequestId ? 1 : this.nextId + 1;
    return new Promise<ResponseOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError(ErrorCode.TIMEOUT, `${type} got no answer in ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { type, resolve: resolve as (v: unknown) => void, reject, timer });
      socket.send(frame);
    });
  }

  private open(): void {
    this.setState('connecting', { attempt: this.attempt });
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch (error) {
      this.scheduleReconnect(new ProtocolError(ErrorCode.DISCONNECTED, `cannot open ${this.options.url}: ${String(error)}`));
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      if (this.socket === socket) this.setState('authenticating', {});
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = () => undefined; // onclose follows and carries the decision
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect(new ProtocolError(ErrorCode.DISCONNECTED, `connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
    };
  }

  /**
   * Sends one voice packet over the WebSocket (the fallback when UDP is blocked); false when
   * the link is down. Fire and forget: voice is never answered or retried.
   */
  sendVoice(packet: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN || this.state !== 'online') return false;
    socket.send(voiceOverWebSocket(VOICE_UPLINK_KIND, packet));
    return true;
  }

  private receive(data: unknown): void {
    let decoded: ReturnType<typeof decodeServerFrame>;
    let bytes: Uint8Array | null = null;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes) {
      const voice = voiceFromWebSocket(VOICE_DOWNLINK_KIND, bytes);
      if (voice) {
        this.emit('voice', voice);
        return;
      }
    }
    if (typeof data === 'string') decoded = decodeServerFrame(data);
    else if (bytes) decoded = decodeServerBinaryFrame(bytes);
    else return;
    if (!decoded.ok) {
      this.emit('error', decoded.error);
      // A server speaking another protocol version will not start making sense on retry.
      if (decoded.error.code === ErrorCode.UNSUPPORTED_VERSION) {
        this.setState('closed', { error: decoded.error });
        this.teardown(decoded.error);
      }
      return;
    }
    const msg = decoded.value;
    if (msg.kind === 'event') {
      this.handleEvent(msg);
      return;
    }
    if (msg.kind === 'events') {
      for (const event of msg.events) this.handleEvent(event);
      return;
    }
    const pending = msg.id === null ? undefined : this.pending.get(msg.id);
    if (!pending) {
      if (msg.kind !== 'error') return;
      const error = new ProtocolError(msg.code, msg.message);
      this.emit('error', error);
      if (FATAL_SERVER_ERRORS.has(error.code)) {
        this.setState('closed', { error });
        this.teardown(error);
      }
      return;
    }
    this.pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.kind === 'error') {
      pending.reject(new ProtocolError(msg.code, msg.message));
      return;
    }
    this.settle(pending, msg);
  }

  private settle(pending: Pending, msg: Extract<ServerMessage, { kind: 'response' }>): void {
    const parsed = parseResponse(pending.type, msg.result);
    if (!parsed.ok) return pending.reject(parsed.error);
    const wantsPayload = hasPayloadResponse(pending.type);
    if (wantsPayload !== (msg.payload !== undefined)) {
      return pending.reject(ProtocolError.badFrame(`${pending.type} answered ${wantsPayload ? 'without' : 'with'} a payload`));
    }
    pending.resolve(wantsPayload ? { ...(parsed.value as object), payload: msg.payload } : parsed.value);
  }

  private handleEvent(event: ServerEvent): void {
    if (event.event === 'server.hello') {
      this.login(event.data);
      return;
    }
    this.emit('event', event);
    if (this.currentWorld && applyEvent(this.currentWorld, event)) this.emit('world', this.currentWorld);
  }

  private login(hello: EventData<'server.hello'>): void {
    const serverKey = fromBase64Url(hello.serverKey);
    const challenge = fromBase64Url(hello.challenge);
    if (!serverKey || !challenge) return; // schema already guarantees both decode
    this.serverInfo = { serverName: hello.serverName, serverKey, limits: hello.limits };
    this.emit('hello', this.serverInfo);
    const { identity } = this.options;
    const address = serverAddressOf(this.options.url);
    let signature: Uint8Array;
    try {
      signature = identity.sign(loginSignedBytes(serverKey, challenge, address));
    } catch (cause) {
      const error = new ProtocolError(ErrorCode.INTERNAL, `could not sign the login: ${String(cause)}`);
      this.setState('closed', { error });
      this.teardown(error);
      return;
    }
    const socket = this.socket;
    this.send('auth.login', {
      publicKey: toBase64Url(identity.publicKey),
      challenge: hello.challenge,
      signature: toBase64Url(signature),
      address,
      displayName: this.options.displayName,
      ...(this.options.client ? { client: this.options.client } : {}),
    }).then(
      (snapshot) => {
        this.attempt = 0;
        this.loginError = null;
        this.currentWorld = worldFromSnapshot(snapshot);
        this.setState('online', {});
        this.startKeepAlive();
        this.emit('online', this.currentWorld, snapshot.firstLogin);
        this.emit('world', this.currentWorld);
      },
      (error: ProtocolError) => {
        // A link that is already gone says nothing about the login itself.
        if (socket === null || socket !== this.socket) return;
        if (FATAL_LOGIN_ERRORS.has(error.code)) {
          this.setState('closed', { error });
          this.teardown(error);
          return;
        }
        // Report this reason with the reconnect, and make sure that reconnect happens
        // even if the server keeps the socket open (or never answered).
        this.loginError = error;
        socket.close(4001, 'login failed');
      },
    );
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => {
      this.send('ping', {}).catch((error: ProtocolError) => {
        // An unanswered ping means the path is dead even if the socket has not noticed.
        if (error.code === ErrorCode.TIMEOUT) this.socket?.close(4000, 'keep-alive timeout');
      });
    }, this.keepAliveMs);
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  private scheduleReconnect(closeReason: ProtocolError): void {
    const reason = this.loginError ?? closeReason;
    this.loginError = null;
    this.failPending(reason);
    this.stopKeepAlive();
    if (this.currentState === 'closed') return;
    if (this.options.reconnect === false) {
      this.setState('closed', { error: reason });
      return;
    }
    const delay = reconnectDelay(this.attempt, this.options.reconnect ?? DEFAULT_BACKOFF);
    this.attempt++;
    this.setState('reconnecting', { error: reason, retryInMs: delay, attempt: this.attempt });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.currentState === 'reconnecting') this.open();
    }, delay);
  }

  private teardown(reason: ProtocolError): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopKeepAlive();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.onerror = () => undefined;
      socket.close(1000, 'bye');
    }
    this.failPending(reason);
  }

  private failPending(reason: ProtocolError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(reason);
    }
  }

  private setState(state: SessionState, detail: StateDetail): void {
    if (this.currentState === state && state !== 'reconnecting') return;
    this.currentState = state;
    this.emit('state', state, detail);
  }
}
