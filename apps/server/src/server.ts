/**
 * Assembles one running server: the data folder and its lock, crypto, the server key,
 * storage, presence, the HTTP handler and the WebSocket transport on one http(s) server.
 * main.ts adds config, umask and signals; tests and benchmarks may call startServer directly.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import type { ServerConfig } from './config';
import type { ServerContext } from './handlers/context';
import { createChannelGroups } from './groups/create';
import { startVoiceHost } from './voice/host';
import type { VoiceTransportOptions } from './voice/transport';
import { createHttpHandler } from './http/handler';
import { loadOrCreateServerKey } from './identity/server-key';
import { errorFields, logger } from './log';
import { InMemoryPresence } from './presence/registry';
import { lockDataDir, prepareDataDir } from './storage/data-dir';
import { openStorage, type Storage } from './storage/db';
import { monotonicClock } from './transport/rate-limit';
import { WEBSOCKET_PATH, attachWebSocket } from './transport/websocket';

const log = logger('server');

export interface StartOptions {
  /** The crypto WASM file; the crypto library's default location when absent. */
  wasmPath?: string;
}

export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** http(s)://host:port/ a browser can open. */
  readonly url: string;
  /** ws(s)://host:port/ws */
  readonly wsUrl: string;
  /** The server's public key, base64url. */
  readonly serverKey: string;
  readonly connections: number;
  /** Graceful stop: tells clients, closes sockets and the database. Idempotent. */
  close(reason?: 'shutdown' | 'restart'): Promise<void>;
}

/** The host part of a URL a person can open for a bind address. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: HttpServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Resolves after `ms` without keeping the process alive. */
function timeout(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** How often expired DMs and blobs are deleted (also once at start). */
export const RETENTION_SWEEP_MS = 3_600_000;

/** Runs the retention sweep now and then every RETENTION_SWEEP_MS (unref'd); returns the timer. */
function startRetentionSweep(storage: Storage, config: ServerConfig): NodeJS.Timeout {
  const sweep = () => {
    if (!storage.isOpen) return;
    try {
      const { dms, blobs } = storage.sweep(config.limits);
      if (dms + blobs.expired + blobs.missingFiles + blobs.orphanFiles > 0) log.info('retention sweep', { dms, ...blobs });
    } catch (error) {
      log.error('retention sweep failed', errorFields(error));
    }
  };
  sweep();
  return setInterval(sweep, RETENTION_SWEEP_MS).unref();
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  await initCryptoFromFile(options.wasmPath);
  prepareDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  let storage: Storage;
  try {
    storage = openStorage(config.dataDir, { maxChannels: config.limits.maxChannels });
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    if (storage.migrated.from !== storage.migrated.to) {
      log.info('database migrated', { from: storage.migrated.from, to: storage.migrated.to });
    }
    const { identity } = loadOrCreateServerKey(config.dataDir);
    const startedAt = monotonicClock();
    let shuttingDown = false;
    const presence = new InMemoryPresence();
    const channelGroups = createChannelGroups({
      secretKey: () => identity.exportSecretKey(),
      keyPackages: storage.keyPackages,
      presence,
      responseTimeoutMs: config.limits.mlsResponseTimeoutMs,
    });
    const voice = startVoiceHost({ presence, channels: storage.channels, now: monotonicClock, transport: voiceTransport(config) });
    const ctx: ServerContext = {
      config,
      storage,
      presence,
      serverKey: { raw: identity.publicKey, base64: toBase64Url(identity.publicKey) },
      admins: new Set(config.admins),
      channelGroups,
      voice,
      now: monotonicClock,
      isShuttingDown: () => shuttingDown,
    };
    const handler = createHttpHandler({
      clientHtml: config.clientHtml,
      connections: () => transport.connections,
      startedAt,
      now: monotonicClock,
    });
    const server: HttpServer = config.tls
      ? createHttpsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, handler)
      : createHttpServer(handler);
    server.headersTimeout = 20_000;
    server.requestTimeout = 30_000;
    const transport = attachWebSocket(server, ctx);
    const address = await listen(server, config.port, config.host);
    const sweepTimer = startRetentionSweep(storage, config);

    const scheme = config.tls ? 'https' : 'http';
    const origin = `${displayHost(config.host)}:${address.port}`;
    let closing: Promise<void> | null = null;
    const running: RunningServer = {
      port: address.port,
      url: `${scheme}://${origin}/`,
      wsUrl: `${config.tls ? 'wss' : 'ws'}://${origin}${WEBSOCKET_PATH}`,
      serverKey: ctx.serverKey.base64,
      get connections() {
        return transport.connections;
      },
      close(reason = 'shutdown') {
        closing ??= (async () => {
          shuttingDown = true;
          const stoppedListening = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          channelGroups.close();
          voice.close();
          await transport.shutdown(reason, config.limits.shutdownTimeoutMs);
          server.closeAllConnections();
          await Promise.race([stoppedListening, timeout(1000)]);
          clearInterval(sweepTimer);
          storage.close();
          lock.release();
        })();
        return closing;
      },
    };
    return running;
  } catch (error) {
    storage.close();
    lock.release();
    throw error;
  }
}

/** WebRTC options from the config: the UDP port range, and the addresses clients are told. */
function voiceTransport(config: ServerConfig): VoiceTransportOptions {
  const specific = /^\d+\.\d+\.\d+\.\d+$/.test(config.host) && config.host !== '0.0.0.0' ? config.host : undefined;
  // A server bound to one address (say loopback) binds voice there too, and announces it
  // (werift leaves loopback out of its candidates otherwise).
  const announced = [...config.voice.announcedAddresses, ...(specific && !config.voice.announcedAddresses.includes(specific) ? [specific] : [])];
  return {
    ...(config.voice.portRange ? { portRange: config.voice.portRange } : {}),
    ...(announced.length > 0 ? { announcedAddresses: announced } : {}),
    ...(specific ? { bindAddress: specific } : {}),
  };
}
