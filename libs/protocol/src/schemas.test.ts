import { toBase64Url } from './bytes';
import { decodeClientFrame, decodeServerFrame } from './envelope';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { EVENTS, REQUESTS, type EventType, type RequestType } from './messages';

/*
 * One table per schema: for every request and event, data it must refuse. Together with
 * the accepting samples in envelope.test.ts, every schema is exercised both ways.
 */
const key = toBase64Url(new Uint8Array(32).fill(7));
const challenge = toBase64Url(new Uint8Array(32).fill(9));
const signature = toBase64Url(new Uint8Array(64).fill(1));
const userId = 'ab'.repeat(16);
const kp = toBase64Url(new Uint8Array(300).fill(5));
const login = { publicKey: key, challenge, signature, address: 'a.example:1', displayName: 'Ada' };
const user = { id: userId, displayName: 'Ada', publicKey: key, channelId: 1 };
const channel = { id: 2, parentId: 1, name: 'Sub', description: '', position: 0 };

const badRequests: { [K in RequestType]: unknown[] } = {
  'auth.login': [
    { ...login, publicKey: undefined },
    { ...login, signature: toBase64Url(new Uint8Array(63)) },
    { ...login, challenge: toBase64Url(new Uint8Array(33)) },
    { ...login, address: 42 },
    { ...login, client: { name: 'x' } },
    { ...login, client: { name: 'x', version: 'y'.repeat(LIMITS.clientInfoMaxChars + 1) } },
    { ...login, admin: true },
    null,
    [],
  ],
  'user.rename': [{}, { displayName: null }, { displayName: ['Ada'] }, { displayName: 'Ada', extra: 1 }],
  'channel.join': [{ channelId: 0 }, { channelId: 1.5 }, { channelId: LIMITS.maxRequestId + 1 }, { channelId: null }],
  'channel.create': [
    { name: 'x' },
    { parentId: '1', name: 'x' },
    { parentId: null },
    { parentId: null, name: 7 },
    { parentId: null, name: 'x', description: 5 },
    { parentId: null, name: 'x', position: 1 },
  ],
  'channel.update': [
    {},
    { channelId: 3, position: -1 },
    { channelId: 3, position: 0.5 },
    { channelId: 3, parentId: 'top' },
    { channelId: 3, name: null },
    { channelId: 3, description: 'x'.repeat(LIMITS.channelDescriptionMaxChars + 1) },
    { channelId: 3, owner: userId },
  ],
  'channel.delete': [{}, { channelId: -3 }, { channelId: '3' }, { channelId: 3, recursive: false }],
  'keyPackages.upload': [
    {},
    { keyPackages: 'abc' },
    { keyPackages: [''] },
    { keyPackages: ['not base64!'] },
    { keyPackages: [toBase64Url(new Uint8Array(LIMITS.maxKeyPackageBytes + 3))] },
    { keyPackages: Array.from({ length: LIMITS.maxKeyPackagesPerUpload + 1 }, () => kp) },
    { keyPackages: [kp], lastResort: 7 },
    { keyPackages: [kp], lastResort: null },
    { keyPackages: [kp], extra: 1 },
  ],
  'keyPackages.claim': [{}, { userId: 'nope' }, { userId: 'AB'.repeat(16) }, { userId, count: 2 }],
  'keyPackages.stock': [{ userId }, null],
  ping: [{ at: 1 }, null, 'ping'],
};

const badEvents: { [K in EventType]: unknown[] } = {
  'server.hello': [
    { protocol: PROTOCOL_VERSION + 1, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 1, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: 'short', challenge, challengeExpiresInMs: 1, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 0, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 1 },
  ],
  'user.connected': [{ user: { ...user, id: 'nope' } }, { user: { ...user, channelId: 0 } }, { user: { ...user, admin: true } }, {}],
  'user.disconnected': [{ userId: 'AB'.repeat(16) }, {}],
  'user.moved': [{ userId }, { userId, channelId: 'x' }],
  'user.renamed': [{ userId }, { userId, displayName: 1 }],
  'channel.created': [{ channel: { ...channel, position: -1 } }, { channel: { ...channel, parentId: 0 } }, {}],
  'channel.updated': [{ channel: { ...channel, name: undefined } }, { channel: { ...channel, extra: 1 } }],
  'channel.deleted': [{ channelIds: 2 }, { channelIds: ['2'] }, {}],
  'keyPackages.low': [{}, { stock: -1 }, { stock: 1.5 }, { stock: '3' }, { stock: 3, userId }],
  'server.shutdown': [{ reason: 'bored' }, {}],
};

describe('every request schema refuses malformed data', () => {
  for (const type of Object.keys(REQUESTS) as RequestType[]) {
    it.each(badRequests[type].map((data) => [JSON.stringify(data) ?? String(data), data]))(`${type} refuses %s`, (_label, data) => {
      const result = decodeClientFrame(JSON.stringify({ v: PROTOCOL_VERSION, kind: 'request', id: 4, type, data }));
      expect(result).toMatchObject({ ok: false, id: 4, error: { code: 'INVALID_PAYLOAD' } });
    });
  }
});

describe('every event schema refuses malformed data', () => {
  for (const event of Object.keys(EVENTS) as EventType[]) {
    it.each(badEvents[event].map((data) => [JSON.stringify(data), data]))(`${event} refuses %s`, (_label, data) => {
      const result = decodeServerFrame(JSON.stringify({ v: PROTOCOL_VERSION, kind: 'event', event, data }));
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    });
  }
});
