// Words for every failure a person can meet. Error codes come from @lemon/protocol
// (ERROR_TEXT); the free-text message of an error is for logs, not for people — except for
// CHANNEL_INVALID, which covers several refusals (name taken among siblings, too deep, too
// many channels, moved below itself) that only the server's message tells apart.
import { ERROR_TEXT, ErrorCode, LIMITS, ProtocolError, isErrorCode, type NameProblem } from '@lemon/protocol';
import { CryptoError } from '@lemon/crypto-wasm';

/**
 * Shown when this identity logged in from another tab or device and replaced this connection
 * (ALREADY_CONNECTED): more specific than ERROR_TEXT, because here it is the expected outcome.
 */
export const TAKEN_OVER_TEXT = 'This identity connected from another window or device, so this one was disconnected.';

/** Codes whose message from the server is shown (as text), because the code alone is too vague. */
const SPECIFIC_MESSAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.CHANNEL_INVALID]);
const SERVER_MESSAGE_MAX_CHARS = 200;

/**
 * The server's message as one plain sentence: control and invisible format characters removed,
 * whitespace collapsed, length bounded, first letter capitalised, a full stop added if missing.
 * Null when nothing readable is left.
 */
export function serverSentence(message: string): string | null {
  const flat = message
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (!/[\p{L}\p{N}]/u.test(flat)) return null;
  const chars = [...flat];
  const bounded = chars.length > SERVER_MESSAGE_MAX_CHARS ? `${chars.slice(0, SERVER_MESSAGE_MAX_CHARS - 1).join('').trimEnd()}…` : flat;
  const capitalised = bounded.charAt(0).toLocaleUpperCase() + bounded.slice(1);
  return /[.!?…]$/u.test(capitalised) ? capitalised : `${capitalised}.`;
}

export function describeError(error: unknown): string {
  if (error instanceof ProtocolError || (error instanceof Error && 'code' in error && isErrorCode((error as { code: unknown }).code))) {
    const { code, message } = error as ProtocolError;
    if (SPECIFIC_MESSAGE_CODES.has(code) && typeof message === 'string') {
      return serverSentence(message) ?? ERROR_TEXT[code];
    }
    return ERROR_TEXT[code];
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
