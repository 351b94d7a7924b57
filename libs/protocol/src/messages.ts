import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import {
  Challenge,
  Channel,
  VoiceBitrate,
  ChannelId,
  BlobId,
  ChannelNameInput,
  DescriptionInput,
  Epoch,
  GroupId,
  KeyPackage,
  NameInput,
  PublicKey,
  QueuedMessageId,
  Signature,
  User,
  UserId,
} from './schemas';

/** Marks a message that travels as a binary frame: its number and what its payload holds. */
export interface BinarySpec {
  kind: number;
  payload: string;
}

interface RequestSpec {
  summary: string;
  /** Whether the request is allowed before login. */
  beforeLogin?: boolean;
  request: z.ZodType;
  response: z.ZodType;
  /** Set for requests sent as binary frames (header = { id, data }, then the payload). */
  binary?: BinarySpec;
  /** Set for requests answered by a binary response frame carrying a payload. */
  responsePayload?: string;
}

interface EventSpec {
  summary: string;
  data: z.ZodType;
  /** Set for events sent as binary frames (header = { data }, then the payload). */
  binary?: BinarySpec;
}

const DmKind = z.enum(['welcome', 'message']).meta({
  description: 'welcome: an MLS Welcome that adds the receiver to a DM group; message: an MLS message of that group',
});

/** Everything a client may ask of the server; each answer is a response or an error. */
const Sdp = z.string().min(1).max(LIMITS.maxSdpChars).meta({ description: 'a WebRTC session description (SDP text)' });
const IceCandidate = z
  .strictObject({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
  })
  .meta({ description: 'an ICE candidate as RTCIceCandidateInit' });
const VoicePath = z.enum(['datachannel', 'websocket', 'none']);

