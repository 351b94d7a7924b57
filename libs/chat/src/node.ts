// @lemon/chat/node: the chat state of a Node client (bot, headless tool) in a file, sealed with
// AES-256-GCM under a key derived from the identity secret (HKDF-SHA256, WebCrypto). Never in
// clear on disk; written atomically (temp file, fsync, rename) with mode 0600.
import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';

const MAGIC = new TextEncoder().encode('LCS1');
const IV_BYTES = 12;
const HKDF_INFO = new TextEncoder().encode('lemon-chat/node-state-key/v1');
const AAD_CONTEXT = 'lemon-chat/node-state/v1';

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly code: 'NOT_A_STATE_FILE' | 'CANNOT_OPEN',
    message: string,
  ) {
    super(message);
  }
}

/** The key that seals a Node client's state, derived from its 32-byte identity secret. */
export async function stateKeyFromSecret(secret: Uint8Array): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new Uint8Array(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: HKDF_INFO }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export interface StateFile {
  /** The saved bytes, or null when the file does not exist yet; throws StateFileError otherwise. */
  load(): Promise<Uint8Array | null>;
  /** Replaces the file; callers serialise saves (ChatClient.save does). */
  save(state: Uint8Array): Promise<void>;
}

/**
 * `binding` names what the state belongs to (e.g. user id and server URL); a file made for
 * another binding or key does not open.
 */
export function openStateFile(path: string, key: CryptoKey, binding: string): StateFile {
  const aad = new TextEncoder().encode(`${AAD_CONTEXT}\0${binding}`);
  return {
    async load() {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      if (bytes.length < MAGIC.length + IV_BYTES + 16 || !MAGIC.every((b, i) => bytes[i] === b)) {
        throw new StateFileError('NOT_A_STATE_FILE', `${path} is not a Lemon Chat state file`);
      }
      const iv = new Uint8Array(bytes.subarray(MAGIC.length, MAGIC.length + IV_BYTES));
      try {
        return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, new Uint8Array(bytes.subarray(MAGIC.length + IV_BYTES))));
      } catch {
        throw new StateFileError('CANNOT_OPEN', `${path} was sealed with another key, for another identity or server, or was changed`);
      }
    },
    async save(state) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, new Uint8Array(state)));
      const temp = `${path}.${process.pid}.tmp`;
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
      try {
        await handle.write(MAGIC);
        await handle.write(iv);
        await handle.write(sealed);
        await handle.sync();
      } catch (error) {
        await handle.close();
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      await handle.close();
      await rename(temp, path);
    },
  };
}
