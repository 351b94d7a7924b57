import { Identity } from '@lemon/crypto-wasm';
import { encodeRequest, toBase64Url } from '@lemon/protocol';
import { connectClient, initCrypto, loginFrame, openRaw, removeTempDirs, startServerProcess, type RawSocket } from './helpers';

describe('login', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    await initCrypto();
    server = await startServerProcess();
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await server.stop();
    removeTempDirs();
  });

  it('logs a new identity in, places it in the Lobby, and remembers it on the next login', async () => {
    const identity = Identity.generate();
    const first = await connectClient(server.wsUrl, 'Ada', { identity });
    const self = first.world.users.get(identity.userId);
    expect(self).toMatchObject({ displayName: 'Ada', channelId: first.world.defaultChannelId });
    expect(first.world.channels.get(first.world.defaultChannelId)?.name).toBe('Lobby');
    first.session.close();

    const again = await connectClient(server.wsUrl, 'SomethingElse', { identity });
    expect(again.world.users.get(identity.userId)?.displayName).toBe('Ada');
    again.session.close();
  });

  it('refuses a signature made by another key, then closes the connection', async () => {
    const { raw, hello } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send(loginFrame(1, hello, Identity.generate(), { signer: Identity.generate() }));
    expect((await raw.error(1)).code).toBe('BAD_SIGNATURE');
    await raw.closed;
  });

  it('refuses a signature over a different challenge', async () => {
    const { raw, hello } = await openRaw(server.wsUrl);
    sockets.push(raw);
    const other = toBase64Url(new Uint8Array(32).fill(3));
    raw.send(loginFrame(1, hello, Identity.generate(), { challenge: other }));
    expect((await raw.error(1)).code).toBe('CHALLENGE_INVALID');
  });

  it('refuses a login frame replayed on another connection, and a second login on the first', async () => {
    const identity = Identity.generate();
    const a = await openRaw(server.wsUrl);
    sockets.push(a.raw);
    const frame = loginFrame(1, a.hello, identity, { displayName: 'Replay' });
    a.raw.send(frame);
    expect(await a.raw.take((m) => m.kind === 'response' && m.id === 1)).toBeTruthy();

    a.raw.send(frame.replace('"id":1', '"id":2'));
    expect((await a.raw.error(2)).code).toBe('ALREADY_AUTHENTICATED');

    const b = await openRaw(server.wsUrl);
    sockets.push(b.raw);
    b.raw.send(frame);
    expect((await b.raw.error(1)).code).toBe('CHALLENGE_INVALID');
    await b.raw.closed;
  });

  it('answers anything but ping and login before login with NOT_AUTHENTICATED', async () => {
    const { raw } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send(encodeRequest(1, 'channel.join', { channelId: 1 }));
    expect((await raw.error(1)).code).toBe('NOT_AUTHENTICATED');
    raw.send(encodeRequest(2, 'ping', {}));
    expect(await raw.take((m) => m.kind === 'response' && m.id === 2)).toMatchObject({ result: { serverTime: expect.any(Number) } });
  });

  it('refuses a login signed for another server address (a relaying server gets nothing)', async () => {
    const { raw, hello } = await openRaw(server.wsUrl);
    sockets.push(raw);
    raw.send(loginFrame(1, hello, Identity.generate(), { address: 'evil.example:4747' }));
    expect((await raw.error(1)).code).toBe('WRONG_SERVER');
    await raw.closed;
  });
});

describe('login with configured public addresses', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;

  beforeAll(async () => {
    await initCrypto();
    server = await startServerProcess({ args: ['--public-address', 'Chat.Example.org:4747'] });
  });
  afterAll(async () => {
    await server.stop();
    removeTempDirs();
  });

  it('accepts logins signed for a configured address and refuses the Host-derived one', async () => {
    const ok = await openRaw(server.wsUrl);
    ok.raw.send(loginFrame(1, ok.hello, Identity.generate(), { address: 'chat.example.org:4747' }));
    expect(await ok.raw.take((m) => m.kind === 'response' && m.id === 1)).toBeTruthy();
    ok.raw.close();

    const wrong = await openRaw(server.wsUrl);
    wrong.raw.send(loginFrame(1, wrong.hello, Identity.generate()));
    expect((await wrong.raw.error(1)).code).toBe('WRONG_SERVER');
    await wrong.raw.closed;
  });
});