export const REQUESTS = {
  'auth.login': {
    summary:
      'Prove possession of an identity key by signing loginSignedBytes(serverKey, challenge, address). ' +
      'A new key becomes a new user named after `displayName` (made unique if taken); a known key ' +
      'keeps its stored name. The answer is the snapshot of the server; events follow from then on.',
    beforeLogin: true,
    request: z.strictObject({
      publicKey: PublicKey,
      challenge: Challenge,
      signature: Signature,
      address: z
        .string()
        .min(1)
        .max(LIMITS.addressMaxChars)
        .meta({ description: 'host[:port] the client dialled (serverAddressOf(url)); signed, checked by the server' }),
      displayName: NameInput.meta({ description: 'name wanted if this key is new here' }),
      client: z
        .strictObject({
          name: z.string().max(LIMITS.clientInfoMaxChars),
          version: z.string().max(LIMITS.clientInfoMaxChars),
        })
        .optional(),
    }),
    response: z.strictObject({
      self: User,
      firstLogin: z.boolean(),
      serverName: z.string(),
      defaultChannelId: ChannelId,
      channels: z.array(Channel),
      users: z.array(User).meta({ description: 'everyone connected, including self' }),
    }),
  },
  'user.rename': {
    summary: 'Change your own display name. Names are unique on the server (case- and width-insensitive).',
    request: z.strictObject({ displayName: NameInput }),
    response: z.strictObject({ displayName: z.string() }),
  },
  'channel.join': {
    summary: 'Move yourself into a channel. Everyone is told with user.moved.',
    request: z.strictObject({ channelId: ChannelId }),
    response: z.strictObject({ channelId: ChannelId }),
  },
  'channel.create': {
    summary: 'Create a channel at the top level (parentId null) or under another channel.',
    request: z.strictObject({
      parentId: ChannelId.nullable(),
      name: ChannelNameInput,
      description: DescriptionInput.optional(),
      voice: z.boolean().optional().meta({ description: 'default true' }),
      bitrate: VoiceBitrate.optional().meta({ description: `default ${LIMITS.voiceBitrateDefault}` }),
    }),
    response: z.strictObject({ channel: Channel }),
  },
  'channel.update': {
    summary:
      'Rename, describe, move (new parent) or reorder a channel, or change its voice settings. Allowed to its creator and to server admins.',
    request: z.strictObject({
      channelId: ChannelId,
      name: ChannelNameInput.optional(),
      description: DescriptionInput.optional(),
      voice: z.boolean().optional(),
      bitrate: VoiceBitrate.optional(),
      parentId: ChannelId.nullable().optional(),
      position: z.number().int().min(0).max(LIMITS.maxRequestId).optional(),
    }),
    response: z.strictObject({ channel: Channel }),
  },
  'channel.delete': {
    summary:
      'Delete a channel and everything below it; people inside move to the default channel. ' +
      'Allowed to its creator and to server admins; the default channel cannot be deleted.',
    request: z.strictObject({ channelId: ChannelId }),
    response: z.strictObject({ deleted: z.array(ChannelId) }),
  },
  'keyPackages.upload': {
    summary:
      'Add one-time MLS key packages to your stock on the server and/or replace your last-resort one. ' +
      'Each must verify (signature, ciphersuite, lifetime) and name your own identity key as credential, ' +
      `else the whole upload is refused with INVALID_PAYLOAD and nothing is stored. At most ${LIMITS.maxStoredKeyPackages} ` +
      'one-time packages are kept: an upload that would exceed that is refused whole with KEY_PACKAGES_FULL.',
    request: z.strictObject({
      keyPackages: z.array(KeyPackage).max(LIMITS.maxKeyPackagesPerUpload),
      lastResort: KeyPackage.optional().meta({ description: 'replaces the stored last-resort package' }),
    }),
    response: z.strictObject({
      stock: z.number().int().min(0).meta({ description: 'one-time key packages now stored' }),
    }),
  },
  'keyPackages.claim': {
    summary:
      "Take one of a user's key packages to add them to a group (a DM). A one-time package is handed out " +
      'once and removed; when none is left the last-resort package is returned (and kept). ' +
      'NO_SUCH_USER for an unknown user, NO_KEY_PACKAGE when they have neither.',
    request: z.strictObject({ userId: UserId }),
    response: z.strictObject({
      userId: UserId,
      keyPackage: KeyPackage,
      lastResort: z.boolean(),
    }),
  },
  'keyPackages.stock': {
    summary: 'How many of your one-time key packages the server holds, and whether it has a last-resort one.',
    request: z.strictObject({}),
    response: z.strictObject({ stock: z.number().int().min(0), hasLastResort: z.boolean() }),
  },
  'mls.groupInfo': {
    summary:
      "Answers mls.createRequested: the GroupInfo (with ratchet tree) of the channel's new group, epoch 0, whose " +
      "only member is you and whose only external sender is this server. From then on the server follows the group's " +
      'public state and proposes Adds and Removes as people come and go.',
    request: z.strictObject({ channelId: ChannelId, groupId: GroupId }),
    response: z.strictObject({ epoch: Epoch }),
    binary: { kind: 1, payload: 'MLSMessage (GroupInfo)' },
  },
  'mls.commit': {
    summary:
      "Answers mls.commitRequested (or any member's own initiative): a commit of the server's pending proposals at " +
      '`epoch`, then the Welcome for the members it adds. The server checks it against the public group state (member ' +
      'sender, signature, epoch, proposals) and accepts the first valid commit per epoch; a later one gets STALE_EPOCH, ' +
      'an invalid one MLS_REJECTED. On success the commit goes to the other members (mls.committed) and the Welcome to ' +
      'the joiners (mls.welcomed) before this response.',
    request: z.strictObject({
      channelId: ChannelId,
      groupId: GroupId,
      epoch: Epoch,
      commitBytes: z.number().int().min(1).max(LIMITS.maxMlsPayloadBytes).meta({ description: 'length of the commit at the start of the payload; the rest is the Welcome (may be empty)' }),
    }),
    response: z.strictObject({ epoch: Epoch.meta({ description: 'the epoch the group is in now' }) }),
    binary: { kind: 2, payload: 'MLSMessage (commit, PublicMessage) followed by MLSMessage (Welcome) or nothing' },
  },
  'mls.send': {
    summary:
      "An application message (text, picture reference, edit, delete) to everyone in your channel's group. The " +
      `server checks its group id and that its epoch is current or at most ${LIMITS.mlsPastEpochs} behind, and relays it as mls.message.`,
    request: z.strictObject({ channelId: ChannelId, groupId: GroupId }),
    response: z.strictObject({ epoch: Epoch }),
    binary: { kind: 3, payload: 'MLSMessage (PrivateMessage)' },
  },
  'mls.rejoin': {
    summary:
      "Your state of your channel's group is lost or broken: the server removes you from the group and adds you again " +
      '(a new Welcome follows).',
    request: z.strictObject({ channelId: ChannelId }),
    response: z.strictObject({}),
  },
  'dm.send': {
    summary:
      'A message of a two-member DM group for one user: kept by the server until they acknowledge it (dm.ack), ' +
      `delivered at once if they are online, else when they log in. At most ${LIMITS.dmQueueMaxMessages} messages or ` +
      `${LIMITS.dmQueueMaxBytes} bytes wait per recipient (QUEUE_FULL beyond).`,
    request: z.strictObject({ to: UserId, groupId: GroupId, kind: DmKind }),
    response: z.strictObject({ messageId: QueuedMessageId }),
    binary: { kind: 4, payload: 'MLSMessage (Welcome or PrivateMessage)' },
  },
  'dm.ack': {
    summary: 'These dm.message deliveries were processed: the server deletes them. Unknown ids are ignored.',
    request: z.strictObject({ messageIds: z.array(QueuedMessageId).min(1).max(LIMITS.maxAckIds) }),
    response: z.strictObject({ deleted: z.number().int().min(0) }),
  },
  'blob.begin': {
    summary:
      'Starts the upload of an encrypted blob (a picture encrypted by the client) of `size` bytes; BLOB_TOO_LARGE ' +
      "beyond the server's limit (hello.limits.maxBlobBytes). Upload it with blob.chunk, in order.",
    request: z.strictObject({ size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
    response: z.strictObject({ blobId: BlobId, chunkBytes: z.number().int().positive() }),
  },
  'blob.chunk': {
    summary:
      'Appends a chunk to an upload of yours at `offset` (must equal what the server holds, else BLOB_OFFSET with the ' +
      'current count in the message; blob.status tells it too). The blob is readable once complete.',
    request: z.strictObject({ blobId: BlobId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
    response: z.strictObject({ received: z.number().int().min(0), complete: z.boolean() }),
    binary: { kind: 5, payload: `up to ${LIMITS.blobChunkBytes} bytes of the blob` },
  },
  'blob.status': {
    summary: 'How much of a blob the server holds (to resume an upload) and whether it is complete.',
    request: z.strictObject({ blobId: BlobId }),
    response: z.strictObject({ size: z.number().int().min(0), received: z.number().int().min(0), complete: z.boolean() }),
  },
  'blob.read': {
    summary: `Reads up to ${LIMITS.blobChunkBytes} bytes of a complete blob from offset; anyone logged in who knows the id may read it (its content is encrypted).`,
    request: z.strictObject({
      blobId: BlobId,
      offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      length: z.number().int().min(1).max(LIMITS.blobChunkBytes),
    }),
    response: z.strictObject({ offset: z.number().int().min(0), size: z.number().int().min(0) }),
    responsePayload: 'the bytes read',
  },
  'voice.connect': {
    summary:
      'Opens (or reopens) the WebRTC connection that carries voice: the server makes a peer connection for you with one ' +
      'unordered, no-retransmit data channel and sends its SDP offer as voice.offer. Reply with voice.answer; trickle ICE both ways.',
    request: z.strictObject({}),
    response: z.strictObject({}),
  },
  'voice.answer': {
    summary: "Your SDP answer to the server's voice.connect offer.",
    request: z.strictObject({ answer: Sdp }),
    response: z.strictObject({}),
  },
  'voice.candidate': {
    summary: 'One of your ICE candidates for the voice connection.',
    request: z.strictObject({ candidate: IceCandidate }),
    response: z.strictObject({}),
  },
  'voice.path': {
    summary:
      'Where your voice goes and comes from: the data channel, the WebSocket (binary voice frames, when UDP is blocked) ' +
      'or nowhere (voice off, deafened). The server relays to you only on this path.',
    request: z.strictObject({ path: VoicePath }),
    response: z.strictObject({}),
  },
  'voice.state': {
    summary: 'You muted or deafened yourself (or undid it); everyone sees it. Muted senders are not relayed.',
    request: z.strictObject({ muted: z.boolean(), deafened: z.boolean() }),
    response: z.strictObject({}),
  },
  ping: {
    summary: 'Application-level keep-alive and clock check; allowed before login.',
    beforeLogin: true,
    request: z.strictObject({}),
    response: z.strictObject({ serverTime: z.number().int() }),
  },
} as const satisfies Record<string, RequestSpec>;

/** Everything the server tells clients without being asked. */
export const EVENTS = {
  'server.hello': {
    summary: 'First frame on every connection: who the server is and the challenge to sign.',
    data: z.strictObject({
      protocol: z.literal(PROTOCOL_VERSION),
      serverName: z.string(),
      serverKey: PublicKey.meta({ description: "the server's Ed25519 public key" }),
      challenge: Challenge,
      challengeExpiresInMs: z.number().int().positive(),
      limits: z.strictObject({
        maxTextFrameBytes: z.number().int().positive(),
        maxBinaryFrameBytes: z.number().int().positive().meta({ description: 'after login; before it, binary frames are refused' }),
        maxBlobBytes: z.number().int().positive().meta({ description: 'largest encrypted blob (picture) this server stores' }),
      }),
    }),
  },
  'user.connected': { summary: 'Somebody logged in.', data: z.strictObject({ user: User }) },
  'user.disconnected': { summary: 'Somebody left the server.', data: z.strictObject({ userId: UserId }) },
  'user.moved': {
    summary: 'Somebody is now in another channel (also sent when their channel was deleted).',
    data: z.strictObject({ userId: UserId, channelId: ChannelId }),
  },
  'user.renamed': {
    summary: 'Somebody changed their display name.',
    data: z.strictObject({ userId: UserId, displayName: z.string() }),
  },
  'channel.created': { summary: 'A channel was created.', data: z.strictObject({ channel: Channel }) },
  'channel.updated': {
    summary: 'A channel changed (name, description, parent or position).',
    data: z.strictObject({ channel: Channel }),
  },
  'channel.deleted': {
    summary: 'A channel and all channels below it are gone.',
    data: z.strictObject({ channelIds: z.array(ChannelId) }),
  },
  'keyPackages.low': {
    summary: `Sent to you only, when a claim left fewer than ${LIMITS.keyPackageLowWater} of your one-time key packages: upload more.`,
    data: z.strictObject({ stock: z.number().int().min(0) }),
  },
  'mls.createRequested': {
    summary:
      'You are the first in a channel without an encrypted group: create it with this group id and the server key as ' +
      'its only external sender, then send mls.groupInfo.',
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId }),
  },
  'mls.commitRequested': {
    summary:
      "The server's proposals for this epoch are out (mls.proposed): commit them now with mls.commit. Sent to one " +
      'member at a time; if it does not commit in time, the next member is asked.',
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId, epoch: Epoch }),
  },
  'mls.proposed': {
    summary: "An Add or Remove proposal of the server (the group's external sender) for the members to commit.",
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId, epoch: Epoch }),
    binary: { kind: 65, payload: 'MLSMessage (proposal, PublicMessage from the external sender)' },
  },
  'mls.committed': {
    summary: 'The commit the server accepted for `epoch`: process it to move to the next epoch.',
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId, epoch: Epoch, committer: UserId }),
    binary: { kind: 66, payload: 'MLSMessage (commit)' },
  },
  'mls.welcomed': {
    summary: "You were added to the channel's group: join it from this Welcome.",
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId }),
    binary: { kind: 67, payload: 'MLSMessage (Welcome with the ratchet tree)' },
  },
  'mls.message': {
    summary: "An application message in your channel's group.",
    data: z.strictObject({ channelId: ChannelId, groupId: GroupId, from: UserId, epoch: Epoch }),
    binary: { kind: 68, payload: 'MLSMessage (PrivateMessage)' },
  },
  'dm.message': {
    summary:
      'A DM delivery (see dm.send), live or kept while you were offline, oldest first. Acknowledge it with dm.ack once ' +
      'processed, or it comes again on the next login.',
    data: z.strictObject({
      messageId: QueuedMessageId,
      from: UserId,
      fromKey: PublicKey.meta({ description: "the sender's identity key, as they logged in with it" }),
      groupId: GroupId,
      kind: DmKind,
      sentAt: z.number().int().meta({ description: 'server time (ms since 1970) it was queued' }),
    }),
    binary: { kind: 69, payload: 'MLSMessage (Welcome or PrivateMessage)' },
  },
  'voice.offer': {
    summary: "The server's SDP offer for the voice connection you asked for with voice.connect.",
    data: z.strictObject({ offer: Sdp }),
  },
  'voice.candidate': {
    summary: "One of the server's ICE candidates for your voice connection.",
    data: z.strictObject({ candidate: IceCandidate }),
  },
  'voice.connection': {
    summary: 'Your voice connection changed state (connected: the data channel is open; failed: use the WebSocket path).',
    data: z.strictObject({ state: z.enum(['connected', 'failed', 'closed']) }),
  },
  'voice.talking': {
    summary: 'Somebody in your channel started or stopped talking (the server sees voice frames flow, never their content).',
    data: z.strictObject({ userId: UserId, talking: z.boolean() }),
  },
  'user.voice': {
    summary: 'Somebody muted or deafened themselves, or undid it.',
    data: z.strictObject({ userId: UserId, muted: z.boolean(), deafened: z.boolean() }),
  },
  'server.shutdown': {
    summary: 'The server is stopping; reconnect later. The socket closes right after.',
    data: z.strictObject({ reason: z.enum(['shutdown', 'restart']) }),
  },
} as const satisfies Record<string, EventSpec>;

