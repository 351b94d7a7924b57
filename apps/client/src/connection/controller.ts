// The one owner of the Session. Components read its accessors and call its actions; they
// never see a socket or the Session. Setters stay private to this module.
import { batch, createSignal, type Accessor } from 'solid-js';
import type { ChatModel } from '../chat/chat-model';
import { createStore, reconcile } from 'solid-js/store';
import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  normalizeChannelName,
  normalizeDisplayName,
  type Channel,
  type RequestData,
  type RequestType,
  type ResponseData,
  type User,
  type BinaryRequestType,
} from '@lemon/protocol';
import {
  Session,
  type SessionIdentity,
  type SessionOptions,
  type SessionState,
  type SocketFactory,
  type SocketLike,
  type StateDetail,
  type World,
} from '@lemon/session';
import { addressLabel, serverUrl, type ServerAddress } from '../servers/address';
import { TAKEN_OVER_TEXT, describeError } from './errors';
import { emptyWorldView, worldView, type WorldView } from './world-view';

export const CLIENT_INFO = { name: 'lemon-web', version: '0.1.0' } as const;

export interface ConnectTarget extends ServerAddress {
  /** The name asked for if this identity is new on that server. */
  displayName: string;
}

/**
 * disconnected: no session (the connect screen shows);
 * connecting: first attempt, never online yet;
 * online: logged in, the world is live;
 * reconnecting: was online, lost the link, retrying by itself (the world stays, greyed).
 */
export type ConnectionPhase = 'disconnected' | 'connecting' | 'online' | 'reconnecting';

export interface ConnectionIssue {
  code: ErrorCode | 'UNREACHABLE';
  /** Words for a person. */
  text: string;
}

export interface ConnectionController {
  phase: Accessor<ConnectionPhase>;
  /** The Session's own state (idle, connecting, authenticating, online, reconnecting, closed). */
  sessionState: Accessor<SessionState>;
  /** Live view of the server: channels, users, the ordered tree. Read-only. */
  world: WorldView;
  self: Accessor<User | undefined>;
  target: Accessor<ConnectTarget | null>;
  /** Why the last connection attempt failed or dropped; null while all is well. */
  issue: Accessor<ConnectionIssue | null>;
  /** Seconds until the next reconnect attempt, while one is scheduled. */
  retryInSeconds: Accessor<number | null>;
  /** When (epoch ms) the next reconnect attempt is scheduled, while one is. */
  retryAt: Accessor<number | null>;
  /** Reconnect attempts since the link dropped. */
  attempt: Accessor<number>;

  /** Resolves once online; rejects with a ProtocolError if the first attempt fails. */
  connect(target: ConnectTarget): Promise<void>;
  disconnect(): void;
  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void;
  rename(displayName: string): Promise<string>;
  join(channelId: number): Promise<void>;
  createChannel(input: { parentId: number | null; name: string; description?: string; voice?: boolean; bitrate?: number }): Promise<Channel>;
  updateChannel(channelId: number, patch: { name?: string; description?: string; voice?: boolean; bitrate?: number }): Promise<Channel>;
  /** Mute or deafen oneself (everyone sees it). */
  setVoiceState(state: { muted: boolean; deafened: boolean }): Promise<void>;
  deleteChannel(channelId: number): Promise<number[]>;
  /** The encrypted chat of the current session (null before the first connect). */
  chat: Accessor<ChatModel | null>;
  dispose(): void;
}

