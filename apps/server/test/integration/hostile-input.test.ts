import { encodeBinaryFrame, LIMITS } from '@lemon/protocol';
import type { TestClient } from '@lemon/testing';
import { Identity } from '@lemon/crypto-wasm';
import { connectClient, initCrypto, loginFrame, nextEvent, openRaw, removeTempDirs, startServerProcess, type RawSocket } from './helpers';

describe('hostile input', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let bystander: TestClient;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    await initCrypto();
    server = await startServerProcess();
    bystander = await connectClient(server.wsUrl, 'Bystander');
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    bystander.session.close();
    await server.stop();
    removeTempDirs();
  });

  const bystanderStillServed = async () => {
    await expect(bystander.session.request('ping', {})).resolves.toEqual({ serverTime: expect.any(Number) });
    const res = await fetch(`${server.httpUrl}/healthz`);
    expect(res.status).toBe(200);
  };

  it('answers malformed frames with typed errors and keeps the connection', async () => {
    const { raw } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send('this is not json');
    expect((await raw.error(null)).code).toBe('BAD_FRAME');
    raw.send('[1,2,3]');
    expect((await raw.error(null)).code).toBe('BAD_FRAME');
    raw.send(JSON.stringify({ v: 99, kind: 'request', id: 3, type: 'ping', data: {} }));
    expect((await raw.error(3)).code).toBe('UNSUPPORTED_VERSION');
    raw.send(JSON.stringify({ v: 1, kind: 'request', id: 4, type: 'admin.nuke', data: {} }));
    expect((await raw.error(4)).code).toBe('UNKNOWN_TYPE');
    raw.send(JSON.stringify({ v: 1, kind: 'request', id: 5, type: 'channel.join', data: { channelId: 'lobby' } }));
    expect((await raw.error(5)).code).toBe('INVALID_PAYLOAD');
    raw.send('{"v":1,"kind":"request","id":6,"type":"ping","data":{},"__proto__":{"admin":true}}');
    expect((await raw.error(6)).code).toBe('BAD_FRAME');
    raw.send(JSON.stringify({ v: 1, kind: 'request', id: 7, type: 'ping', data: {} }));
    expect(await raw.take((m) => m.kind === 'response' && m.id === 7)).toBeTruthy();
    expect(raw.isClosed).toBe(false);
    await bystanderStillServed();
  });

  it('refuses oversize text frames, binary frames before login, and malformed or unknown binary frames after it', async () => {
    const { raw, hello } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send(JSON.stringify({ v: 1, kind: 'request', id: 1, type: 'ping', data: { pad: 'x'.repeat(LIMITS.maxTextFrameBytes) } }));
    expect((await raw.error(null)).code).toBe('FRAME_TOO_LARGE');
    raw.send(encodeBinaryFrame({ kind: 3, header: { id: 2, data: {} }, payload: new Uint8Array(10) }));
    expect((await raw.error(null)).code).toBe('NOT_AUTHENTICATED');
    raw.send(loginFrame(3, hello, Identity.generate(), { displayName: 'Binary' }));
    await raw.take((m) => m.kind === 'response' && m.id === 3);
    raw.send(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00]));
    expect(['BAD_FRAME', 'UNSUPPORTED_VERSION']).toContain((await raw.error(null)).code);
    raw.send(encodeBinaryFrame({ kind: 60, header: { id: 4, data: {} }, payload: new Uint8Array(10) }));
    expect((await raw.error(4)).code).toBe('UNKNOWN_TYPE');
    raw.send(encodeBinaryFrame({ kind: 3, header: { id: 5, data: { channelId: 'x' } }, payload: new Uint8Array(10) }));
    expect((await raw.error(5)).code).toBe('INVALID_PAYLOAD');
    expect(raw.isClosed).toBe(false);
    await bystanderStillServed();
  });

  it.each([
    // Beyond the transport bound (the 1 MiB binary limit plus a small margin): ws cuts the
    // connection before buffering it whole.
    ['binary', () => new Uint8Array(LIMITS.maxBinaryFrameBytes + 64 * 1024)],
    ['text', () => 'x'.repeat(LIMITS.maxBinaryFrameBytes + 64 * 1024)],
  ])('closes a connection that sends a %s frame beyond the transport limit, and nobody else notices', async (_kind, frame) => {
    const { raw } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send(frame());
    const closed = await raw.closed;
    expect(closed.code).toBe(1009);
    expect(raw.messages.filter((m) => m.kind === 'error')).toEqual([]);
    await bystanderStillServed();
  });

  it('rate limits a flooding client without slowing others down', async () => {
    const { raw } = await openRaw(server.wsUrl);
    sockets.push(raw);
    for (let i = 1; i <= 500; i++) raw.send(JSON.stringify({ v: 1, kind: 'request', id: i, type: 'ping', data: {} }));
    const limited = await raw.take((m) => m.kind === 'error' && m.code === 'RATE_LIMITED');
    expect(limited).toBeTruthy();
    await bystanderStillServed();
    // Presence keeps flowing to the bystander while the flood is going on.
    const seen = nextEvent(bystander.session, 'user.connected');
    const late = await connectClient(server.wsUrl, 'Latecomer');
    expect((await seen).data.user.id).toBe(late.identity.userId);
    late.session.close();
  });
});