export type RequestType = keyof typeof REQUESTS;
export type EventType = keyof typeof EVENTS;
export type RequestData<K extends RequestType> = z.infer<(typeof REQUESTS)[K]['request']>;
export type ResponseData<K extends RequestType> = z.infer<(typeof REQUESTS)[K]['response']>;
export type EventData<K extends EventType> = z.infer<(typeof EVENTS)[K]['data']>;

/** Requests sent as binary frames, with a payload. */
export type BinaryRequestType = { [K in RequestType]: (typeof REQUESTS)[K] extends { binary: BinarySpec } ? K : never }[RequestType];
/** Requests answered with a binary response that carries a payload. */
export type PayloadResponseType = { [K in RequestType]: (typeof REQUESTS)[K] extends { responsePayload: string } ? K : never }[RequestType];
/** Events sent as binary frames, with a payload. */
export type BinaryEventType = { [K in EventType]: (typeof EVENTS)[K] extends { binary: BinarySpec } ? K : never }[EventType];

/** What a request resolves to: its result, plus the payload for binary responses. */
export type ResponseOf<K extends RequestType> = K extends PayloadResponseType ? ResponseData<K> & { payload: Uint8Array } : ResponseData<K>;

export type ClientRequest = {
  [K in RequestType]: K extends BinaryRequestType
    ? { id: number; type: K; data: RequestData<K>; payload: Uint8Array }
    : { id: number; type: K; data: RequestData<K> };
}[RequestType];
export type ServerEvent = {
  [K in EventType]: K extends BinaryEventType ? { event: K; data: EventData<K>; payload: Uint8Array } : { event: K; data: EventData<K> };
}[EventType];

export function isBinaryRequest(type: RequestType): type is BinaryRequestType {
  const spec: RequestSpec = REQUESTS[type];
  return spec.binary !== undefined;
}

export function isBinaryEvent(event: EventType): event is BinaryEventType {
  const spec: EventSpec = EVENTS[event];
  return spec.binary !== undefined;
}

export function hasPayloadResponse(type: RequestType): type is PayloadResponseType {
  const spec: RequestSpec = REQUESTS[type];
  return spec.responsePayload !== undefined;
}

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(REQUESTS, type);
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}

export function allowedBeforeLogin(type: RequestType): boolean {
  const spec: RequestSpec = REQUESTS[type];
  return spec.beforeLogin === true;
}
