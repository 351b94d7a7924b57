// Remembered servers: a small saved-preferences store (default / clean / hydrate), kept in
// localStorage. Nothing secret lives here — only addresses and the nickname used there.
import { LIMITS } from '@lemon/protocol';
import { isValidHost, type ServerAddress } from './address';

export interface SavedServer extends ServerAddress {
  /** The nickname asked for on that server. */
  nickname: string;
  /** The server's own name, learned on the last successful connect. */
  serverName: string;
  lastUsedAt: number;
}

export interface ServersState {
  servers: SavedServer[];
}

export const SERVERS_STORAGE_KEY = 'lemon.servers.v1';
export const MAX_SAVED_SERVERS = 12;

export const serversStore = {
  default(): ServersState {
    return { servers: [] };
  },

  /** Whatever was stored (old versions, hand edits, garbage) → a valid state. Never throws. */
  clean(input: unknown): ServersState {
    const list = typeof input === 'object' && input !== null && Array.isArray((input as { servers?: unknown }).servers) ? (input as { servers: unknown[] }).servers : [];
    const seen = new Set<string>();
    const servers: SavedServer[] = [];
    for (const item of list) {
      const server = cleanServer(item);
      if (!server) continue;
      const key = serverKey(server);
      if (seen.has(key)) continue;
      seen.add(key);
      servers.push(server);
    }
    servers.sort((a, b) => b.lastUsedAt - a.lastUsedAt);
    return { servers: servers.slice(0, MAX_SAVED_SERVERS) };
  },

  /** Reads the saved state; missing, unreadable or invalid data gives the default. */
  hydrate(storage: Pick<Storage, 'getItem'> | null | undefined): ServersState {
    try {
      const raw = storage?.getItem(SERVERS_STORAGE_KEY);
      return raw ? serversStore.clean(JSON.parse(raw)) : serversStore.default();
    } catch {
      return serversStore.default();
    }
  },

  save(storage: Pick<Storage, 'setItem'> | null | undefined, state: ServersState): void {
    try {
      storage?.setItem(SERVERS_STORAGE_KEY, JSON.stringify(serversStore.clean(state)));
    } catch {
      // Storage full or disabled: remembering servers is a convenience, not a requirement.
    }
  },
};

export function serverKey(server: Pick<ServerAddress, 'host' | 'port'>): string {
  return `${server.host.toLowerCase()}:${server.port}`;
}

/** Puts `server` first (replacing an entry with the same host and port). */
export function rememberServer(state: ServersState, server: SavedServer): ServersState {
  return serversStore.clean({ servers: [server, ...state.servers.filter((s) => serverKey(s) !== serverKey(server))] });
}

export function forgetServer(state: ServersState, server: Pick<ServerAddress, 'host' | 'port'>): ServersState {
  return { servers: state.servers.filter((s) => serverKey(s) !== serverKey(server)) };
}

function cleanServer(item: unknown): SavedServer | null {
  if (typeof item !== 'object' || item === null) return null;
  const v = item as Record<string, unknown>;
  const host = typeof v.host === 'string' ? v.host.trim().toLowerCase() : '';
  const port = typeof v.port === 'number' && Number.isInteger(v.port) && v.port >= 1 && v.port <= 65535 ? v.port : null;
  if (!isValidHost(host) || port === null) return null;
  const text = (value: unknown, max: number) => (typeof value === 'string' ? [...value].slice(0, max).join('') : '');
  return {
    host,
    port,
    secure: v.secure === true,
    nickname: text(v.nickname, LIMITS.displayNameMaxChars),
    serverName: text(v.serverName, 128),
    lastUsedAt: typeof v.lastUsedAt === 'number' && Number.isFinite(v.lastUsedAt) ? v.lastUsedAt : 0,
  };
}
