/**
 * The encrypted chat end to end with the real client libraries (Session + ChatClient + MLS in
 * WASM) against the real server process: channel groups as people come and go, DMs to someone
 * offline, and pictures.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { ChatClient, type IncomingChat } from '@lemon/chat';
import { openStateFile, stateKeyFromSecret } from '@lemon/chat/node';
import { MlsClient } from '@lemon/crypto-wasm';
import { toBase64Url, type ChatPayload, type ServerEvent } from '@lemon/protocol';
import { waitUntil } from '@lemon/testing';
import { connectClient, sharedServer, type TestClient } from './helpers';

interface ChatUser {
  client: TestClient;
  chat: ChatClient;
  mls: MlsClient;
  received: IncomingChat[];
  name: string;
}

const ids = new Set<string>();
function messageId(): string {
  const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  ids.add(id);
  return id;
}
const text = (body: string): ChatPayload => ({ t: 'text', id: messageId(), text: body });

interface Saved {
  persist?: (state: Uint8Array) => Promise<void>;
  savedPeers?: string;
}

function startChat(client: TestClient, name: string, mls = MlsClient.create(client.identity.exportSecretKey()), saved: Saved = {}): ChatUser {
  const chat = new ChatClient({ session: client.session, mls, keyPackageTarget: 5, readyTimeoutMs: 20_000, ...saved });
  const user: ChatUser = { client, chat, mls, received: [], name };
  chat.on('message', (m) => {
    if (!m.self) user.received.push(m);
  });
  chat.start();
  return user;
}

/** Waits (bounded) until `check` holds, re-checking on every chat or session event. */
const until = (users: ChatUser[], check: () => boolean, what: string) =>
  waitUntil(
    check,
    users.flatMap((u) => [(f: () => void) => u.chat.on('channel', f), (f: () => void) => u.chat.on('message', f), (f: () => void) => u.client.session.on('event', f)]),
    what,
  );

const epochOf = (u: ChatUser) => {
  const s = u.chat.channelState;
  return s?.phase === 'ready' ? s.epoch : -1;
};
const membersOf = (u: ChatUser) => {
  const s = u.chat.channelState;
  return s?.phase === 'ready' ? s.memberKeys.length : 0;
};
const inSameGroup = (users: ChatUser[]) => () =>
  users.every((u) => membersOf(u) === users.length && u.chat.canSendNow && epochOf(u) === epochOf(users[0]!));
const textsOf = (u: ChatUser) => u.received.map((m) => (m.payload.t === 'text' ? m.payload.text : m.payload.t));

