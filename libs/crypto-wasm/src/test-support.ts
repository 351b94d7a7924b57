// Shared by this library's tests (not part of the package).
import { CryptoError } from './index';

/** The CryptoError code `run` throws; fails the test if it throws nothing or something else. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CryptoError) return error.code;
    throw error;
  }
  throw new Error('expected a CryptoError, but nothing was thrown');
}
