import { additionalData, createWrappingKey, seal, sealSecret, unseal, unsealSecret } from './sealing';

describe('sealing at rest', () => {
  it('opens only with the same key and the same binding', async () => {
    const key = await createWrappingKey();
    const other = await createWrappingKey();
    const plain = new TextEncoder().encode('mls state and dm history');
    const aad = additionalData('lemon-chat/chat-state/v1', new TextEncoder().encode('user ws://a/ws'));
    const sealed = await seal(key, plain, aad);
    expect(await unseal(key, sealed, aad)).toEqual(plain);
    // Another record's binding (a swapped record), another purpose, another key: all refused.
    await expect(unseal(key, sealed, additionalData('lemon-chat/chat-state/v1', new TextEncoder().encode('user ws://b/ws')))).rejects.toBeDefined();
    await expect(unseal(key, sealed, additionalData('lemon-chat/identity-secret/v1', new TextEncoder().encode('user ws://a/ws')))).rejects.toBeDefined();
    await expect(unseal(other, sealed, aad)).rejects.toBeDefined();
  });

  it('keeps the identity secret bound to its public key, and the key is not extractable', async () => {
    const key = await createWrappingKey();
    expect(key.extractable).toBe(false);
    const secret = new Uint8Array(32).fill(7);
    const publicKey = new Uint8Array(32).fill(1);
    const sealed = await sealSecret(key, secret, publicKey);
    expect(await unsealSecret(key, sealed, publicKey)).toEqual(secret);
    await expect(unsealSecret(key, sealed, new Uint8Array(32).fill(2))).rejects.toBeDefined();
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toBeDefined();
  });
});
