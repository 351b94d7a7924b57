import { z } from 'zod';
import { fromBase64Url } from './bytes';
import { KEY_BYTES, LIMITS } from './limits';

/** base64url (unpadded) text that decodes to exactly `length` bytes. */
export function base64Bytes(length: number) {
  return z
    .string()
    .max(Math.ceil((length * 4) / 3) + 4)
    .refine((s) => fromBase64Url(s)?.length === length, { message: `must be ${length} bytes as base64url` })
    .meta({ description: `${length} bytes, base64url without padding` });
}

export const PublicKey = base64Bytes(KEY_BYTES.publicKey).meta({ description: 'Ed25519 public key (32 bytes, base64url)' });
export const Signature = base64Bytes(KEY_BYTES.signature).meta({ description: 'Ed25519 signature (64 bytes, base64url)' });
export const Challenge = base64Bytes(LIMITS.challengeBytes).meta({ description: 'login challenge (32 random bytes, base64url)' });

/** An MLS KeyPackage (an MLSMessage) as base64url text; the server verifies its contents. */
export const KeyPackage = z
  .string()
  .min(1)
  .max(Math.ceil((LIMITS.maxKeyPackageBytes * 4) / 3))
  .refine((s) => fromBase64Url(s) !== null, { message: 'must be base64url without padding' })
  .meta({ description: `MLS KeyPackage message (at most ${LIMITS.maxKeyPackageBytes} bytes), base64url without padding` });

export const UserId = z
  .string()
  .regex(/^[0-9a-f]{32}$/)
  .meta({ description: 'hex of the first 16 bytes of SHA-256("lemon-chat/user-id/v1" ‖ public key)' });

export const ChannelId = z.number().int().min(1).max(LIMITS.maxRequestId).meta({ description: 'channel id' });

// Raw text bounds only; normalisation rules (names.ts) decide what is really allowed.
export const NameInput = z.string().max(LIMITS.displayNameMaxChars * 8);
export const ChannelNameInput = z.string().max(LIMITS.channelNameMaxChars * 8);
export const DescriptionInput = z.string().max(LIMITS.channelDescriptionMaxChars);

export const User = z
  .strictObject({
    id: UserId,
    displayName: z.string(),
    publicKey: PublicKey,
    channelId: ChannelId,
    muted: z.boolean().optional().meta({ description: 'muted themselves (absent: false)' }),
    deafened: z.boolean().optional().meta({ description: 'deafened themselves (absent: false)' }),
  })
  .meta({ description: 'A connected user as everyone sees them.' });
export type User = z.infer<typeof User>;

export const VoiceBitrate = z
  .number()
  .int()
  .min(LIMITS.voiceBitrateMin)
  .max(LIMITS.voiceBitrateMax)
  .meta({ description: `Opus bitrate of voice in this channel, bits per second (${LIMITS.voiceBitrateMin}–${LIMITS.voiceBitrateMax})` });

export const Channel = z
  .strictObject({
    id: ChannelId,
    parentId: ChannelId.nullable().meta({ description: 'null for top-level channels' }),
    name: z.string(),
    description: z.string(),
    position: z.number().int().min(0).meta({ description: 'order among siblings, ascending' }),
    voice: z.boolean().meta({ description: 'whether people can talk in this channel' }),
    bitrate: VoiceBitrate,
  })
  .meta({ description: 'One node of the channel tree.' });
export type Channel = z.infer<typeof Channel>;

export const ErrorBody = z.strictObject({
  code: z.string().max(64),
  message: z.string().max(1024),
});

/** An MLS group id (16 random bytes, base64url). */
export const GroupId = base64Bytes(LIMITS.groupIdBytes).meta({ description: 'MLS group id (16 bytes, base64url)' });

export const Epoch = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: 'MLS epoch' });

/** Server-assigned id of a queued DM message. */
export const QueuedMessageId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** An encrypted blob on the server: 16 random bytes, hex. */
export const BlobId = z
  .string()
  .regex(/^[0-9a-f]{32}$/)
  .meta({ description: 'blob id (16 random bytes, hex)' });
