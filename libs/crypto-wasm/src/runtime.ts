// Loading the WebAssembly module once, and the guarded path every call into it takes.

import initGlue, { CryptoFailure } from './glue.js';
import { CryptoError } from './errors';

let initPromise: Promise<void> | undefined;
let ready = false;

function isBufferSource(value: unknown): value is BufferSource {
  // Tag checks rather than instanceof, so buffers from another realm (Node's Buffer under jest,
  // iframes) are accepted.
  if (ArrayBuffer.isView(value)) return true;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

/**
 * Instantiates the crypto WebAssembly module from its bytes (or a compiled module). Never
 * fetches anything: the caller decides where the bytes come from (inlined in client.html, read
 * from disk by `initCryptoFromFile` in Node, ...).
 *
 * Idempotent: every call made while a load is under way or after it succeeded returns that same
 * promise (and ignores its own argument). After a failed load the next call tries again.
 */
export function initCrypto(source: BufferSource | WebAssembly.Module): Promise<void> {
  if (initPromise) return initPromise;
  if (!(source instanceof WebAssembly.Module) && !isBufferSource(source)) {
    return Promise.reject(
      CryptoError.invalidInput('initCrypto() takes the module bytes (BufferSource) or a WebAssembly.Module'),
    );
  }
  const loading = (async () => {
    try {
      await initGlue({ module_or_path: source });
    } catch (cause) {
      throw CryptoError.initFailed(cause);
    }
    ready = true;
  })();
  initPromise = loading;
  loading.catch(() => {
    if (initPromise === loading) initPromise = undefined;
  });
  return loading;
}

/** Whether `initCrypto()` has finished successfully. */
export function isCryptoReady(): boolean {
  return ready;
}

/**
 * Runs `call` against the WebAssembly module: throws NOT_INITIALIZED before init, and turns
 * whatever the module throws into a CryptoError.
 */
export function callWasm<T>(call: () => T): T {
  if (!ready) throw CryptoError.notInitialized();
  try {
    return call();
  } catch (thrown) {
    if (thrown instanceof CryptoFailure) throw CryptoError.fromRust(thrown.code, thrown.message);
    if (thrown instanceof CryptoError) throw thrown;
    throw CryptoError.internal(thrown);
  }
}

/** Throws INVALID_INPUT unless `value` is a Uint8Array (Node's Buffer included). */
export function requireBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) && Object.prototype.toString.call(value) !== '[object Uint8Array]') {
    throw CryptoError.invalidInput(`${name} must be a Uint8Array`);
  }
}
