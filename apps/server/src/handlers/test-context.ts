/**
 * For handler unit tests: a real ServerContext over a real SQLite file in a temp folder,
 * with log lines captured so tests can check what was (not) logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type ServerConfig } from '../config';
import { createChannelGroups } from '../groups/create';
import { startVoiceHost } from '../voice/host';
import { setLogSink } from '../log';
import { InMemoryPresence } from '../presence/registry';
import { openStorage, type Storage } from '../storage/db';
import type { ServerContext } from './context';

export interface TestContext {
  ctx: ServerContext;
  storage: Storage;
  logged: string[];
  /** Set to make ctx.isShuttingDown() answer true. */
  shuttingDown: boolean;
  close(): void;
}

export function createTestContext(prefix: string): TestContext {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const storage = openStorage(dir, { maxChannels: 10 });
  const logged: string[] = [];
  setLogSink({ out: (l) => logged.push(l), err: (l) => logged.push(l) });
  const config: ServerConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    configFile: null,
    tls: null,
    serverName: 'Test',
    admins: [],
    publicAddresses: [],
    clientHtml: join(dir, 'client.html'),
    logLevel: 'info',
    limits: DEFAULT_LIMITS,
    voice: { portRange: null, announcedAddresses: [] },
  };
  const presence = new InMemoryPresence();
  const channelGroups = createChannelGroups({
    secretKey: () => new Uint8Array(32).fill(0x42),
    keyPackages: storage.keyPackages,
    presence,
    responseTimeoutMs: config.limits.mlsResponseTimeoutMs,
  });
  const voice = startVoiceHost({ presence, channels: storage.channels, now: () => 0 });
  const test: TestContext = {
    storage,
    logged,
    shuttingDown: false,
    ctx: {
      config,
      storage,
      presence,
      serverKey: { raw: new Uint8Array(32), base64: 'A'.repeat(43) },
      admins: new Set(),
      channelGroups,
      voice,
      now: () => 0,
      isShuttingDown: () => test.shuttingDown,
    },
    close() {
      channelGroups.close();
      voice.close();
      setLogSink(null);
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return test;
}
