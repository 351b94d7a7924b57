import { concatBytes, utf8Encode } from './bytes';

/** Domain separation for login signatures, so they can never be mistaken for anything else. */
export const LOGIN_SIGNATURE_CONTEXT = 'lemon-chat/login/v1';

/**
 * The exact bytes a client signs to log in: the context string, a zero byte, the
 * server's public key, the fresh challenge, and the address the client dialled. The key
 * and the address bind the signature to one server: a server that relays the challenge of
 * another cannot use the answer there, because the address signed is its own.
 */
export function loginSignedBytes(serverKey: Uint8Array, challenge: Uint8Array, address: string): Uint8Array {
  return concatBytes(utf8Encode(LOGIN_SIGNATURE_CONTEXT), new Uint8Array([0]), serverKey, challenge, utf8Encode(address));
}

/**
 * The address part of a WebSocket URL as it is signed: lower-case host and the port when
 * it is not the scheme's default, exactly as the URL standard's `host` gives it.
 */
export function serverAddressOf(url: string): string {
  return new URL(url).host;
}
