// The crypto WebAssembly module travels INSIDE client.html: Vite's `?url&inline` turns the
// .wasm into a base64 data: URL string at build time (plain ASCII, so the HTML parser cannot
// corrupt it the way raw NUL bytes would be). At run time it is decoded in memory — never
// fetched, so it works from file:// and offline.
import wasmDataUrl from '@lemon/crypto-wasm/pkg/lemon_crypto_bg.wasm?url&inline';
import { initCrypto } from '@lemon/crypto-wasm';
import { dataUrlBytes } from './data-url';

/** Initialises @lemon/crypto-wasm from the inlined module (idempotent). */
export function loadCrypto(): Promise<void> {
  return initCrypto(dataUrlBytes(wasmDataUrl));
}
