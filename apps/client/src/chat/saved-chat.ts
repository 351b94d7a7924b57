// The encrypted-chat state of one identity on one server (MLS groups, DM peers, DM history,
// contacts), sealed under the identity's non-extractable wrapping key in IndexedDB. Never in
// clear, never in localStorage; the record key is bound into the AEAD, so records cannot be swapped.
import { additionalData, seal, unseal } from '../identity/sealing';
import { CHAT_STORE, done, openDatabase, request } from '../identity/vault';

const CONTEXT = 'lemon-chat/chat-state/v1';

interface StoredChat {
  version: 1;
  iv: Uint8Array;
  sealed: ArrayBuffer;
}

export interface ChatVault {
  /** The saved bytes, or null when there are none (or they cannot be opened any more). */
  load(): Promise<Uint8Array | null>;
  /** Saves are serialised by the caller (ChatClient.save runs one at a time). */
  save(plain: Uint8Array): Promise<void>;
  close(): void;
}

function isStoredChat(value: unknown): value is StoredChat {
  const v = value as Partial<StoredChat> | null;
  return typeof v === 'object' && v !== null && v.version === 1 && v.iv instanceof Uint8Array && v.sealed instanceof ArrayBuffer;
}

/** User id + server URL: each server has its own groups and its own people. */
export function chatRecordKey(userId: string, serverUrl: string): string {
  return `${userId} ${serverUrl}`;
}

export function openChatVault(wrappingKey: CryptoKey, recordKey: string, idb: IDBFactory | undefined = globalThis.indexedDB): ChatVault {
  const aad = additionalData(CONTEXT, new TextEncoder().encode(recordKey));
  let db: Promise<IDBDatabase> | null = null;
  const database = () => {
    db ??= openDatabase(idb).then((opened) => {
      // Another tab upgrading the schema: let it, and reopen on the next use.
      opened.onversionchange = () => {
        opened.close();
        db = null;
      };
      return opened;
    });
    return db;
  };
  const withStore = async <T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T> | T): Promise<T> => {
    const tx = (await database()).transaction(CHAT_STORE, mode);
    const finished = done(tx);
    const result = await use(tx.objectStore(CHAT_STORE));
    await finished;
    return result;
  };
  return {
    async load() {
      const stored = await withStore('readonly', (store) => request(store.get(recordKey)));
      if (!isStoredChat(stored)) return null;
      try {
        return await unseal(wrappingKey, { iv: stored.iv, ciphertext: stored.sealed }, aad);
      } catch {
        return null;
      }
    },
    async save(plain) {
      const sealed = await seal(wrappingKey, plain, aad);
      const record: StoredChat = { version: 1, iv: sealed.iv, sealed: sealed.ciphertext };
      await withStore('readwrite', (store) => void store.put(record, recordKey));
    },
    close() {
      void db?.then((opened) => opened.close());
      db = null;
    },
  };
}
