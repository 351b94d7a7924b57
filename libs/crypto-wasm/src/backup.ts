// Identity backup: the identity secret (and a little metadata) in a file encrypted under a
// passphrase with Argon2id + XChaCha20-Poly1305. The work happens in Rust (rust/backup.rs).

import { exportIdentityBackup as wasmExport, importIdentityBackup as wasmImport } from './glue.js';
import { CryptoError } from './errors';
import { callWasm, requireBytes } from './runtime';

/** Argon2id costs. The defaults (64 MiB, 3 iterations, 1 lane) are for real backups. */
export interface BackupKdfParams {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

export const DEFAULT_BACKUP_KDF_PARAMS: Readonly<BackupKdfParams> = Object.freeze({
  memoryKib: 64 * 1024,
  iterations: 3,
  parallelism: 1,
});

export interface ExportBackupOptions {
  /** Up to 4096 bytes stored encrypted with the key, e.g. the display name as UTF-8. */
  metadata?: Uint8Array;
  /** Argon2id costs, stored in the file. Only tests should lower them. */
  kdf?: BackupKdfParams;
}

export interface IdentityBackup {
  /** The 32-byte identity secret: hand it to `Identity.fromSecretKey` and drop it. */
  secretKey: Uint8Array;
  metadata: Uint8Array;
}

function passphraseBytes(passphrase: unknown): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw CryptoError.invalidInput('passphrase must be a non-empty string');
  }
  // NFC so that the same passphrase typed on another system gives the same bytes.
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

function requireCost(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw CryptoError.invalidInput(`kdf.${name} must be an unsigned 32-bit integer`);
  }
  return value;
}

/**
 * Encrypts the 32-byte identity secret (and optional metadata) under `passphrase`. Returns the
 * file's bytes. Takes about a second with the default costs. Errors: `INVALID_KEY` (secret not 32
 * bytes), `INVALID_BACKUP_PARAMETERS` (costs out of bounds, metadata over 4096 bytes),
 * `INVALID_INPUT` (wrong argument types, empty passphrase).
 */
export function exportIdentityBackup(
  secretKey: Uint8Array,
  passphrase: string,
  options: ExportBackupOptions = {},
): Uint8Array {
  return callWasm(() => {
    requireBytes('secretKey', secretKey);
    const metadata = options.metadata ?? new Uint8Array(0);
    requireBytes('metadata', metadata);
    const kdf = options.kdf ?? DEFAULT_BACKUP_KDF_PARAMS;
    const memoryKib = requireCost('memoryKib', kdf.memoryKib);
    const iterations = requireCost('iterations', kdf.iterations);
    const parallelism = requireCost('parallelism', kdf.parallelism);
    const pass = passphraseBytes(passphrase);
    try {
      return wasmExport(secretKey, metadata, pass, memoryKib, iterations, parallelism);
    } finally {
      pass.fill(0);
    }
  });
}

/**
 * Opens a backup made by `exportIdentityBackup`. Errors: `NOT_A_BACKUP`,
 * `UNSUPPORTED_BACKUP_VERSION`, `TRUNCATED_BACKUP`, `INVALID_BACKUP_PARAMETERS`,
 * `WRONG_PASSPHRASE`, `TAMPERED_BACKUP` (see `CryptoErrorCode`).
 */
export function importIdentityBackup(file: Uint8Array, passphrase: string): IdentityBackup {
  return callWasm(() => {
    requireBytes('file', file);
    const pass = passphraseBytes(passphrase);
    try {
      const contents = wasmImport(file, pass);
      try {
        return { secretKey: contents.secretKey(), metadata: contents.metadata() };
      } finally {
        // Wipes the secret inside WebAssembly memory now rather than at garbage collection.
        contents.free();
      }
    } finally {
      pass.fill(0);
    }
  });
}
