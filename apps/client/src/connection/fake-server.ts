// A scripted in-memory Lemon Chat server for unit tests of the connection controller: it
// speaks the real protocol (envelopes from @lemon/protocol) over fake sockets, without
// checking signatures. Test-only; not imported by the app.
import { ErrorCode, ProtocolError, encodeError, encodeEvent, encodeResponse, toBase64Url, type Channel, type EventData, type EventType, type User } from '@lemon/protocol';
import type { SocketFactory, SocketLike } from '@lemon/session';

const KEY = toBase64Url(new Uint8Array(32).fill(7));

export class FakeServer {
  /** When false, new sockets fail to open (the server is down). */
  up = true;
  /** Answer the next logins with this error (and close), like the real server. */
  loginError: ErrorCode | null = null;
  readonly sockets: FakeSocket[] = [];
  channels: Channel[] = [{ id: 1, parentId: null, name: 'Lobby', description: '', position: 0 }];
  others: User[] = [];
  selfName = '';
  readonly selfId = 'a'.repeat(32);

  readonly createSocket: SocketFactory = () => {
    const socket = new FakeSocket(this);
    this.sockets.push(socket);
    queueMicrotask(() => socket.start());
    return socket;
  };

  get live(): FakeSocket | undefined {
    return this.sockets.filter((s) => s.readyState === 1).at(-1);
  }

  /** Sends an event to the live connection. */
  emit<K extends EventType>(event: K, data: EventData<K>): void {
    this.live?.deliver(encodeEvent(event, data));
  }

  self(): User {
    return { id: this.selfId, displayName: this.selfName, publicKey: KEY, channelId: 1 };
  }
}

export class FakeSocket implements SocketLike {
  readyState = 0;
  binaryType = 'blob';
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;

  constructor(private readonly server: FakeServer) {}

  start(): void {
    if (this.readyState !== 0) return;
    if (!this.server.up) {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006, reason: '' });
      return;
    }
    this.readyState = 1;
    this.onopen?.({});
    this.deliver(
      encodeEvent('server.hello', {
        protocol: 1,
        serverName: 'Fake',
        serverKey: KEY,
        challenge: KEY,
        challengeExpiresInMs: 60_000,
        limits: { maxTextFrameBytes: 65536, maxBinaryFrameBytes: 1048576 },
      }),
    );
  }

  deliver(text: string): void {
    if (this.readyState === 1) queueMicrotask(() => this.onmessage?.({ data: text }));
  }

  send(data: string | Uint8Array): void {
    const req = JSON.parse(String(data)) as { id: number; type: string; data: Record<string, unknown> };
    const s = this.server;
    switch (req.type) {
      case 'auth.login':
        if (s.loginError) {
          this.deliver(encodeError(req.id, new ProtocolError(s.loginError)));
          queueMicrotask(() => this.drop(1008, s.loginError!));
          return;
        }
        if (!s.selfName) s.selfName = String(req.data.displayName);
        this.deliver(
          encodeResponse(req.id, 'auth.login', {
            self: s.self(),
            firstLogin: false,
            serverName: 'Fake',
            defaultChannelId: 1,
            channels: s.channels,
            users: [s.self(), ...s.others],
          }),
        );
        return;
      case 'user.rename': {
        const name = String(req.data.displayName);
        if (s.others.some((u) => u.displayName.toLowerCase() === name.toLowerCase())) {
          this.deliver(encodeError(req.id, new ProtocolError(ErrorCode.NAME_TAKEN)));
          return;
        }
        s.selfName = name;
        this.deliver(encodeEvent('user.renamed', { userId: s.selfId, displayName: name }));
        this.deliver(encodeResponse(req.id, 'user.rename', { displayName: name }));
        return;
      }
      case 'channel.delete':
        this.deliver(encodeError(req.id, new ProtocolError(ErrorCode.FORBIDDEN)));
        return;
      case 'ping':
        this.deliver(encodeResponse(req.id, 'ping', { serverTime: 0 }));
        return;
      default:
        this.deliver(encodeError(req.id, new ProtocolError(ErrorCode.UNKNOWN_TYPE)));
    }
  }

  close(code = 1000, reason = ''): void {
    this.drop(code, reason);
  }

  /** The link dies (server gone, network down). */
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
}
