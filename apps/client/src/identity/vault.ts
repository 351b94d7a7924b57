// The IndexedDB database that holds the identity. IndexedDB (not localStorage) because it
// stores a CryptoKey object as it is — a non-extractable key stays non-extractable.

const DB_NAME = 'lemon-chat';
const DB_VERSION = 2;
const STORE = 'identity';
/** Sealed encrypted-chat state (MLS groups, DM history), one record per identity and server. */
export const CHAT_STORE = 'chat';

/** What is saved: the public parts in clear, the secret key only sealed. */
export interface StoredIdentity {
  version: 1;
  userId: string;
  publicKey: Uint8Array;
  createdAt: number;
  /** AES-GCM nonce (12 bytes). */
  iv: Uint8Array;
  /** The 32-byte secret key encrypted with the wrapping key (plus the 16-byte tag). */
  sealedSecret: ArrayBuffer;
}

export interface IdentityRecords {
  wrappingKey: CryptoKey;
  identity: StoredIdentity;
}

export interface IdentityVault {
  /** Both records, or null when nothing (or only half of it) is stored. */
  load(): Promise<IdentityRecords | null>;
  /**
   * Saves `records` unless an identity is already stored (e.g. another tab made one first);
   * resolves with whichever records are stored afterwards. One transaction, so both or none.
   */
  saveIfAbsent(records: IdentityRecords): Promise<IdentityRecords>;
  /** Deletes the stored identity, its wrapping key and the chat state sealed under it. */
  clear(): Promise<void>;
  close(): void;
}

const K_WRAPPING = 'wrapping-key';
const K_IDENTITY = 'identity';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function isStoredIdentity(value: unknown): value is StoredIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.userId === 'string' &&
    v.publicKey instanceof Uint8Array &&
    v.iv instanceof Uint8Array &&
    v.sealedSecret instanceof ArrayBuffer &&
    typeof v.createdAt === 'number'
  );
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

/** The one database of the app, created or upgraded here (version 2 added the chat store). */
export async function openDatabase(idb: IDBFactory | undefined = globalThis.indexedDB): Promise<IDBDatabase> {
  if (!idb) throw new Error('IndexedDB is not available in this browser');
  const open = idb.open(DB_NAME, DB_VERSION);
  open.onupgradeneeded = () => {
    for (const name of [STORE, CHAT_STORE]) if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name);
  };
  return request(open);
}

export async function openIdentityVault(idb: IDBFactory | undefined = globalThis.indexedDB): Promise<IdentityVault> {
  const db = await openDatabase(idb);

  const readBoth = (store: IDBObjectStore) => Promise.all([request(store.get(K_WRAPPING)), request(store.get(K_IDENTITY))]);
  const asRecords = ([key, identity]: unknown[]): IdentityRecords | null =>
    isCryptoKey(key) && isStoredIdentity(identity) ? { wrappingKey: key, identity } : null;

  return {
    async load() {
      const tx = db.transaction(STORE, 'readonly');
      const values = await readBoth(tx.objectStore(STORE));
      await done(tx);
      return asRecords(values);
    },
    async saveIfAbsent(records) {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const finished = done(tx);
      const existing = asRecords(await readBoth(store));
      if (!existing) {
        store.put(records.wrappingKey, K_WRAPPING);
        store.put(records.identity, K_IDENTITY);
      }
      await finished;
      return existing ?? records;
    },
    async clear() {
      const tx = db.transaction([STORE, CHAT_STORE], 'readwrite');
      tx.objectStore(STORE).clear();
      tx.objectStore(CHAT_STORE).clear();
      await done(tx);
    },
    close() {
      db.close();
    },
  };
}
