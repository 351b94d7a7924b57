import { toBase64Url, utf8Encode } from './bytes';
import { decodeChatPayload, encodeChatPayload, type ChatPayload } from './chat-payload';
import { LIMITS } from './limits';

const id = toBase64Url(new Uint8Array(16).fill(1));
const other = toBase64Url(new Uint8Array(16).fill(2));
const b32 = toBase64Url(new Uint8Array(32).fill(3));
const nonce = toBase64Url(new Uint8Array(12).fill(4));
const style = { font: 'serif' as const, sizePx: 18, color: '#aa00ff' };

describe('chat payloads (inside the encryption)', () => {
  it('round-trips every kind', () => {
    const payloads: ChatPayload[] = [
      { t: 'text', id, text: 'hello <b>world</b>', style, replyTo: other },
      {
        t: 'picture',
        id,
        picture: { blobId: 'ab'.repeat(16), key: b32, nonce, sha256: b32, size: 1000, type: 'image/png', name: 'cat.png', width: 10, height: 20 },
        caption: 'a cat',
      },
      { t: 'edit', id, target: other, text: 'fixed' },
      { t: 'delete', id, target: other },
      { t: 'poke', id, text: 'hey!' },
    ];
    for (const payload of payloads) expect(decodeChatPayload(encodeChatPayload(payload))).toEqual(payload);
  });

  it('refuses what a hostile or broken client might send, as null', () => {
    const bad: unknown[] = [
      { t: 'text', id, text: '' },
      { t: 'text', id, text: 'x'.repeat(LIMITS.chatTextMaxChars + 1) },
      { t: 'text', id, text: 'x', style: { ...style, sizePx: 31 } },
      { t: 'text', id, text: 'x', style: { ...style, sizePx: 11 } },
      { t: 'text', id, text: 'x', style: { ...style, color: 'red;background:url(x)' } },
      { t: 'text', id, text: 'x', style: { ...style, font: 'Comic Sans' } },
      { t: 'text', id: 'short', text: 'x' },
      { t: 'text', id, text: 'x', html: '<img>' },
      { t: 'picture', id, picture: { blobId: 'ab'.repeat(16), key: b32, nonce, sha256: b32, size: 1, type: 'image/svg+xml' } },
      { t: 'poke', id, text: 'x'.repeat(LIMITS.pokeTextMaxChars + 1) },
      { t: 'script', id },
      [],
    ];
    for (const value of bad) expect(decodeChatPayload(utf8Encode(JSON.stringify(value)))).toBeNull();
    expect(decodeChatPayload(new Uint8Array([0xff, 0xfe]))).toBeNull();
    expect(decodeChatPayload(utf8Encode('{not json'))).toBeNull();
  });
});
