// Names, channel names and descriptions are shown as TEXT. A user named like an HTML
// injection shows up literally and creates no element (the old client rendered names as HTML).
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { launchBrowser, type LaunchedBrowser, ALLOWED_CONSOLE, channelItem, channelRow, connect, openClient, userInChannel, userItem, WAIT } from './helpers';
import { connectClient, type TestClient, removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

const HOSTILE_USER = '<img src=x onerror=__pwned=1>'; // within the 32-character limit
const HOSTILE_CHANNEL = '<b>bold</b><svg onload=__pwned=2>';
const HOSTILE_DESCRIPTION = '<script>window.__pwned=3</script>\n<a href="javascript:window.__pwned=4">click</a>';

let server: ServerProcess;
let browser: LaunchedBrowser;
let mallory: TestClient;

beforeAll(async () => {
  await initCryptoFromFile();
  [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  mallory = await connectClient(server.wsUrl, HOSTILE_USER);
});

afterAll(async () => {
  mallory?.session.close();
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

describe('hostile names', () => {
  it('are shown literally, create no element and run no script', async () => {
    expect(mallory.world.users.get(mallory.world.selfId)?.displayName).toBe(HOSTILE_USER);
    const { channel } = await mallory.session.request('channel.create', { parentId: null, name: HOSTILE_CHANNEL, description: HOSTILE_DESCRIPTION });
    await mallory.session.request('channel.join', { channelId: channel.id });

    const context = await browser.newContext();
    const { page, problems } = await openClient(context);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await connect(page, { port: server.port, nickname: 'Victim' });

    const user = userInChannel(page, HOSTILE_USER, HOSTILE_CHANNEL);
    await user.waitFor(WAIT);
    expect(await user.locator('.lc-tree__name').textContent()).toBe(HOSTILE_USER);
    expect(await channelItem(page, HOSTILE_CHANNEL).locator(':scope > .lc-tree__row .lc-tree__name').textContent()).toBe(HOSTILE_CHANNEL);

    // The details panel shows the description as text too.
    await channelRow(page, HOSTILE_CHANNEL).click();
    const description = page.getByTestId('details-description');
    await description.waitFor(WAIT);
    expect(await description.textContent()).toBe(HOSTILE_DESCRIPTION);

    // Rename live to another payload: still text.
    await mallory.session.request('user.rename', { displayName: '<iframe src=javascript:1>' });
    await userItem(page, '<iframe src=javascript:1>').waitFor(WAIT);

    // No element came out of any of it.
    const injected = await page.evaluate(() => ({
      elements: document.querySelectorAll('#root img, #root b, #root script, #root iframe, #root a[href^="javascript"], #root svg[onload]').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    }));
    expect(injected).toEqual({ elements: 0, pwned: null });
    expect(dialogs).toBe(0);
    expect(problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
    await context.close();
  });
});
