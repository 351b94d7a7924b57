// Words for every failure a person can meet. Error codes come from @lemon/protocol
// (ERROR_TEXT); the free-text message of an error is for logs, not for people.
import { ERROR_TEXT, LIMITS, ProtocolError, isErrorCode, type NameProblem } from '@lemon/protocol';
import { CryptoError } from '@lemon/crypto-wasm';

/**
 * Shown when this identity logged in from another tab or device and replaced this connection
 * (ALREADY_CONNECTED): more specific than ERROR_TEXT, because here it is the expected outcome.
 */
export const TAKEN_OVER_TEXT = 'This identity connected from another window or device, so this one was disconnected.';

export function describeError(error: unknown): string {
  if (error instanceof ProtocolError || (error instanceof Error && 'code' in error && isErrorCode((error as { code: unknown }).code))) {
    return ERROR_TEXT[(error as ProtocolError).code];
  }
  if (error instanceof CryptoError) {
    return error.code === 'INIT_FAILED' || error.code === 'RANDOMNESS_UNAVAILABLE'
      ? 'This browser cannot run Lemon Chat’s encryption (WebAssembly or secure randomness is unavailable).'
      : `An encryption step failed (${error.code}).`;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function nameProblemText(problem: NameProblem, maxChars: number = LIMITS.displayNameMaxChars): string {
  switch (problem) {
    case 'empty':
      return 'Enter a name.';
    case 'too_long':
      return `Keep it to ${maxChars} characters or fewer.`;
    case 'forbidden_characters':
      return 'Names cannot contain control or text-direction characters.';
  }
}
