import { toBase64Url } from './bytes';
import { decodeClientFrame, decodeServerFrame } from './envelope';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { EVENTS, REQUESTS, isBinaryEvent, isBinaryRequest, type EventType, type RequestType } from './messages';
import { decodeClientBinaryFrame, decodeServerBinaryFrame, encodeBinaryFrame } from './binary';

/*
 * One table per schema: for every request and event, data it must refuse. Together with
 * the accepting samples in envelope.test.ts, every schema is exercised both ways.
 */
const key = toBase64Url(new Uint8Array(32).fill(7));
const challenge = toBase64Url(new Uint8Array(32).fill(9));
const signature = toBase64Url(new Uint8Array(64).fill(1));
const userId = 'ab'.repeat(16);
const kp = toBase64Url(new Uint8Array(300).fill(5));
const groupId = toBase64Url(new Uint8Array(16).fill(3));
const blobId = 'cd'.repeat(16);
const login = { publicKey: key, challenge, signature, address: 'a.example:1', displayName: 'Ada' };
const user = { id: userId, displayName: 'Ada', publicKey: key, channelId: 1 };
const channel = { id: 2, parentId: 1, name: 'Sub', description: '', position: 0, voice: true, bitrate: 48_000 };

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
    { parentId: null, name: 'x', bitrate: 8_000 },
    { parentId: null, name: 'x', voice: 1 },
    { parentId: '1', name: 'x' },
    { parentId: null },
    { parentId: null, name: 7 },
    { parentId: null, name: 'x', description: 5 },
    { parentId: null, name: 'x', position: 1 },
  ],
  'channel.update': [
    {},
    { channelId: 3, bitrate: LIMITS.voiceBitrateMin - 1 },
    { channelId: 3, bitrate: LIMITS.voiceBitrateMax + 1 },
    { channelId: 3, bitrate: 48_000.5 },
    { channelId: 3, voice: 'yes' },
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
  'mls.groupInfo': [{ channelId: 3 }, { channelId: 3, groupId: toBase64Url(new Uint8Array(15)) }, { channelId: 3, groupId, epoch: 0 }],
  'mls.commit': [
    { channelId: 3, groupId, epoch: 1 },
    { channelId: 3, groupId, epoch: -1, commitBytes: 4 },
    { channelId: 3, groupId, epoch: 1, commitBytes: 0 },
    { channelId: 3, groupId, epoch: 1, commitBytes: LIMITS.maxMlsPayloadBytes + 1 },
  ],
  'mls.send': [{ channelId: 3 }, { groupId }, { channelId: 3, groupId, from: userId }],
  'mls.rejoin': [{}, { channelId: 'x' }],
  'dm.send': [
    { to: userId, groupId },
    { to: userId, groupId, kind: 'poke' },
    { to: 'nope', groupId, kind: 'message' },
    { to: userId, groupId: 'short', kind: 'message' },
  ],
  'dm.ack': [{ messageIds: [] }, { messageIds: [0] }, { messageIds: Array.from({ length: LIMITS.maxAckIds + 1 }, (_, i) => i + 1) }, {}],
  'blob.begin': [{}, { size: 0 }, { size: 1.5 }, { size: 10, type: 'image/png' }],
  'blob.chunk': [{ blobId }, { blobId: 'x', offset: 0 }, { blobId, offset: -1 }],
  'blob.status': [{}, { blobId: blobId.toUpperCase() }],
  'blob.read': [{ blobId, offset: 0 }, { blobId, offset: 0, length: 0 }, { blobId, offset: 0, length: LIMITS.blobChunkBytes + 1 }],
  'voice.connect': [{ offer: 'x' }, null],
  'voice.answer': [{}, { answer: '' }, { answer: 'x'.repeat(LIMITS.maxSdpChars + 1) }, { answer: 1 }],
  'voice.candidate': [{}, { candidate: 'candidate:1' }, { candidate: { candidate: 'x'.repeat(1025) } }, { candidate: { candidate: 'c', sdpMLineIndex: -1 } }],
  'voice.path': [{ path: 'carrier-pigeon' }, {}],
  'voice.state': [{ muted: true }, { muted: 'yes', deafened: false }],
  ping: [{ at: 1 }, null, 'ping'],
};

