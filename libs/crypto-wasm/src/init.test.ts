// Loading the module: before, during and after. Each scenario runs in a fresh module registry
// (jest.isolateModulesAsync), so it starts from "not initialised".
import { readFileSync } from 'node:fs';

import type * as CryptoApi from './index';
import type * as NodeApi from './node';
import { SECRET_OF_ONES, USER_ID_OF_ONES } from './test-vectors';

type Api = typeof CryptoApi & typeof NodeApi;

async function fresh(): Promise<Api> {
  let api: Api | undefined;
  await jest.isolateModulesAsync(async () => {
    api = { ...(await import('./index')), ...(await import('./node')) };
  });
  if (!api) throw new Error('isolateModulesAsync did not run');
  return api;
}

async function rejectionCode(promise: Promise<unknown>, api: Api): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof api.CryptoError) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('before initCrypto()', () => {
  it('every function throws NOT_INITIALIZED and isCryptoReady() is false', async () => {
    const api = await fresh();
    const bytes = new Uint8Array(32);
    const calls: Array<() => unknown> = [
      () => api.Identity.generate(),
      () => api.Identity.fromSecretKey(SECRET_OF_ONES),
      () => api.verifySignature(bytes, bytes, new Uint8Array(64)),
      () => api.userIdFromPublicKey(bytes),
      () => api.fingerprintFromPublicKey(bytes),
      // Even bad arguments report the missing init first.
      () => api.Identity.fromSecretKey('nope' as unknown as Uint8Array),
    ];
    expect(api.isCryptoReady()).toBe(false);
    for (const call of calls) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(api.CryptoError);
      expect(caught).toMatchObject({ code: 'NOT_INITIALIZED', name: 'CryptoError' });
      expect((caught as Error).message).toMatch(/initCrypto/);
    }
  });

  it('is still not ready while the load is under way', async () => {
    const api = await fresh();
    const loading = api.initCryptoFromFile();
    expect(api.isCryptoReady()).toBe(false);
    expect(() => api.Identity.generate()).toThrow(api.CryptoError);
    await loading;
    expect(api.isCryptoReady()).toBe(true);
  });
});

describe('initCrypto()', () => {
  const wasmBytes = () => readFileSync(require.resolve('../pkg/lemon_crypto_bg.wasm'));

  it('shares one promise between concurrent calls, and keeps returning it', async () => {
    const api = await fresh();
    const first = api.initCrypto(wasmBytes());
    const second = api.initCrypto(wasmBytes());
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(api.isCryptoReady()).toBe(true);
    expect(api.initCrypto(new Uint8Array(0))).toBe(first);
    expect(api.Identity.fromSecretKey(SECRET_OF_ONES).userId).toBe(USER_ID_OF_ONES);
  });

  it('accepts an ArrayBuffer', async () => {
    const api = await fresh();
    const bytes = wasmBytes();
    await api.initCrypto(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(api.Identity.fromSecretKey(SECRET_OF_ONES).userId).toBe(USER_ID_OF_ONES);
  });

  it('accepts a compiled WebAssembly.Module', async () => {
    const api = await fresh();
    const module = await WebAssembly.compile(wasmBytes());
    await api.initCrypto(module);
    expect(api.Identity.fromSecretKey(SECRET_OF_ONES).userId).toBe(USER_ID_OF_ONES);
  });

  it('refuses a URL or a path with INVALID_INPUT instead of fetching it', async () => {
    const api = await fresh();
    for (const source of ['./lemon_crypto_bg.wasm', new URL('https://example.invalid/x.wasm'), null]) {
      const code = await rejectionCode(api.initCrypto(source as unknown as BufferSource), api);
      expect(code).toBe('INVALID_INPUT');
    }
    expect(api.isCryptoReady()).toBe(false);
  });

  it('reports INIT_FAILED for bytes that are not the module, and can be retried', async () => {
    const api = await fresh();
    const failed = api.initCrypto(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 42]));
    expect(await rejectionCode(failed, api)).toBe('INIT_FAILED');
    expect(api.isCryptoReady()).toBe(false);
    expect(await rejectionCode(api.initCrypto(new TextEncoder().encode('not wasm')), api)).toBe('INIT_FAILED');
    await api.initCrypto(wasmBytes());
    expect(api.isCryptoReady()).toBe(true);
  });
});

describe('@lemon/crypto-wasm/node', () => {
  it('wasmPath() points at the built module', async () => {
    const api = await fresh();
    expect(api.wasmPath()).toBe(require.resolve('../pkg/lemon_crypto_bg.wasm'));
  });

  it('initCryptoFromFile() rejects with INIT_FAILED for a missing file', async () => {
    const api = await fresh();
    const code = await rejectionCode(api.initCryptoFromFile('/nonexistent/lemon_crypto_bg.wasm'), api);
    expect(code).toBe('INIT_FAILED');
    expect(api.isCryptoReady()).toBe(false);
  });
});
