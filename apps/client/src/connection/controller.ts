// The one owner of the Session. Components read its accessors and call its actions; they
// never see a socket or the Session. Setters stay private to this module.
import { batch, createSignal, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  decodeServerFrame,
  normalizeChannelName,
  normalizeDisplayName,
  type Channel,
  type RequestData,
  type RequestType,
  type ResponseData,
  type User,
} from '@lemon/protocol';
import { Session, type SessionIdentity, type SessionOptions, type SessionState, type SocketFactory, type SocketLike, type World } from '@lemon/session';
import { addressLabel, serverUrl, type ServerAddress } from '../servers/address';
import { describeError } from './errors';
import { tapSockets } from './socket-tap';
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
  /** Reconnect attempts since the link dropped. */
  attempt: Accessor<number>;

  /** Resolves once online; rejects with a ProtocolError if the first attempt fails. */
  connect(target: ConnectTarget): Promise<void>;
  disconnect(): void;
  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void;
  rename(displayName: string): Promise<string>;
  join(channelId: number): Promise<void>;
  createChannel(input: { parentId: number | null; name: string; description?: string }): Promise<Channel>;
  updateChannel(channelId: number, patch: { name?: string; description?: string }): Promise<Channel>;
  deleteChannel(channelId: number): Promise<number[]>;
  dispose(): void;
}

export interface ControllerDeps {
  /** The signing identity, read when connecting. */
  identity: () => SessionIdentity | null;
  createSocket?: SocketFactory;
  createSession?: (options: SessionOptions) => Session;
  /** Unsolicited things to tell the person (server errors, shutdown notices). */
  notify?: (text: string, tone: 'info' | 'error') => void;
  now?: () => number;
  tickMs?: number;
}

const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

