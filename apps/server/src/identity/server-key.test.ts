import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity, verifySignature } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import { setLogSink } from '../log';
import { SERVER_KEY_FILE, ServerKeyError, loadOrCreateServerKey, publishNewKeyFile } from './server-key';

let dir: string;
let logged: string[];
beforeAll(() => initCryptoFromFile());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-key-'));
  logged = [];
  setLogSink({ out: (l) => logged.push(l), err: (l) => logged.push(l) });
});
afterEach(() => {
  setLogSink(null);
  rmSync(dir, { recursive: true, force: true });
});

describe('server key', () => {
  it('is created once with mode 0600 and loaded again on the next start', () => {
    const first = loadOrCreateServerKey(dir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dir, SERVER_KEY_FILE));
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateServerKey(dir);
    expect(second.created).toBe(false);
    expect(second.identity.publicKey).toEqual(first.identity.publicKey);
    // The loaded key signs for the same public key.
    const message = new TextEncoder().encode('hello');
    expect(verifySignature(first.identity.publicKey, message, second.identity.sign(message))).toBe(true);
  });

  it('is never written to the logs', () => {
    const { identity, path } = loadOrCreateServerKey(dir);
    const secret = toBase64Url(identity.exportSecretKey());
    expect(readFileSync(path, 'utf8')).toContain(secret);
    expect(logged.join('')).not.toContain(secret);
    expect(logged.join('')).not.toContain(toBase64Url(identity.publicKey));
  });

  it('tightens loose permissions instead of failing', () => {
    const { path } = loadOrCreateServerKey(dir);
    chmodSync(path, 0o644);
    loadOrCreateServerKey(dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logged.some((l) => JSON.parse(l).level === 'warn')).toBe(true);
  });

  it('never overwrites a key file that appeared meanwhile (two first starts at once)', () => {
    const winner = loadOrCreateServerKey(dir);
    const before = readFileSync(winner.path, 'utf8');
    const loser = Identity.generate();
    expect(publishNewKeyFile(winner.path, loser)).toBe(false);
    expect(readFileSync(winner.path, 'utf8')).toBe(before);
    expect(loadOrCreateServerKey(dir).identity.publicKey).toEqual(winner.identity.publicKey);
    // No temp file is left behind.
    expect(readdirSync(dir)).toEqual([SERVER_KEY_FILE]);
  });

  it('refuses a damaged key file rather than silently making a new identity', () => {
    const path = join(dir, SERVER_KEY_FILE);
    writeFileSync(path, 'not json', { mode: 0o600 });
    expect(() => loadOrCreateServerKey(dir)).toThrow(ServerKeyError);
    writeFileSync(path, JSON.stringify({ version: 1, kind: 'ed25519', secretKey: 'AAAA' }));
    expect(() => loadOrCreateServerKey(dir)).toThrow(/not a valid Ed25519 key/);
    expect(readFileSync(path, 'utf8')).toContain('AAAA');
  });
});
