// @lemon/crypto-wasm/node: loading the crypto module from disk in Node (server, bots, tests).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CryptoError } from './errors';
import { initCrypto } from './runtime';

const WASM_FILE = 'lemon_crypto_bg.wasm';

/**
 * Where the built module is looked for, in order:
 * 1. `../pkg/lemon_crypto_bg.wasm` relative to this source file (works from the source tree,
 *    under jest — babel rewrites `import.meta.url` — and with tsx/ts-node);
 * 2. `libs/crypto-wasm/pkg/lemon_crypto_bg.wasm` under `process.cwd()` (the workspace root, as
 *    Nx runs commands).
 * A bundled server should copy `wasmPath()` next to its bundle at build time and pass that path
 * to `initCryptoFromFile()` explicitly.
 */
function candidatePaths(): string[] {
  const candidates: string[] = [];
  try {
    candidates.push(fileURLToPath(new URL(`../pkg/${WASM_FILE}`, import.meta.url)));
  } catch {
    // No usable import.meta.url (e.g. inside a CommonJS bundle): fall through to cwd.
  }
  candidates.push(path.resolve(process.cwd(), 'libs', 'crypto-wasm', 'pkg', WASM_FILE));
  return candidates;
}

/** The path of the built `lemon_crypto_bg.wasm` (the first candidate that exists, else the first). */
export function wasmPath(): string {
  const candidates = candidatePaths();
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
}

/** Reads the module from `file` (default: `wasmPath()`) and initialises crypto with it. */
export async function initCryptoFromFile(file: string = wasmPath()): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw CryptoError.initFailed(cause);
  }
  await initCrypto(bytes);
}
