/**
 * The promise of docs/security.md, tested: plant a unique phrase in channel text, a DM kept for
 * someone offline and a picture, then search everything the server has — its SQLite files,
 * its blob store, its log (at debug level) and a heap snapshot of its process. The phrase must
 * be nowhere. A positive control (a display name, which the server does see) proves the
 * search itself finds what is there.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClient, type IncomingChat } from '@lemon/chat';
import { MlsClient } from '@lemon/crypto-wasm';
import { toBase64Url } from '@lemon/protocol';
import { waitUntil } from '@lemon/testing';
import { connectClient, initCrypto, removeTempDirs, startServerProcess, type ServerProcess, type TestClient } from './helpers';

const PHRASE = `canary-${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file path whose bytes contain `needle` (UTF-8 or UTF-16LE, as V8 may keep strings either way). */
function filesContaining(files: string[], needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return files.filter((file) => {
    const bytes = readFileSync(file);
    return forms.some((form) => bytes.includes(form));
  });
}

/** Waits (bounded) for a complete heap snapshot file to appear in `dir`. */
async function heapSnapshot(dir: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot'));
    if (file) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      // Written in one go by the server's main thread; complete once it parses.
      try {
        JSON.parse(text);
        return path;
      } catch {
        // still being written
      }
    }
    if (Date.now() > deadline) throw new Error('no heap snapshot');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function chatFor(client: TestClient): { chat: ChatClient; got: IncomingChat[] } {
  const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3 });
  const got: IncomingChat[] = [];
  chat.on('message', (m) => !m.self && got.push(m));
  chat.start();
  return { chat, got };
}

const waitFor = (check: () => boolean, on: ChatClient[], what: string) =>
  waitUntil(check, on.flatMap((chat) => [(f: () => void) => chat.on('channel', f), (f: () => void) => chat.on('message', f)]), what);

describe('canary: the server never holds plaintext', () => {
  let server: ServerProcess;
  const diagnostics = mkdtempSync(join(tmpdir(), 'lemon-heap-'));
  beforeAll(async () => {
    await initCrypto();
    server = await startServerProcess({
      args: ['--log-level', 'debug'],
      nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagnostics}`],
    });
  });
  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });

  it('finds the phrase in no database file, blob, log line or heap snapshot', async () => {
    const annClient = await connectClient(server.wsUrl, 'Ann Canary');
    const bobClient = await connectClient(server.wsUrl, 'Bob Canary');
    const carolClient = await connectClient(server.wsUrl, 'Carol Canary');
    const ann = chatFor(annClient);
    const bob = chatFor(bobClient);
    const carol = chatFor(carolClient);
    const ready = () => [ann, bob].every((u) => u.chat.canSendNow && u.chat.channelState?.phase === 'ready' && u.chat.channelState.memberKeys.length >= 2);
    await waitFor(ready, [ann.chat, bob.chat], 'a shared channel group');
    // Carol has uploaded key packages once she is in a group; then she goes offline.
    await waitFor(() => carol.chat.channelState?.phase === 'ready', [carol.chat], 'carol in a group');
    carol.chat.stop();
    carolClient.session.close();

    await ann.chat.sendToChannel({ t: 'text', id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), text: `channel ${PHRASE}` });
    await ann.chat.sendDm(carolClient.identity.userId, { t: 'text', id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), text: `dm ${PHRASE}` });
    const picture = new TextEncoder().encode(`\x89PNG\r\n\x1a\n${PHRASE.repeat(1000)}`);
    const ref = await ann.chat.uploadPicture(picture, 'image/png', `${PHRASE}.png`);
    await ann.chat.sendToChannel({ t: 'picture', id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), picture: ref, caption: PHRASE });
    await waitFor(() => bob.got.length === 2, [bob.chat], 'bob receives both');
    expect(bob.got[0]!.payload).toMatchObject({ t: 'text', text: `channel ${PHRASE}` });

    server.child.kill('SIGUSR2');
    const snapshot = await heapSnapshot(diagnostics);

    const dataFiles = filesUnder(server.dataDir);
    expect(dataFiles.some((f) => f.includes('blobs') && statSync(f).size >= picture.length)).toBe(true);
    // Positive control: names are visible to the server by design, and the search finds them.
    expect(filesContaining(dataFiles, 'Ann Canary').length).toBeGreaterThan(0);
    expect(filesContaining([snapshot], 'Bob Canary')).toEqual([snapshot]);

    expect(filesContaining(dataFiles, PHRASE)).toEqual([]);
    expect(filesContaining([snapshot], PHRASE)).toEqual([]);
    expect(server.logLines.filter((line) => line.includes(PHRASE))).toEqual([]);
    ann.chat.stop();
    bob.chat.stop();
    annClient.session.close();
    bobClient.session.close();
  });
});
