// The user's identity: made on first run, kept in IndexedDB with its secret key sealed by a
// non-extractable WebCrypto key, restored on every later start. The secret key is never put
// in localStorage, never logged, and wiped from JavaScript memory right after use.
import { Identity } from '@lemon/crypto-wasm';
import { createWrappingKey, sealSecret, unsealSecret } from './sealing';
import { openIdentityVault, type IdentityRecords, type IdentityVault } from './vault';

export type IdentityProblem = 'UNLOCK_FAILED' | 'MISMATCH';

/** Why a stored identity could not be restored. */
export class IdentityStoreError extends Error {
  override readonly name = 'IdentityStoreError';
  constructor(
    readonly code: IdentityProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedIdentity {
  identity: Identity;
  /** True when this run made the identity. */
  created: boolean;
  /** False when the browser offers no IndexedDB: the identity lasts only while the page is open. */
  persisted: boolean;
  createdAt: number;
  /** Seals this identity's other secrets at rest (the chat state); null when nothing is persisted. */
  wrappingKey: CryptoKey | null;
}

export interface IdentityStoreDeps {
  openVault?: () => Promise<IdentityVault>;
}

async function restore(records: IdentityRecords): Promise<Identity> {
  let secret: Uint8Array;
  try {
    secret = await unsealSecret(records.wrappingKey, { iv: records.identity.iv, ciphertext: records.identity.sealedSecret }, records.identity.publicKey);
  } catch {
    throw new IdentityStoreError('UNLOCK_FAILED', 'Your saved identity could not be unlocked in this browser profile.');
  }
  try {
    const identity = Identity.fromSecretKey(secret);
    if (identity.userId !== records.identity.userId) {
      throw new IdentityStoreError('MISMATCH', 'Your saved identity is damaged (its key does not match its user id).');
    }
    return identity;
  } finally {
    secret.fill(0);
  }
}

async function sealIdentity(identity: Identity): Promise<IdentityRecords> {
  const wrappingKey = await createWrappingKey();
  const publicKey = identity.publicKey;
  const secret = identity.exportSecretKey();
  try {
    const sealed = await sealSecret(wrappingKey, secret, publicKey);
    return {
      wrappingKey,
      identity: { version: 1, userId: identity.userId, publicKey, createdAt: Date.now(), iv: sealed.iv, sealedSecret: sealed.ciphertext },
    };
  } finally {
    secret.fill(0);
  }
}

function loaded(identity: Identity, records: IdentityRecords, created: boolean): LoadedIdentity {
  return { identity, created, persisted: true, createdAt: records.identity.createdAt, wrappingKey: records.wrappingKey };
}

/** Loads the stored identity, or makes and stores a new one. Crypto must be initialised. */
export async function loadOrCreateIdentity(deps: IdentityStoreDeps = {}): Promise<LoadedIdentity> {
  let vault: IdentityVault;
  try {
    vault = await (deps.openVault ?? openIdentityVault)();
  } catch {
    // No IndexedDB (some private modes): a working identity for this page only.
    return { identity: Identity.generate(), created: true, persisted: false, createdAt: Date.now(), wrappingKey: null };
  }
  try {
    const stored = await vault.load();
    if (stored) return loaded(await restore(stored), stored, false);
    const fresh = Identity.generate();
    const records = await sealIdentity(fresh);
    const saved = await vault.saveIfAbsent(records);
    if (saved === records) return loaded(fresh, records, true);
    // Another tab stored an identity first: use that one, so both tabs are the same person.
    return loaded(await restore(saved), saved, false);
  } finally {
    vault.close();
  }
}

/** Forgets the stored identity (after the user confirmed) and makes a new one. */
export async function replaceIdentity(deps: IdentityStoreDeps = {}): Promise<LoadedIdentity> {
  const vault = await (deps.openVault ?? openIdentityVault)();
  try {
    await vault.clear();
  } finally {
    vault.close();
  }
  return loadOrCreateIdentity(deps);
}

/**
 * Replaces the stored identity with one restored from a backup (the secret key from
 * importIdentityBackup; the caller wipes it). The old identity and its chat state are deleted.
 */
export async function importIdentity(secret: Uint8Array, deps: IdentityStoreDeps = {}): Promise<LoadedIdentity> {
  const identity = Identity.fromSecretKey(secret);
  let vault: IdentityVault;
  try {
    vault = await (deps.openVault ?? openIdentityVault)();
  } catch {
    return { identity, created: false, persisted: false, createdAt: Date.now(), wrappingKey: null };
  }
  try {
    await vault.clear();
    const records = await sealIdentity(identity);
    const saved = await vault.saveIfAbsent(records);
    return saved === records ? loaded(identity, records, false) : loaded(await restore(saved), saved, false);
  } finally {
    vault.close();
  }
}
