/**
 * What travels inside MLS application messages, between clients only: the server relays the
 * ciphertext and never sees any of this. Receivers validate it like any network input, and
 * apply edits and deletes only when their MLS sender wrote the original.
 */
import { z } from 'zod';
import { fromBase64Url, utf8Decode, utf8Encode } from './bytes';
import { LIMITS } from './limits';
import { BlobId, base64Bytes } from './schemas';

/** The fonts a message may ask for; anything else is not a font here. */
export const CHAT_FONTS = ['sans', 'serif', 'mono', 'rounded', 'handwriting'] as const;
export type ChatFont = (typeof CHAT_FONTS)[number];

export const PICTURE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type PictureType = (typeof PICTURE_TYPES)[number];

/** 16 random bytes naming one message, chosen by its sender. */
export const ChatMessageId = base64Bytes(16);

export const ChatStyle = z.strictObject({
  font: z.enum(CHAT_FONTS),
  sizePx: z.number().int().min(LIMITS.chatFontMinPx).max(LIMITS.chatFontMaxPx),
  color: z.string().regex(/^#[0-9a-f]{6}$/),
});
export type ChatStyle = z.infer<typeof ChatStyle>;

const Text = z.string().min(1).max(LIMITS.chatTextMaxChars);

export const PictureRef = z.strictObject({
  blobId: BlobId,
  /** AES-256-GCM key (32 bytes) and nonce (12 bytes) the picture was encrypted with. */
  key: base64Bytes(32),
  nonce: base64Bytes(12),
  /** SHA-256 of the encrypted blob as uploaded; receivers check it before decrypting. */
  sha256: base64Bytes(32),
  /** Size of the encrypted blob. */
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  type: z.enum(PICTURE_TYPES),
  name: z.string().max(255).optional(),
  width: z.number().int().min(1).max(65535).optional(),
  height: z.number().int().min(1).max(65535).optional(),
});
export type PictureRef = z.infer<typeof PictureRef>;

export const ChatPayload = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('text'), id: ChatMessageId, text: Text, style: ChatStyle.optional(), replyTo: ChatMessageId.optional() }),
  z.strictObject({
    t: z.literal('picture'),
    id: ChatMessageId,
    picture: PictureRef,
    caption: z.string().max(LIMITS.chatTextMaxChars).optional(),
    style: ChatStyle.optional(),
  }),
  z.strictObject({ t: z.literal('edit'), id: ChatMessageId, target: ChatMessageId, text: Text, style: ChatStyle.optional() }),
  z.strictObject({ t: z.literal('delete'), id: ChatMessageId, target: ChatMessageId }),
  z.strictObject({ t: z.literal('poke'), id: ChatMessageId, text: z.string().max(LIMITS.pokeTextMaxChars) }),
]);
export type ChatPayload = z.infer<typeof ChatPayload>;

export function encodeChatPayload(payload: ChatPayload): Uint8Array {
  return utf8Encode(JSON.stringify(ChatPayload.parse(payload)));
}

/** null for anything that is not a valid payload (a hostile or newer client's message). */
export function decodeChatPayload(bytes: Uint8Array): ChatPayload | null {
  const text = utf8Decode(bytes);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ChatPayload.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Whether a base64url string names 16 bytes (a message id). */
export function isChatMessageId(value: string): boolean {
  return fromBase64Url(value)?.length === 16;
}