const badEvents: { [K in EventType]: unknown[] } = {
  'server.hello': [
    { protocol: PROTOCOL_VERSION + 1, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 1, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: 'short', challenge, challengeExpiresInMs: 1, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 0, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 1 },
    { protocol: PROTOCOL_VERSION, serverName: 'S', serverKey: key, challenge, challengeExpiresInMs: 1, limits: { maxTextFrameBytes: 1, maxBinaryFrameBytes: 1 } },
  ],
  'user.connected': [{ user: { ...user, id: 'nope' } }, { user: { ...user, channelId: 0 } }, { user: { ...user, admin: true } }, {}],
  'user.disconnected': [{ userId: 'AB'.repeat(16) }, {}],
  'user.moved': [{ userId }, { userId, channelId: 'x' }],
  'user.renamed': [{ userId }, { userId, displayName: 1 }],
  'channel.created': [{ channel: { ...channel, position: -1 } }, { channel: { ...channel, parentId: 0 } }, {}],
  'channel.updated': [{ channel: { ...channel, name: undefined } }, { channel: { ...channel, extra: 1 } }],
  'channel.deleted': [{ channelIds: 2 }, { channelIds: ['2'] }, {}],
  'keyPackages.low': [{}, { stock: -1 }, { stock: 1.5 }, { stock: '3' }, { stock: 3, userId }],
  'mls.createRequested': [{ channelId: 2 }, { channelId: 2, groupId: 'x' }],
  'mls.commitRequested': [{ channelId: 2, groupId }, { channelId: 2, groupId, epoch: -1 }],
  'mls.proposed': [{ channelId: 2, groupId }, { channelId: 0, groupId, epoch: 1 }],
  'mls.committed': [{ channelId: 2, groupId, epoch: 1 }, { channelId: 2, groupId, epoch: 1, committer: 'x' }],
  'mls.welcomed': [{ channelId: 2 }, { channelId: 2, groupId, epoch: 1 }],
  'mls.message': [{ channelId: 2, groupId, epoch: 1 }, { channelId: 2, groupId, from: userId, epoch: 1.5 }],
  'dm.message': [
    { messageId: 1, from: userId, fromKey: key, groupId, kind: 'message' },
    { messageId: 0, from: userId, fromKey: key, groupId, kind: 'message', sentAt: 1 },
    { messageId: 1, from: userId, fromKey: 'x', groupId, kind: 'message', sentAt: 1 },
  ],
  'voice.candidate': [{}, { candidate: { candidate: 'c', extra: 1 } }],
  'voice.offer': [{}, { offer: '' }],
  'voice.connection': [{ state: 'melted' }],
  'voice.talking': [{ userId, talking: 'yes' }, { talking: true }],
  'user.voice': [{ userId, muted: true }, { userId: 'x', muted: true, deafened: true }],
  'server.shutdown': [{ reason: 'bored' }, {}],
};

describe('every request schema refuses malformed data', () => {
  for (const type of Object.keys(REQUESTS) as RequestType[]) {
    it.each(badRequests[type].map((data) => [JSON.stringify(data) ?? String(data), data]))(`${type} refuses %s`, (_label, data) => {
      const result = isBinaryRequest(type)
        ? decodeClientBinaryFrame(encodeBinaryFrame({ kind: REQUESTS[type].binary.kind, header: { id: 4, data }, payload: new Uint8Array([1]) }))
        : decodeClientFrame(JSON.stringify({ v: PROTOCOL_VERSION, kind: 'request', id: 4, type, data }));
      expect(result).toMatchObject({ ok: false, id: 4, error: { code: 'INVALID_PAYLOAD' } });
    });
  }
});

describe('every event schema refuses malformed data', () => {
  for (const event of Object.keys(EVENTS) as EventType[]) {
    it.each(badEvents[event].map((data) => [JSON.stringify(data), data]))(`${event} refuses %s`, (_label, data) => {
      const result = isBinaryEvent(event)
        ? decodeServerBinaryFrame(encodeBinaryFrame({ kind: EVENTS[event].binary.kind, header: { data }, payload: new Uint8Array([1]) }))
        : decodeServerFrame(JSON.stringify({ v: PROTOCOL_VERSION, kind: 'event', event, data }));
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    });
  }
});
