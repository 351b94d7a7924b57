// Screenshots for the docs: docs/screenshots/connect.png and docs/screenshots/server.png.
// Written only when LEMON_SCREENSHOTS=1 (`npx nx run client:screenshots`), never in normal runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { launchBrowser, type LaunchedBrowser, channelRow, connect, openClient, userInChannel, WAIT } from './helpers';
import { connectClient, type TestClient, REPO_ROOT, removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

const enabled = process.env.LEMON_SCREENSHOTS === '1';
const OUT = join(REPO_ROOT, 'docs/screenshots');

let server: ServerProcess;
let browser: LaunchedBrowser;
const others: TestClient[] = [];

(enabled ? describe : describe.skip)('screenshots', () => {
  beforeAll(async () => {
    await initCryptoFromFile();
    [server, browser] = await Promise.all([startServerProcess({ args: ['--server-name', 'Lemon Lounge'] }), launchBrowser()]);
    mkdirSync(OUT, { recursive: true });
  });

  afterAll(async () => {
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
});

if (!enabled) {
  it('screenshots are off (set LEMON_SCREENSHOTS=1)', () => undefined);
}