describe('encrypted chat through the real server', () => {
  const shared = sharedServer();
  const users: ChatUser[] = [];
  const join = async (name: string) => {
    const u = startChat(await shared.join(name), name);
    users.push(u);
    return u;
  };
  afterEach(() => users.splice(0).forEach((u) => u.chat.stop()));

  it('three talk, a fourth reads only what follows, a leaver cannot read what follows', async () => {
    const ann = await join('Ann');
    const bob = await join('Bob');
    const cat = await join('Cat');
    await until([ann, bob, cat], inSameGroup([ann, bob, cat]), 'three members in one epoch');
    expect(ann.chat.epochCode()).toEqual(bob.chat.epochCode());
    expect(cat.chat.epochCode()).toEqual(bob.chat.epochCode());

    await ann.chat.sendToChannel(text('hello from ann'));
    await bob.chat.sendToChannel(text('hi ann, bob here'));
    await until([bob, cat, ann], () => textsOf(cat).length === 2 && textsOf(bob).length === 1 && textsOf(ann).length === 1, 'both messages');
    expect(textsOf(cat)).toEqual(['hello from ann', 'hi ann, bob here']);
    expect(textsOf(bob)).toEqual(['hello from ann']);
    expect(cat.received[0]!.authorId).toBe(ann.client.identity.userId);

    const dan = await join('Dan');
    await until([ann, bob, cat, dan], inSameGroup([ann, bob, cat, dan]), 'four members in one epoch');
    await cat.chat.sendToChannel(text('welcome dan'));
    await until([dan], () => textsOf(dan).length === 1, 'dan reads the new message');
    expect(textsOf(dan)).toEqual(['welcome dan']);

    // Keep Bob's group state as it is now, then let him leave the channel.
    const bobSnapshot = bob.mls.exportState();
    const groupId = (bob.chat.channelState as { groupId: string }).groupId;
    const { channel } = await bob.client.session.request('channel.create', { parentId: null, name: 'Elsewhere' });
    await bob.client.session.request('channel.join', { channelId: channel.id });
    await until([ann, cat, dan], inSameGroup([ann, cat, dan]), 'three members after bob left');

    const seen: Uint8Array[] = [];
    const off = cat.client.session.on('event', (e: ServerEvent) => {
      if (e.event === 'mls.message') seen.push(e.payload);
    });
    await ann.chat.sendToChannel(text('bob is gone'));
    await until([cat], () => seen.length === 1, 'cat sees the ciphertext');
    off();
    expect(textsOf(bob)).not.toContain('bob is gone');
    const oldBob = MlsClient.restore(bob.client.identity.exportSecretKey(), bobSnapshot);
    const groupBytes = Uint8Array.from(Buffer.from(groupId, 'base64url'));
    expect(() => oldBob.processMessage(groupBytes, seen[0]!)).toThrow();
  });

  it('delivers a DM to someone offline when they come back, and a picture byte-exact', async () => {
    const ann = await join('Ann2');
    const eveIdentityClient = await connectClient(shared.server.wsUrl, 'Eve');
    const eve = startChat(eveIdentityClient, 'Eve');
    // Eve's key packages must be on the server before she goes away.
    await until([eve], () => eve.chat.channelState?.phase === 'ready', 'eve joined her channel group');
    eve.chat.stop();
    const eveState = eve.mls.exportState();
    eveIdentityClient.session.close();

    await ann.chat.sendDm(eve.client.identity.userId, text('are you there, eve?'));

    const back = await connectClient(shared.server.wsUrl, 'Eve', { identity: eve.client.identity, reconnect: false });
    const eveAgain = startChat(back, 'Eve', MlsClient.restore(back.identity.exportSecretKey(), eveState));
    users.push(eveAgain);
    await until([eveAgain], () => textsOf(eveAgain).includes('are you there, eve?'), 'the offline DM');
    expect(eveAgain.received[0]!.conversation).toBe(`dm:${ann.client.identity.userId}`);

    const picture = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const ref = await ann.chat.uploadPicture(picture, 'image/png', 'noise.png');
    await ann.chat.sendDm(eve.client.identity.userId, { t: 'picture', id: messageId(), picture: ref });
    await until([eveAgain], () => eveAgain.received.some((m) => m.payload.t === 'picture'), 'the picture message');
    const got = eveAgain.received.find((m) => m.payload.t === 'picture')!.payload as Extract<ChatPayload, { t: 'picture' }>;
    expect(Buffer.from(await eveAgain.chat.downloadPicture(got.picture)).equals(Buffer.from(picture))).toBe(true);
  });

  it('lets a Node client (a bot) restart from its sealed state file and keep reading its DM group', async () => {
    const ann = await join('Ann3');
    const dir = mkdtempSync(joinPath(tmpdir(), 'lemon-bot-'));
    let restarted: ReturnType<typeof startChat> | undefined;
    try {
      const botClient = await connectClient(shared.server.wsUrl, 'Botty');
      const identity = botClient.identity;
      const secret = identity.exportSecretKey();
      const key = await stateKeyFromSecret(secret);
      secret.fill(0);
      const file = openStateFile(joinPath(dir, 'botty.state'), key, `${identity.userId} ${shared.server.wsUrl}`);
      const bot = startChat(botClient, 'Botty', undefined, { persist: (state) => file.save(state) });
      await until([bot], () => bot.chat.channelState?.phase === 'ready', 'the bot joined its channel group');
      await ann.chat.sendDm(identity.userId, text('first words to the bot'));
      await until([bot], () => textsOf(bot).includes('first words to the bot'), 'the first DM');
      await bot.chat.save();
      bot.chat.stop();
      botClient.session.close();
      expect(readFileSync(joinPath(dir, 'botty.state')).includes(Buffer.from('first words'))).toBe(false);

      // A new process would do exactly this: read the file, restore MLS and the DM peers.
      const saved = ChatClient.parseState((await file.load())!)!;
      const back = await connectClient(shared.server.wsUrl, 'Botty', { identity, reconnect: false });
      const restored = MlsClient.restore(back.identity.exportSecretKey(), saved.mls);
      const again = startChat(back, 'Botty', restored, { persist: (state) => file.save(state), savedPeers: saved.peers });
      restarted = again;
      users.push(again);
      const groupsBefore = restored.groupIds().length;
      await ann.chat.sendDm(identity.userId, text('welcome back, bot'));
      await until([again], () => textsOf(again).includes('welcome back, bot'), 'the DM after the restart');
      // Read in the DM group from before the restart: no new group was needed.
      expect(again.chat.peers().find((p) => p.userId === ann.client.identity.userId)?.groupIds).toHaveLength(1);
      expect(groupsBefore).toBeGreaterThanOrEqual(1);
    } finally {
      // Stop first so no new save starts, then wait for the ones queued: a save still writing
      // its temp file while the folder is removed fails the removal (ENOTEMPTY).
      restarted?.chat.stop();
      await restarted?.chat.save();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