export function createConnectionController(deps: ControllerDeps): ConnectionController {
  const now = deps.now ?? (() => Date.now());
  const [phase, setPhase] = createSignal<ConnectionPhase>('disconnected');
  const [sessionState, setSessionState] = createSignal<SessionState>('idle');
  const [target, setTarget] = createSignal<ConnectTarget | null>(null);
  const [issue, setIssue] = createSignal<ConnectionIssue | null>(null);
  const [retryAt, setRetryAt] = createSignal<number | null>(null);
  const [attempt, setAttempt] = createSignal(0);
  const [clock, setClock] = createSignal(now());
  const [world, setWorld] = createStore<WorldView>(emptyWorldView());

  let session: Session | null = null;
  let unsubscribe: (() => void)[] = [];
  let ticker: ReturnType<typeof setInterval> | null = null;
  /** A login error the server sent on the current socket (the Session does not surface it). */
  let loginError: ProtocolError | null = null;
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

  const dropSession = () => {
    unsubscribe.forEach((off) => off());
    unsubscribe = [];
    const s = session;
    session = null;
    s?.close();
  };

  const settle = (error?: ProtocolError) => {
    const p = pending;
    pending = null;
    if (!p) return;
    if (error) p.reject(error);
    else p.resolve();
  };

  const fail = (issueNow: ConnectionIssue, error: ProtocolError) => {
    dropSession();
    stopTicker();
    batch(() => {
      setPhase('disconnected');
      setSessionState('closed');
      setRetryAt(null);
      setIssue(issueNow);
      setWorld(reconcile(emptyWorldView()));
    });
    settle(error);
  };

  const onText = (data: string) => {
    if (session?.state !== 'authenticating') return;
    const decoded = decodeServerFrame(data);
    if (decoded.ok && decoded.value.kind === 'error') loginError = new ProtocolError(decoded.value.code, decoded.value.message);
  };

  const open = (t: ConnectTarget) => {
    const identity = deps.identity();
    if (!identity) throw new ProtocolError(ErrorCode.NOT_AUTHENTICATED, 'no identity yet');
    loginError = null;
    const options: SessionOptions = {
      url: serverUrl(t),
      identity,
      displayName: t.displayName,
      createSocket: tapSockets(deps.createSocket ?? browserSocket, onText),
      client: CLIENT_INFO,
    };
    const s = (deps.createSession ?? ((o) => new Session(o)))(options);
    session = s;
    unsubscribe = [
      s.on('state', (state, detail) => {
        if (session !== s) return;
        setSessionState(state);
        if (state === 'connecting') loginError = null;
        if (state === 'online') {
          stopTicker();
          batch(() => {
            setPhase('online');
            setIssue(null);
            setRetryAt(null);
            setAttempt(0);
          });
          settle();
          return;
        }
        if (state === 'reconnecting') {
          const reason = loginError ?? detail.error ?? new ProtocolError(ErrorCode.DISCONNECTED);
          if (phase() === 'connecting') {
            // The first attempt failed: say why on the connect screen instead of retrying blindly.
            const unreachable = !loginError;
            fail(
              unreachable
                ? { code: 'UNREACHABLE', text: `Could not reach ${addressLabel(t)}. Check the address and that the server is running.` }
                : { code: reason.code, text: describeError(reason) },
              reason,
            );
            return;
          }
          batch(() => {
            setPhase('reconnecting');
            setAttempt(detail.attempt ?? attempt() + 1);
            setRetryAt(now() + (detail.retryInMs ?? 0));
            setIssue({ code: reason.code, text: loginError ? describeError(loginError) : 'The connection to the server was lost.' });
          });
          startTicker();
          return;
        }
        if (state === 'connecting' || state === 'authenticating') {
          setRetryAt(null);
          return;
        }
        if (state === 'closed') {
          const error = detail.error ?? new ProtocolError(ErrorCode.DISCONNECTED);
          fail({ code: error.code, text: describeError(error) }, error);
        }
      }),
      s.on('world', (w: World) => {
        if (session === s) setWorld(reconcile(worldView(w), { key: 'id', merge: false }));
      }),
      s.on('event', (event) => {
        if (session === s && event.event === 'server.shutdown') {
          deps.notify?.(event.data.reason === 'restart' ? 'The server is restarting; you will be reconnected.' : 'The server is shutting down.', 'info');
        }
      }),
      s.on('error', (error) => {
        if (session !== s) return;
        if (error.code === ErrorCode.ALREADY_CONNECTED) {
          // A newer login of this identity replaced us. Reconnecting would kick that one out
          // in turn (two tabs fighting), so stop here and say why.
          fail({ code: error.code, text: 'This identity connected from another window or device, so this one was disconnected.' }, error);
          return;
        }
        deps.notify?.(describeError(error), 'error');
      }),
    ];
    s.start();
  };

  const request = <K extends RequestType>(type: K, data: RequestData<K>): Promise<ResponseData<K>> => {
    if (!session || phase() !== 'online') return Promise.reject(new ProtocolError(ErrorCode.DISCONNECTED));
    return session.request(type, data);
  };

  const controller: ConnectionController = {
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
    attempt,

    connect(t) {
      dropSession();
      settle(new ProtocolError(ErrorCode.DISCONNECTED, 'replaced by a new connection'));
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
      const t = target();
      if (phase() !== 'reconnecting' || !t) return;
      dropSession();
      setRetryAt(null);
      open(t);
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
      if (!check.ok) throw new ProtocolError(ErrorCode.CHANNEL_INVALID, 'invalid channel name');
      const description = (input.description ?? '').trim().slice(0, LIMITS.channelDescriptionMaxChars);
      const result = await request('channel.create', { parentId: input.parentId, name: check.name, ...(description ? { description } : {}) });
      return result.channel;
    },

    async updateChannel(channelId, patch) {
      const data: RequestData<'channel.update'> = { channelId };
      if (patch.name !== undefined) {
        const check = normalizeChannelName(patch.name);
        if (!check.ok) throw new ProtocolError(ErrorCode.CHANNEL_INVALID, 'invalid channel name');
        data.name = check.name;
      }
      if (patch.description !== undefined) data.description = patch.description.trim().slice(0, LIMITS.channelDescriptionMaxChars);
      const result = await request('channel.update', data);
      return result.channel;
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
