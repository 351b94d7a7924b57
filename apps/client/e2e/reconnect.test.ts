// The server goes away and comes back (same data folder, same port): the page shows
// "Reconnecting in Ns…", keeps the last tree greyed out, and returns online by itself —
// without a page reload — with the tree (including a channel stored before) back.
import { launchBrowser, type LaunchedBrowser, channelItem, connect, createChannelViaMenu, openClient, userInChannel, WAIT } from './helpers';
import { makeTempDir, removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

let browser: LaunchedBrowser;
const servers: ServerProcess[] = [];

/** Every server started here is stopped in afterAll, whatever a test did. */
async function start(options: Parameters<typeof startServerProcess>[0]): Promise<ServerProcess> {
  const server = await startServerProcess(options);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
  removeTempDirs();
});

// Chromium logs each refused WebSocket attempt while the server is down; that is expected here.
const EXPECTED_WHILE_DOWN = [/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed/];

describe('reconnect', () => {
  it('comes back online by itself after a server restart, without reloading the page', async () => {
    const dataDir = makeTempDir();
    const first = await start({ dataDir });
    const port = first.port;
    const context = await browser.newContext();
    const { page, problems } = await openClient(context);
    await connect(page, { port, nickname: 'Steady' });
    await createChannelViaMenu(page, { name: 'Persisted', description: 'Stored in SQLite' });
    await channelItem(page, 'Persisted').waitFor(WAIT);
    // A marker that only survives if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { __lemonMarker: number }).__lemonMarker = 42));
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });

    await first.stop();
    const banner = page.getByTestId('reconnect-banner');
    await banner.waitFor(WAIT);
    await page.getByTestId('reconnect-countdown').filter({ hasText: /Reconnecting in \d+s…/ }).waitFor(WAIT);
    expect(await page.getByTestId('connection-status').getAttribute('data-state')).toBe('reconnecting');
    // The last known tree stays on screen, marked stale.
    expect(await page.getByTestId('channel-tree').getAttribute('class')).toContain('lc-tree--stale');
    await channelItem(page, 'Persisted').waitFor(WAIT);

    const second = await start({ dataDir, port });
    expect(second.port).toBe(port);
    await page.locator('[data-testid="server-view"][data-phase="online"]').waitFor({ timeout: 30_000 });
    await banner.waitFor({ ...WAIT, state: 'detached' });
    await userInChannel(page, 'Steady', 'Lobby').waitFor(WAIT);
    await channelItem(page, 'Persisted').waitFor(WAIT);
    expect(await page.getByTestId('channel-tree').getAttribute('class')).not.toContain('lc-tree--stale');

    expect(await page.evaluate(() => (window as unknown as { __lemonMarker?: number }).__lemonMarker)).toBe(42);
    expect(navigations).toEqual([]);
    expect(problems.unexpected(EXPECTED_WHILE_DOWN)).toEqual([]);
    await context.close();
    await second.stop();
  });

  it('"Reconnect now" skips the wait', async () => {
    const dataDir = makeTempDir();
    const first = await start({ dataDir });
    const port = first.port;
    const context = await browser.newContext();
    const { page } = await openClient(context);
    await connect(page, { port, nickname: 'Eager' });
    await first.stop();
    await page.getByTestId('reconnect-banner').waitFor(WAIT);
    // Let attempts fail until the backoff is long (attempt 5 waits 5.6–8 s)…
    const countdown = page.getByTestId('reconnect-countdown');
    await countdown.filter({ hasText: /Reconnecting in \d+s… \(attempt 5\)/ }).waitFor({ timeout: 30_000 });
    const second = await start({ dataDir, port });
    const waitLeft = Number(/in (\d+)s/.exec((await countdown.textContent()) ?? '')?.[1]);
    expect(waitLeft).toBeGreaterThanOrEqual(3);
    // …then skip it: online well before the countdown would have run out.
    await page.getByTestId('reconnect-now').click();
    await page.locator('[data-testid="server-view"][data-phase="online"]').waitFor({ timeout: (waitLeft - 1) * 1000 });
    await userInChannel(page, 'Eager', 'Lobby').waitFor(WAIT);
    await context.close();
    await second.stop();
  });
});
