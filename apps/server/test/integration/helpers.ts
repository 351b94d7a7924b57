import { Identity } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { encodeRequest, fromBase64Url, loginSignedBytes, serverAddressOf, toBase64Url, type ProtocolError, type ServerMessage } from '@lemon/protocol';
import { RawSocket, connectClient, removeTempDirs, startServerProcess, type ServerProcess, type TestClient } from '@lemon/testing';

export { connectClient, nextEvent, reachState, startServerProcess, removeTempDirs, makeTempDir } from '@lemon/testing';
export type { ServerProcess, TestClient } from '@lemon/testing';
export { RawSocket };

export const initCrypto = () => initCryptoFromFile();

/** The server's hello; openRaw adds the address a client dialling that URL signs. */
export type Hello = Extract<ServerMessage, { kind: 'event'; event: 'server.hello' }> & { address?: string };

/** Opens a bare socket and waits for the server's hello. */
export async function openRaw(wsUrl: string): Promise<{ raw: RawSocket; hello: Hello }> {
  const raw = await RawSocket.open(wsUrl);
  const hello = (await raw.take((m) => m.kind === 'event' && m.event === 'server.hello')) as Hello;
  return { raw, hello: { ...hello, address: serverAddressOf(wsUrl) } };
}

/** The exact auth.login frame a client sends for `hello`, signed by `signer`. */
export function loginFrame(
  id: number,
  hello: Hello,
  identity: Identity,
  options: { address?: string; signer?: Identity; displayName?: string; challenge?: string } = {},
): string {
  const challenge = options.challenge ?? hello.data.challenge;
  const address = options.address ?? hello.address;
  if (address === undefined) throw new Error('loginFrame needs the address the client dialled');
  const signed = loginSignedBytes(fromBase64Url(hello.data.serverKey)!, fromBase64Url(challenge)!, address);
  return encodeRequest(id, 'auth.login', {
    publicKey: toBase64Url(identity.publicKey),
    challenge,
    address,
    signature: toBase64Url((options.signer ?? identity).sign(signed)),
    displayName: options.displayName ?? 'Raw',
  });
}

/** The error code a request fails with, or 'ok'. */
export const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: ProtocolError) => e.code);

/**
 * One real server for a describe block: started before its tests, stopped after; clients
 * made with `join` are closed after each test.
 */
export function sharedServer() {
  let server: ServerProcess | null = null;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    await initCrypto();
    server = await startServerProcess();
  });
  afterEach(() => clients.splice(0).forEach((c) => c.session.close()));
  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });
  const running = (): ServerProcess => {
    if (!server) throw new Error('the server is not started yet');
    return server;
  };
  return {
    get server() {
      return running();
    },
    async join(name: string): Promise<TestClient> {
      const c = await connectClient(running().wsUrl, name);
      clients.push(c);
      return c;
    },
  };
}
