import { Identity } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { encodeRequest, fromBase64Url, loginSignedBytes, toBase64Url, type ServerMessage } from '@lemon/protocol';
import { RawSocket } from '@lemon/testing';

export { connectClient, nextEvent, reachState } from '@lemon/testing';
export { startServerProcess, removeTempDirs, makeTempDir } from '@lemon/testing';
export { RawSocket };

export const initCrypto = () => initCryptoFromFile();

export type Hello = Extract<ServerMessage, { kind: 'event'; event: 'server.hello' }>;

/** Opens a bare socket and waits for the server's hello. */
export async function openRaw(wsUrl: string): Promise<{ raw: RawSocket; hello: Hello }> {
  const raw = await RawSocket.open(wsUrl);
  const hello = (await raw.take((m) => m.kind === 'event' && m.event === 'server.hello')) as Hello;
  return { raw, hello };
}

/** The exact auth.login frame a client sends for `hello`, signed by `signer`. */
export function loginFrame(
  id: number,
  hello: Hello,
  identity: Identity,
  options: { signer?: Identity; displayName?: string; challenge?: string } = {},
): string {
  const challenge = options.challenge ?? hello.data.challenge;
  const signed = loginSignedBytes(fromBase64Url(hello.data.serverKey)!, fromBase64Url(challenge)!);
  return encodeRequest(id, 'auth.login', {
    publicKey: toBase64Url(identity.publicKey),
    challenge,
    signature: toBase64Url((options.signer ?? identity).sign(signed)),
    displayName: options.displayName ?? 'Raw',
  });
}
