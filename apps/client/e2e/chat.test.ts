// Channel chat in the real client: two people in Lobby, one types, the other reads it —
// through the real server, end-to-end encrypted with MLS in each browser's WASM.
import { launchBrowser, type LaunchedBrowser, connect, openClient, waitOnline, WAIT } from './helpers';
import { removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

let server: ServerProcess;
let browser: LaunchedBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

describe('channel chat', () => {
  it('delivers text typed by one person to the other, shown as text, never as HTML', async () => {
    const people = [];
    for (const name of ['Ana', 'Ben']) {
      const { page } = await openClient(await browser.newContext());
      await connect(page, { port: server.port, nickname: name });
      await waitOnline(page);
      people.push(page);
    }
    const [ana, ben] = people as [(typeof people)[number], (typeof people)[number]];
    for (const page of [ana, ben]) await page.locator('[data-testid="channel-chat"][data-ready="yes"]').waitFor(WAIT);

    const text = 'hello <img src=x onerror="window.pwned=1"> from Ana';
    await ana.getByTestId('composer-input').fill(text);
    await ana.getByTestId('composer-input').press('Enter');
    const received = ben.getByTestId('message-text').filter({ hasText: 'from Ana' });
    await received.waitFor(WAIT);
    expect(await received.textContent()).toBe(text);
    expect(await ben.locator('[data-testid="message-list"] img').count()).toBe(0);
    expect(await ben.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // The sender sees their own message too.
    await ana.getByTestId('message-text').filter({ hasText: 'from Ana' }).waitFor(WAIT);
  });
});