export interface ControllerDeps {
  /** The signing identity, read when connecting. */
  identity: () => SessionIdentity | null;
  /**
   * Opens the encrypted chat for a new Session (restoring saved state, so DMs queued for us
   * can be read at login); without it there is no chat (the controller's own unit tests).
   */
  openChat?: (session: Session, serverUrl: string) => Promise<ChatModel | null>;
  /** Opens sockets; the browser's WebSocket unless given (Node tests pass a `ws` one). */
  createSocket?: SocketFactory;
  /** Session tuning, e.g. a faster or slower reconnect policy; the Session's defaults otherwise. */
  sessionOptions?: Partial<Pick<SessionOptions, 'reconnect' | 'keepAliveMs' | 'requestTimeoutMs'>>;
  /** Unsolicited things to tell the person (server errors, shutdown notices). */
  notify?: (text: string, tone: 'info' | 'error') => void;
  now?: () => number;
  tickMs?: number;
}

/** Shown (see describeError) when a channel name is refused before it is sent. */
const INVALID_CHANNEL_NAME = 'that channel name is not allowed (empty, too long or containing invisible or control characters)';

const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** The Session in use and what it was made for (to tell whether a new connect can reuse it). */
interface Current {
  session: Session;
  chat: ChatModel | null;
  url: string;
  displayName: string;
  identity: SessionIdentity;
  off: (() => void)[];
}

