import { Identity } from '@lemon/crypto-wasm';
import type { ServerEvent } from '@lemon/protocol';
import { Session, type SessionOptions, type SocketLike, type World } from '@lemon/session';
import WebSocket from 'ws';

/** A socket factory for Node: the `ws` package speaks the same API as the browser's WebSocket. */
export function nodeSocket(url: string): SocketLike {
  // One message per event-loop turn, as in browsers: listeners attached right after login
  // (the chat engine) must not miss events that arrived in the same read as the login reply.
  return new WebSocket(url, { allowSynchronousEvents: false }) as unknown as SocketLike;
}

export interface TestClient {
  session: Session;
  identity: Identity;
  world: World;
}

/** Logs a new (or the given) identity in with the real session library; resolves when online. */
export async function connectClient(
  wsUrl: string,
  displayName: string,
  options: { identity?: Identity } & Partial<SessionOptions> = {},
): Promise<TestClient> {
  const identity = options.identity ?? Identity.generate();
  const session = new Session({
    url: wsUrl,
    displayName,
    identity,
    createSocket: nodeSocket,
    reconnect: false,
    ...options,
  });
  const world = await session.connect();
  return { session, identity, world };
}

/** Resolves with the first event matching `match`, or rejects after `timeoutMs`. */
export function nextEvent<T extends ServerEvent['event']>(
  session: Session,
  event: T,
  match: (e: Extract<ServerEvent, { event: T }>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Extract<ServerEvent, { event: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = session.on('event', (e) => {
      if (e.event !== event) return;
      const typed = e as Extract<ServerEvent, { event: T }>;
      if (!match(typed)) return;
      clearTimeout(timer);
      off();
      resolve(typed);
    });
  });
}

/** Resolves when the session reaches `state` (bounded). */
export function reachState(session: Session, state: Session['state'], timeoutMs = 10_000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`session did not reach ${state} within ${timeoutMs} ms (now ${session.state})`));
    }, timeoutMs);
    const off = session.on('state', (s) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
