import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateFileError, openStateFile, stateKeyFromSecret } from './node';

describe('the sealed state file of a Node client', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lemon-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const secret = (fill: number) => new Uint8Array(32).fill(fill);
  const state = new TextEncoder().encode('{"mls":"groups and keys","marker":"canary-4242"}');

  it('round-trips, is 0600 and holds no plaintext', async () => {
    const path = join(dir, 'bot.state');
    const file = openStateFile(path, await stateKeyFromSecret(secret(1)), 'user@ws://127.0.0.1:1/ws');
    expect(await file.load()).toBeNull();
    await file.save(state);
    expect(await file.load()).toEqual(state);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).includes(Buffer.from('canary-4242'))).toBe(false);
  });

  it('refuses another key, another binding, a changed byte and a foreign file, with typed errors', async () => {
    const path = join(dir, 'bot.state');
    await openStateFile(path, await stateKeyFromSecret(secret(1)), 'a').save(state);
    const code = async (key: CryptoKey, binding: string) => (await openStateFile(path, key, binding).load().catch((e: StateFileError) => e)) as StateFileError;
    expect((await code(await stateKeyFromSecret(secret(2)), 'a')).code).toBe('CANNOT_OPEN');
    expect((await code(await stateKeyFromSecret(secret(1)), 'b')).code).toBe('CANNOT_OPEN');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path, bytes);
    expect((await code(await stateKeyFromSecret(secret(1)), 'a')).code).toBe('CANNOT_OPEN');
    writeFileSync(path, 'not a state file at all, just some text');
    expect((await code(await stateKeyFromSecret(secret(1)), 'a')).code).toBe('NOT_A_STATE_FILE');
  });
});
