import { bytesEqual, utf8Encode } from './bytes';
import { LOGIN_SIGNATURE_CONTEXT, loginSignedBytes, serverAddressOf } from './login';

describe('login signature bytes', () => {
  const key = new Uint8Array(32).fill(1);
  const challenge = new Uint8Array(32).fill(2);

  it('are context, zero, server key, challenge and address, in that order', () => {
    const bytes = loginSignedBytes(key, challenge, 'chat.example:4747');
    const context = utf8Encode(LOGIN_SIGNATURE_CONTEXT);
    expect(bytesEqual(bytes.subarray(0, context.length), context)).toBe(true);
    expect(bytes[context.length]).toBe(0);
    expect(bytes.subarray(context.length + 1, context.length + 33)).toEqual(key);
    expect(bytes.subarray(context.length + 33, context.length + 65)).toEqual(challenge);
    expect(new TextDecoder().decode(bytes.subarray(context.length + 65))).toBe('chat.example:4747');
  });

  it('differ for another server key, challenge or address', () => {
    const base = loginSignedBytes(key, challenge, 'a:1');
    expect(bytesEqual(base, loginSignedBytes(new Uint8Array(32).fill(9), challenge, 'a:1'))).toBe(false);
    expect(bytesEqual(base, loginSignedBytes(key, new Uint8Array(32).fill(9), 'a:1'))).toBe(false);
    expect(bytesEqual(base, loginSignedBytes(key, challenge, 'b:1'))).toBe(false);
  });

  it('take the address the way the URL standard spells the host', () => {
    expect(serverAddressOf('ws://127.0.0.1:4747/ws')).toBe('127.0.0.1:4747');
    expect(serverAddressOf('ws://Chat.Example.ORG:4747/ws')).toBe('chat.example.org:4747');
    expect(serverAddressOf('wss://chat.example.org:443/ws')).toBe('chat.example.org');
    expect(serverAddressOf('ws://[::1]:4747/ws')).toBe('[::1]:4747');
  });
});
