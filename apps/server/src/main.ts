/**
 * Entry point: config → storage → server → signals.
 *
 * Prints one JSON line `{"msg":"listening","port":…,"url":…,"clientHtml":…,"dataDir":…}`
 * once the port is bound (with --port 0 it carries the port actually chosen).
 * Exit codes: 0 after a graceful stop, 1 when the server cannot start (e.g. another server
 * holds the data folder's lock), 2 on bad config.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, type ServerConfig } from './config';
import { errorFields, logger, setLogLevel } from './log';
import { startServer, type RunningServer } from './server';
import { DataDirLockError } from './storage/data-dir';

const log = logger('main');

// Stack traces in error logs point at src/*.ts through main.js.map.
process.setSourceMapsEnabled(true);

// dist/main.js and src/main.ts both sit three levels below the repository root.
const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_CLIENT_HTML = resolve(here, '../../..', 'apps/client/dist/client.html');
/** The build copies the crypto WASM next to main.js. */
const BUNDLED_WASM = fileURLToPath(new URL('./lemon_crypto_bg.wasm', import.meta.url));

function readConfig(): ServerConfig {
  try {
    const result = parseConfig({
      argv: process.argv.slice(2),
      env: process.env,
      cwd: process.cwd(),
      defaultClientHtml: DEFAULT_CLIENT_HTML,
    });
    if (result.kind === 'help') {
      process.stdout.write(result.text);
      process.exit(0);
    }
    return result.config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lemon-server: ${error.message}\nRun with --help for the options.\n`);
      process.exit(2);
    }
    throw error;
  }
}

function keepServingOnStrayErrors(): void {
  // Client input never reaches here (every frame and request is handled inside try/catch);
  // whatever does is a bug to log, not a reason to drop everyone's connection.
  process.on('uncaughtException', (error) => log.error('uncaught exception; still serving', errorFields(error)));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection; still serving', errorFields(reason)));
  // A closed stdout/stderr (e.g. piped into a pager that quit) must not kill the server.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}

function stopOnSignals(running: RunningServer, config: ServerConfig): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn('second signal; exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal, connections: running.connections });
    const watchdog = setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.limits.shutdownTimeoutMs + 3000);
    watchdog.unref();
    running.close('shutdown').then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const config = readConfig();
  setLogLevel(config.logLevel);
  keepServingOnStrayErrors();
  // Everything the server creates (database, its -wal and -shm, key, lock) is for its own
  // user only, from the first byte: no window between creating a file and chmod-ing it.
  process.umask(0o077);
  let running: RunningServer;
  try {
    running = await startServer(config, { wasmPath: existsSync(BUNDLED_WASM) ? BUNDLED_WASM : undefined });
  } catch (error) {
    log.error('server could not start', errorFields(error));
    if (error instanceof DataDirLockError) process.stderr.write(`lemon-server: ${error.message}\n`);
    process.exit(1);
  }
  stopOnSignals(running, config);
  log.notice('listening', {
    port: running.port,
    url: running.url,
    wsUrl: running.wsUrl,
    clientHtml: config.clientHtml,
    clientBuilt: existsSync(config.clientHtml),
    dataDir: config.dataDir,
    configFile: config.configFile,
    tls: config.tls !== null,
  });
  // The same facts in words for the person who just ran `npm start`.
  const clientNote = existsSync(config.clientHtml) ? '' : '  (not built yet: npx nx run client:build)';
  process.stdout.write(
    `\nLemon Chat is running.\n` +
      `  open in a browser: ${running.url}\n` +
      `  or open from disk: ${config.clientHtml}${clientNote}\n` +
      `  data folder:       ${config.dataDir}\n\n`,
  );
}

void main();
