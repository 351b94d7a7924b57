/**
 * The server's own Ed25519 identity. Created on first start and kept in
 * `<data-dir>/server-key` (mode 0600). Clients sign logins over this public key (so a
 * signature for one server is useless at another), and the next issue makes it the MLS
 * external-sender key. The secret never leaves this module's file and is never logged.
 *
 * File format (JSON, so it can grow): {"version":1,"kind":"ed25519","secretKey":"<base64url>"}
 */
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Identity } from '@lemon/crypto-wasm';
import { fromBase64Url, toBase64Url } from '@lemon/protocol';
import { logger } from '../log';

export const SERVER_KEY_FILE = 'server-key';

const log = logger('identity');

const KeyFile = z.strictObject({
  version: z.literal(1),
  kind: z.literal('ed25519'),
  secretKey: z.string().max(1024),
});

export class ServerKeyError extends Error {
  override name = 'ServerKeyError';
}

/**
 * Publishes a new key file at `path` unless one is already there (returns false then, and
 * leaves that file alone). Written to a private temp file first and hard-linked into place:
 * the link fails if the name exists, so two processes creating a key at once cannot
 * overwrite each other, and nobody ever reads a half-written key.
 */
export function publishNewKeyFile(path: string, identity: Identity): boolean {
  const body = JSON.stringify({ version: 1, kind: 'ed25519', secretKey: toBase64Url(identity.exportSecretKey()) }) + '\n';
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

function readKeyFile(path: string): Identity {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    chmodSync(path, 0o600);
    log.warn('server key file was readable by others; permissions set to 0600', { path, previousMode: mode.toString(8) });
  }
  let parsed: z.infer<typeof KeyFile>;
  try {
    parsed = KeyFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new ServerKeyError(
      `${path} is not a valid server key file. Restore it from a backup; deleting it gives the server a new ` +
        'identity (clients do not pin server keys yet, so nothing will warn them that it changed).',
    );
  }
  const secret = fromBase64Url(parsed.secretKey);
  if (!secret) throw new ServerKeyError(`${path}: the secret key is not base64url`);
  try {
    return Identity.fromSecretKey(secret);
  } catch {
    throw new ServerKeyError(`${path}: the secret key is not a valid Ed25519 key`);
  }
}

/** Loads the server identity from the data folder, creating it on first start. */
export function loadOrCreateServerKey(dataDir: string): { identity: Identity; path: string; created: boolean } {
  const path = join(dataDir, SERVER_KEY_FILE);
  if (existsSync(path)) return { identity: readKeyFile(path), path, created: false };
  const identity = Identity.generate();
  // Another process may have created it since the check above; then that key is the key.
  if (!publishNewKeyFile(path, identity)) return { identity: readKeyFile(path), path, created: false };
  log.info('server key created', { path, serverUserId: identity.userId });
  return { identity, path, created: true };
}
