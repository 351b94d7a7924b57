import { concatBytes, utf8Encode } from './bytes';

/** Domain separation for login signatures, so they can never be mistaken for anything else. */
export const LOGIN_SIGNATURE_CONTEXT = 'lemon-chat/login/v1';

/**
 * The exact bytes a client signs to log in: the context string, a zero byte, the
 * server's public key (binds the signature to that server) and the fresh challenge.
 */
export function loginSignedBytes(serverKey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(LOGIN_SIGNATURE_CONTEXT), new Uint8Array([0]), serverKey, challenge);
}
