import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import {
  Challenge,
  Channel,
  ChannelId,
  ChannelNameInput,
  DescriptionInput,
  KeyPackage,
  NameInput,
  PublicKey,
  Signature,
  User,
  UserId,
} from './schemas';

interface RequestSpec {
  summary: string;
  /** Whether the request is allowed before login. */
  beforeLogin?: boolean;
  request: z.ZodType;
  response: z.ZodType;
}

interface EventSpec {
  summary: string;
  data: z.ZodType;
}

/** Everything a client may ask of the server; each answer is a response or an error. */
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
    }),
    response: z.strictObject({ channel: Channel }),
  },
  'channel.update': {
    summary:
      'Rename, describe, move (new parent) or reorder a channel. Allowed to its creator and to server admins.',
    request: z.strictObject({
      channelId: ChannelId,
      name: ChannelNameInput.optional(),
      description: DescriptionInput.optional(),
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
        maxBinaryFrameBytes: z.number().int().positive(),
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

export type ClientRequest = { [K in RequestType]: { id: number; type: K; data: RequestData<K> } }[RequestType];
export type ServerEvent = { [K in EventType]: { event: K; data: EventData<K> } }[EventType];

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
