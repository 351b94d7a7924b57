/**
 * Smoke test of the REAL built server process: start on a free port (--port 0) with a temp
 * data folder, /healthz, WebSocket hello, login with a crypto-wasm identity, snapshot, and a
 * SIGTERM that tells the client before the process exits 0. Event-driven, bounded waits.
 */
import { Identity } from '@lemon/crypto-wasm';
import { LIMITS, PROTOCOL_VERSION, fromBase64Url, serverAddressOf, type ServerMessage } from '@lemon/protocol';
import { RawSocket, initCrypto, loginFrame, removeTempDirs, startServerProcess, type Hello } from './integration/helpers';

beforeAll(initCrypto);
afterAll(removeTempDirs);

test('the built server starts, answers /healthz, logs a user in and shuts down gracefully', async () => {
  const server = await startServerProcess({ args: ['--server-name', 'Smoke Test'] });
  try {
    const listening: unknown = JSON.parse(await server.waitForLog((l) => l.includes('"msg":"listening"')));
    expect(listening).toMatchObject({
      port: server.port,
      url: `http://127.0.0.1:${server.port}/`,
      wsUrl: server.wsUrl,
      dataDir: server.dataDir,
      clientHtml: expect.stringMatching(/client\.html$/),
    });

    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String), uptimeS: expect.any(Number), connections: 0 });

    const raw = await RawSocket.open(server.wsUrl);
    const hello = (await raw.take((m) => m.kind === 'event' && m.event === 'server.hello')) as Hello;
    expect(hello.data).toMatchObject({
      protocol: PROTOCOL_VERSION,
      serverName: 'Smoke Test',
      limits: { maxTextFrameBytes: LIMITS.maxTextFrameBytes, maxBinaryFrameBytes: LIMITS.maxBinaryFrameBytes },
    });
    expect(fromBase64Url(hello.data.challenge)).toHaveLength(LIMITS.challengeBytes);
    expect(hello.data.challengeExpiresInMs).toBeGreaterThan(0);
    expect(hello.data.challengeExpiresInMs).toBeLessThanOrEqual(LIMITS.challengeTtlMs);

    const identity = Identity.generate();
    raw.send(loginFrame(1, hello, identity, { displayName: '  Smoke   Tester ', address: serverAddressOf(server.wsUrl) }));
    const answer = (await raw.take((m) => (m.kind === 'response' || m.kind === 'error') && m.id === 1)) as Extract<
      ServerMessage,
      { kind: 'response' }
    >;
    expect(answer.kind).toBe('response');
    const snapshot = answer.result as {
      self: unknown;
      firstLogin: boolean;
      serverName: string;
      defaultChannelId: number;
      channels: unknown[];
      users: unknown[];
    };
    expect(snapshot.self).toEqual({
      id: identity.userId,
      displayName: 'Smoke Tester',
      publicKey: expect.any(String),
      channelId: snapshot.defaultChannelId,
    });
    expect(snapshot.firstLogin).toBe(true);
    expect(snapshot.serverName).toBe('Smoke Test');
    expect(snapshot.channels).toEqual([{ id: snapshot.defaultChannelId, parentId: null, name: 'Lobby', description: '', position: 0, voice: true, bitrate: 48_000 }]);
    expect(snapshot.users).toEqual([snapshot.self]);
    expect(await (await fetch(`${server.httpUrl}/healthz`)).json()).toMatchObject({ connections: 1 });

    const exitCode = server.stop('SIGTERM');
    expect(await raw.take((m) => m.kind === 'event' && m.event === 'server.shutdown')).toMatchObject({ data: { reason: 'shutdown' } });
    expect((await raw.closed).code).toBe(1001);
    expect(await exitCode).toBe(0);
  } finally {
    await server.stop('SIGKILL');
  }
});
