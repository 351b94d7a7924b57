// Server addresses as people type them, and the WebSocket URL they lead to.

export interface ServerAddress {
  host: string;
  port: number;
  /** wss:// instead of ws:// (needed when the page itself is served over https). */
  secure: boolean;
}

/** The server's default port (apps/server). */
export const DEFAULT_PORT = 4747;
export const DEFAULT_HOST = '127.0.0.1';

export type AddressCheck = { ok: true; address: ServerAddress } | { ok: false; field: 'host' | 'port'; problem: string };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV6 = /^[0-9a-f:.]+$/i;

export function isValidHost(host: string): boolean {
  if (HOSTNAME.test(host)) return true;
  return host.includes(':') && IPV6.test(host) && host.length <= 45;
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/**
 * Reads the host and port fields. The host field may also hold a full address
 * ("chat.example.org:4747", "wss://chat.example.org", "[::1]:4747"); a port written there
 * wins over the port field, and a ws/wss/http/https scheme decides `secure`.
 */
export function parseServerAddress(hostInput: string, portInput: string, defaultSecure: boolean): AddressCheck {
  let text = hostInput.trim();
  let secure = defaultSecure;
  let portText = portInput.trim();
  const scheme = /^(wss?|https?):\/\//i.exec(text);
  if (scheme) {
    secure = /^(wss|https)$/i.test(scheme[1]!);
    text = text.slice(scheme[0].length);
    if (!/:\d+(?:\/|$)/.test(text.replace(/^\[[^\]]*\]/, ''))) portText = portText || (secure ? '443' : '80');
  }
  text = text.replace(/\/.*$/, ''); // a path such as /ws is ours to add
  if (text === '') return { ok: false, field: 'host', problem: 'Enter the server address.' };

  let host = text;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) portText = bracketed[2];
  } else {
    const colons = text.split(':').length - 1;
    if (colons === 1) {
      const [h, p] = text.split(':') as [string, string];
      host = h;
      portText = p;
    }
  }
  if (!isValidHost(host)) return { ok: false, field: 'host', problem: 'That does not look like a host name or IP address.' };
  if (portText === '') return { ok: false, field: 'port', problem: 'Enter the port (the server’s default is 4747).' };
  const port = parsePort(portText);
  if (port === null) return { ok: false, field: 'port', problem: 'The port is a number from 1 to 65535.' };
  return { ok: true, address: { host: host.toLowerCase(), port, secure } };
}

/** ws://host:port/ws (IPv6 hosts in brackets). */
export function serverUrl(address: ServerAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.secure ? 'wss' : 'ws'}://${host}:${address.port}/ws`;
}

/** "host:port" as shown to people. */
export function addressLabel(address: Pick<ServerAddress, 'host' | 'port'>): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Where to connect by default: the site that served the page (the Lemon Chat server serves
 * client.html at `/`), or this computer's default port when opened from disk.
 */
export function defaultAddress(location: Pick<Location, 'protocol' | 'hostname' | 'port'> | undefined): ServerAddress {
  if (location && (location.protocol === 'http:' || location.protocol === 'https:') && location.hostname) {
    const secure = location.protocol === 'https:';
    const hostname = location.hostname.replace(/^\[(.*)\]$/, '$1');
    return { host: hostname, port: location.port ? Number(location.port) : secure ? 443 : 80, secure };
  }
  return { host: DEFAULT_HOST, port: DEFAULT_PORT, secure: false };
}
