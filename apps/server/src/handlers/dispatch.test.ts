import { decodeServerFrame, eventsFrame, type ClientRequest } from '@lemon/protocol';
import type { Member } from '../presence/registry';
import type { Storage } from '../storage/db';
import type { IssuedChallenge, ServerContext, Session } from './context';
import { dispatch } from './index';
import { createTestContext, type TestContext } from './test-context';

const USER = 'f'.repeat(32);

let storage: Storage;
let logged: string[];
let ctx: ServerContext;

let test: TestContext;
beforeEach(() => {
  test = createTestContext('lemon-dispatch-');
  ({ ctx, storage, logged } = test);
  storage.users.loginOrCreate(USER, new Uint8Array(32).fill(9), 'Tester');
});
afterEach(() => test.close());

/** A logged-in (or not) session that records what it was sent. */
function session(loggedIn: boolean): Session & { frames: string[] } {
  const frames: string[] = [];
  const member: Member = { userId: USER, publicKey: 'A'.repeat(43), send: (f) => frames.push(String(f)), sendEvent: (b) => frames.push(eventsFrame([b])), close: () => undefined };
  if (loggedIn) ctx.presence.join(member, 'Tester', storage.channels.defaultChannelId);
  return {
    id: 'test',
    frames,
    member: loggedIn ? member : null,
    hostHeader: '127.0.0.1:4747',
    takeChallenge: (): IssuedChallenge | null => null,
    becomeMember: () => member,
    closeAfterReply: () => undefined,
  };
}

function replyOf(request: ClientRequest, loggedIn = true) {
  const reply = dispatch(ctx, session(loggedIn), request);
  const decoded = decodeServerFrame(reply.frame);
  if (!decoded.ok) throw new Error('undecodable reply');
  return { ...reply, message: decoded.value };
}

describe('dispatch', () => {
  it('answers a request with its response', () => {
    const { ok, message } = replyOf({ id: 7, type: 'channel.create', data: { parentId: null, name: 'Room' } });
    expect(ok).toBe(true);
    expect(message).toMatchObject({ kind: 'response', id: 7, result: { channel: { name: 'Room' } } });
  });

  it('lets only ping and login through before login', () => {
    expect(replyOf({ id: 1, type: 'user.rename', data: { displayName: 'x' } }, false).message).toMatchObject({ kind: 'error', id: 1, code: 'NOT_AUTHENTICATED' });
    expect(replyOf({ id: 2, type: 'ping', data: {} }, false).message).toMatchObject({ kind: 'response', id: 2 });
  });

  it('refuses everything while shutting down', () => {
    test.shuttingDown = true;
    expect(replyOf({ id: 3, type: 'ping', data: {} }).message).toMatchObject({ kind: 'error', code: 'SERVER_SHUTTING_DOWN' });
  });

  it('turns an unexpected failure into INTERNAL and a log line, without throwing', () => {
    storage.close(); // every storage call now throws a plain (non-protocol) error
    const { ok, message, code } = replyOf({ id: 4, type: 'channel.join', data: { channelId: 1 } });
    expect(ok).toBe(false);
    expect(code).toBe('INTERNAL');
    expect(message).toMatchObject({ kind: 'error', id: 4, code: 'INTERNAL' });
    const line = JSON.parse(logged.find((l) => l.includes('handler failed'))!);
    expect(line).toMatchObject({ level: 'error', type: 'channel.join', userId: USER });
  });
});
