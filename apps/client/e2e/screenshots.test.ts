// Screenshots for the docs: docs/screenshots/connect.png, server.png, chat.png and voice.png.
// Written only when LEMON_SCREENSHOTS=1 (`npx nx run client:screenshots`), never in normal runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChatClient } from '@lemon/chat';
import { MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import { launchBrowser, type LaunchedBrowser, channelRow, connect, openClient, userInChannel, WAIT } from './helpers';
import { connectClient, type TestClient, REPO_ROOT, removeTempDirs, startServerProcess, waitUntil, type ServerProcess } from '@lemon/testing';

const enabled = process.env.LEMON_SCREENSHOTS === '1';
const OUT = join(REPO_ROOT, 'docs/screenshots');

let server: ServerProcess;
let browser: LaunchedBrowser;
const others: TestClient[] = [];
const chats: ChatClient[] = [];

(enabled ? describe : describe.skip)('screenshots', () => {
  beforeAll(async () => {
    await initCryptoFromFile();
    [server, browser] = await Promise.all([startServerProcess({ args: ['--server-name', 'Lemon Lounge'] }), launchBrowser({ args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] })]);
    mkdirSync(OUT, { recursive: true });
  });

  afterAll(async () => {
    for (const c of chats) c.stop();
    for (const c of others) c.session.close();
    await browser?.close();
    await server?.stop();
    removeTempDirs();
  });

  it('connect screen and server view', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      // A remembered server, so the screenshot shows the "Recent servers" list.
      if (!localStorage.getItem('lemon.servers.v1')) {
        localStorage.setItem(
          'lemon.servers.v1',
          JSON.stringify({ servers: [{ host: 'chat.example.org', port: 4747, secure: false, nickname: 'Ada', serverName: 'Friday Night Raid', lastUsedAt: 1 }] }),
        );
      }
    });
    const { page } = await openClient(context);
    await page.getByTestId('nickname-input').fill('Ada');
    await page.getByTestId('host-input').fill('127.0.0.1');
    await page.getByTestId('port-input').fill(String(server.port));
    await page.screenshot({ path: join(OUT, 'connect.png') });

    const bob = await connectClient(server.wsUrl, 'Bob');
    const grace = await connectClient(server.wsUrl, 'Grace Hopper');
    const linus = await connectClient(server.wsUrl, 'Linus');
    const yuki = await connectClient(server.wsUrl, 'Zoë Müller');
    others.push(bob, grace, linus, yuki);
    const games = (await bob.session.request('channel.create', { parentId: null, name: 'Games', description: 'Anything with a controller or dice.' })).channel;
    const chess = (await bob.session.request('channel.create', { parentId: games.id, name: 'Chess', description: 'Quiet please — we are thinking.\nBlitz on Fridays at 20:00.' })).channel;
    await bob.session.request('channel.create', { parentId: games.id, name: 'Co-op', description: '' });
    const music = (await grace.session.request('channel.create', { parentId: null, name: 'Music', description: 'Share what you are listening to.' })).channel;
    await grace.session.request('channel.create', { parentId: null, name: 'AFK', description: 'Away from keyboard.' });
    await bob.session.request('channel.join', { channelId: chess.id });
    await linus.session.request('channel.join', { channelId: chess.id });
    await yuki.session.request('channel.join', { channelId: music.id });

    await connect(page, { port: server.port, nickname: 'Ada' });
    await userInChannel(page, 'Linus', 'Chess').waitFor(WAIT);
    await userInChannel(page, 'Zoë Müller', 'Music').waitFor(WAIT);
    await channelRow(page, 'Chess').click();
    await page.getByTestId('details-description').waitFor(WAIT);
    await page.screenshot({ path: join(OUT, 'server.png') });
    await context.close();
  });

  it('encrypted chat', async () => {
    const { page } = await openClient(await browser.newContext());
    const talk = async (name: string) => {
      const client = await connectClient(server.wsUrl, name);
      const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3 });
      chat.start();
      others.push(client);
      chats.push(chat);
      return { client, chat };
    };
    const mia = await talk('Mia');
    const noah = await talk('Noah');
    const lounge = (await mia.client.session.request('channel.create', { parentId: null, name: 'Lounge', description: 'Say hi.' })).channel;
    await mia.client.session.request('channel.join', { channelId: lounge.id });
    await noah.client.session.request('channel.join', { channelId: lounge.id });
    await connect(page, { port: server.port, nickname: 'Ivy' });
    await channelRow(page, 'Lounge').dblclick();
    await page.locator('[data-testid="conversation"][data-tab="channel"][data-ready="yes"]').waitFor(WAIT);
    // Everyone in the epoch that includes Ivy before anyone talks (else Ivy cannot read it).
    const three = () => [mia, noah].every(({ chat }) => chat.channelState?.phase === 'ready' && chat.channelState.memberKeys.length === 3 && chat.canSendNow);
    await waitUntil(three, [mia, noah].map(({ chat }) => (f: () => void) => chat.on('channel', f)), 'three members in the Lounge group');
    const id = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    await mia.chat.sendToChannel({ t: 'text', id: id(), text: 'Anyone up for a round tonight?' });
    await noah.chat.sendToChannel({ t: 'text', id: id(), text: 'Count me in — 21:00?', style: { font: 'serif', sizePx: 16, color: '#3b82f6' } });
    await page.getByTestId('composer-input').fill('Deal. Nobody but us can read this, not even the server.');
    await page.getByTestId('composer-input').press('Enter');
    await page.getByTestId('message-text').filter({ hasText: 'Deal.' }).waitFor(WAIT);
    await page.getByTestId('message-text').filter({ hasText: '21:00' }).waitFor(WAIT);
    await page.screenshot({ path: join(OUT, 'chat.png') });

    // Voice settings over the same page: the fake microphone beeps, so the meter moves.
    await page.locator('[data-testid="voice-status"][data-phase="on"]').waitFor(WAIT);
    await page.getByTestId('voice-settings-button').click();
    await page.getByTestId('voice-diagnostics').waitFor(WAIT);
    await page.screenshot({ path: join(OUT, 'voice.png') });
  });
});

if (!enabled) {
  it('screenshots are off (set LEMON_SCREENSHOTS=1)', () => undefined);
}