export function createConnectionController(deps: ControllerDeps): ConnectionController {
  const now = deps.now ?? (() => Date.now());
  const [phase, setPhase] = createSignal<ConnectionPhase>('disconnected');
  const [sessionState, setSessionState] = createSignal<SessionState>('idle');
  const [target, setTarget] = createSignal<ConnectTarget | null>(null);
  const [issue, setIssue] = createSignal<ConnectionIssue | null>(null);
  const [retryAt, setRetryAt] = createSignal<number | null>(null);
  const [attempt, setAttempt] = createSignal(0);
  const [chat, setChat] = createSignal<ChatModel | null>(null);
  const [clock, setClock] = createSignal(now());
  const [world, setWorld] = createStore<WorldView>(emptyWorldView());

  let current: Current | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  /**
   * An error the server sent on its own while we were signing in (e.g. CHALLENGE_EXPIRED),
   * just before it closed the link: the reason for the reconnect that follows.
   */
  let serverError: ProtocolError | null = null;
  let pending: { resolve: () => void; reject: (e: ProtocolError) => void } | null = null;

  const startTicker = () => {
    if (ticker) return;
    setClock(now());
    ticker = setInterval(() => setClock(now()), deps.tickMs ?? 250);
  };
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };

  /** Forgets the Session for good (the person disconnected, or connects somewhere else). */
  const dropSession = () => {
    const c = current;
    current = null;
    if (!c) return;
    c.off.forEach((off) => off());
    c.chat?.stop();
    setChat(null);
    c.session.close();
  };

  const settle = (error?: ProtocolError) => {
    const p = pending;
    pending = null;
    if (!p) return;
    if (error) p.reject(error);
    else p.resolve();
  };

  /**
   * Back to the connect screen with a reason. The Session is stopped but kept: connecting
   * again to the same place with the same identity starts it over (Session.reconnectNow).
   */
  const fail = (issueNow: ConnectionIssue, error: ProtocolError) => {
    stopTicker();
    batch(() => {
      setPhase('disconnected');
      setRetryAt(null);
      setIssue(issueNow);
      setWorld(reconcile(emptyWorldView()));
    });
    // Our own close() reports 'closed' without an error, which onState ignores.
    if (current && current.session.state !== 'closed') current.session.close();
    setSessionState('closed');
    settle(error);
  };

  /** Why the link is down: a refused login, else what the server said before closing, else "lost". */
  const reasonFor = (detail: StateDetail): ProtocolError => {
    const error = detail.error;
    if (error && error.code !== ErrorCode.DISCONNECTED) return error;
    return serverError ?? error ?? new ProtocolError(ErrorCode.DISCONNECTED);
  };

  const onState = (state: SessionState, detail: StateDetail) => {
    setSessionState(state);
    switch (state) {
      case 'connecting':
        serverError = null;
        setRetryAt(null);
        return;
      case 'authenticating':
      case 'idle':
        setRetryAt(null);
        return;
      case 'online':
        serverError = null;
        stopTicker();
        batch(() => {
          setPhase('online');
          setIssue(null);
          setRetryAt(null);
          setAttempt(0);
        });
        settle();
        return;
      case 'reconnecting': {
        const reason = reasonFor(detail);
        if (phase() === 'connecting') {
          // The first attempt failed: say why on the connect screen instead of retrying blindly.
          fail(
            reason.code === ErrorCode.DISCONNECTED
              ? { code: 'UNREACHABLE', text: `Could not reach ${where()}. Check the address and that the server is running.` }
              : { code: reason.code, text: describeError(reason) },
            reason,
          );
          return;
        }
        batch(() => {
          setPhase('reconnecting');
          setAttempt(detail.attempt ?? attempt() + 1);
          setRetryAt(now() + (detail.retryInMs ?? 0));
          setIssue({ code: reason.code, text: describeError(reason) });
        });
        startTicker();
        return;
      }
      case 'closed': {
        // Without an error it is our own close(); fail() has already said why.
        const error = detail.error;
        if (!error) return;
        // ALREADY_CONNECTED: a newer login of this identity replaced us. The Session does not
        // reconnect (two tabs would kick each other out in turn); say why.
        fail({ code: error.code, text: error.code === ErrorCode.ALREADY_CONNECTED ? TAKEN_OVER_TEXT : describeError(error) }, error);
        return;
      }
    }
  };

  const where = () => {
    const t = target();
    return t ? addressLabel(t) : 'the server';
  };

  const subscribe = (s: Session): (() => void)[] => [
    s.on('state', (state, detail) => {
      if (current?.session === s) onState(state, detail);
    }),
    s.on('world', (w: World) => {
      if (current?.session === s) setWorld(reconcile(worldView(w), { key: 'id', merge: false }));
    }),
    s.on('event', (event) => {
      if (current?.session === s && event.event === 'server.shutdown') {
        deps.notify?.(event.data.reason === 'restart' ? 'The server is restarting; you will be reconnected.' : 'The server is shutting down.', 'info');
      }
    }),
    s.on('error', (error) => {
      if (current?.session !== s) return;
      if (s.state === 'authenticating') serverError = error;
      // A takeover ends the session; the 'closed' state that follows explains it.
      if (error.code !== ErrorCode.ALREADY_CONNECTED) deps.notify?.(describeError(error), 'error');
    }),
  ];

  /** Starts a Session for `t`, reusing the stopped one if it was made for the same place and identity. */
  const open = (t: ConnectTarget) => {
    const identity = deps.identity();
    const url = serverUrl(t);
    serverError = null;
    const c = current;
    if (identity && c && c.session.state === 'closed' && c.url === url && c.displayName === t.displayName && c.identity === identity) {
      c.session.reconnectNow();
      return;
    }
    dropSession();
    if (!identity) throw new ProtocolError(ErrorCode.NOT_AUTHENTICATED, 'no identity yet');
    const session = new Session({
      ...deps.sessionOptions,
      url,
      identity,
      displayName: t.displayName,
      createSocket: deps.createSocket ?? browserSocket,
      client: CLIENT_INFO,
    });
    const fresh: Current = { session, chat: null, url, displayName: t.displayName, identity, off: subscribe(session) };
    current = fresh;
    const begin = (chat: ChatModel | null) => {
      // Replaced (another connect, a disconnect) while the chat state was loading.
      if (current !== fresh) {
        chat?.stop();
        return;
      }
      fresh.chat = chat;
      chat?.start();
      setChat(chat);
      session.start();
    };
    if (!deps.openChat) return begin(null);
    deps.openChat(session, url).then(begin, (error: unknown) => {
      deps.notify?.(`Encrypted chat is unavailable: ${describeError(error)}`, 'error');
      begin(null);
    });
  };

  const request = <K extends Exclude<RequestType, BinaryRequestType>>(type: K, data: RequestData<K>): Promise<ResponseData<K>> => {
    if (!current || phase() !== 'online') return Promise.reject(new ProtocolError(ErrorCode.DISCONNECTED));
    return current.session.request(type, data) as Promise<ResponseData<K>>;
  };

  const controller: ConnectionController = {
    chat,
    phase,
    sessionState,
    world,
    self: () => (world.selfId ? world.users[world.selfId] : undefined),
    target,
    issue,
    retryInSeconds: () => {
      const at = retryAt();
      return at === null ? null : Math.max(0, Math.ceil((at - clock()) / 1000));
    },
    retryAt,
    attempt,

    connect(t) {
      settle(new ProtocolError(ErrorCode.DISCONNECTED, 'replaced by a new connection'));
      stopTicker();
      batch(() => {
        setTarget(t);
        setIssue(null);
        setPhase('connecting');
        setAttempt(0);
        setRetryAt(null);
        setWorld(reconcile(emptyWorldView()));
      });
      const done = new Promise<void>((resolve, reject) => (pending = { resolve, reject }));
      try {
        open(t);
      } catch (error) {
        const e = error instanceof ProtocolError ? error : new ProtocolError(ErrorCode.DISCONNECTED, String(error));
        fail({ code: e.code, text: describeError(e) }, e);
      }
      return done;
    },

    disconnect() {
      dropSession();
      stopTicker();
      settle(new ProtocolError(ErrorCode.DISCONNECTED, 'disconnected by the user'));
      batch(() => {
        setPhase('disconnected');
        setSessionState('idle');
        setIssue(null);
        setRetryAt(null);
        setAttempt(0);
        setWorld(reconcile(emptyWorldView()));
      });
    },

    retryNow() {
      if (phase() !== 'reconnecting') return;
      current?.session.reconnectNow();
    },

    async rename(displayName) {
      const check = normalizeDisplayName(displayName);
      if (!check.ok) throw new ProtocolError(ErrorCode.NAME_INVALID);
      const result = await request('user.rename', { displayName: check.name });
      return result.displayName;
    },

    async join(channelId) {
      if (world.users[world.selfId]?.channelId === channelId) return;
      await request('channel.join', { channelId });
    },

    async createChannel(input) {
      const check = normalizeChannelName(input.name);
      if (!check.ok) throw new ProtocolError(ErrorCode.CHANNEL_INVALID, INVALID_CHANNEL_NAME);
      const description = (input.description ?? '').trim().slice(0, LIMITS.channelDescriptionMaxChars);
      const result = await request('channel.create', {
        parentId: input.parentId,
        name: check.name,
        ...(description ? { description } : {}),
        ...(input.voice !== undefined ? { voice: input.voice } : {}),
        ...(input.bitrate !== undefined ? { bitrate: input.bitrate } : {}),
      });
      return result.channel;
    },

    async updateChannel(channelId, patch) {
      const data: RequestData<'channel.update'> = { channelId };
      if (patch.name !== undefined) {
        const check = normalizeChannelName(patch.name);
        if (!check.ok) throw new ProtocolError(ErrorCode.CHANNEL_INVALID, INVALID_CHANNEL_NAME);
        data.name = check.name;
      }
      if (patch.description !== undefined) data.description = patch.description.trim().slice(0, LIMITS.channelDescriptionMaxChars);
      if (patch.voice !== undefined) data.voice = patch.voice;
      if (patch.bitrate !== undefined) data.bitrate = patch.bitrate;
      const result = await request('channel.update', data);
      return result.channel;
    },

    async setVoiceState(state) {
      await request('voice.state', state);
    },

    async deleteChannel(channelId) {
      const result = await request('channel.delete', { channelId });
      return result.deleted;
    },

    dispose() {
      dropSession();
      stopTicker();
      settle(new ProtocolError(ErrorCode.DISCONNECTED, 'disposed'));
    },
  };
  return controller;
}
