// The server goes away and comes back (same data folder, same port): the page shows
// "Reconnecting in Ns…", keeps the last tree greyed out, and returns online by itself —
// without a page reload — with the tree (including a channel stored before) back.
// The page's test knob `?reconnect-delay-ms=N` fixes the wait between attempts, so neither
// test depends on the random, growing default backoff.
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser, channelItem, clientFileUrl, connect, createChannelViaMenu, openClient, userInChannel, WAIT } from './helpers';
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

/** client.html with a fixed wait before every reconnect attempt. */
const withReconnectDelay = (ms: number) => `${clientFileUrl()}?reconnect-delay-ms=${ms}`;
/** The page's clock (epoch ms), the one data-retry-at is measured on. */
const pageNow = (page: Page) => page.evaluate(() => Date.now());
const ONLINE = '[data-testid="server-view"][data-phase="online"]';

describe('reconnect', () => {
  it('comes back online by itself after a server restart, without reloading the page', async () => {
    const dataDir = makeTempDir();
    const first = await start({ dataDir });
    const port = first.port;
    const context = await browser.newContext();
    // Attempts every 3 s: long enough to read the countdown, short enough to be back soon.
    const { page, problems } = await openClient(context, withReconnectDelay(3_000));
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
    // The next attempt (at most 3 s away) finds it: nobody clicks anything.
    await page.locator(ONLINE).waitFor(WAIT);
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
    const RETRY_AFTER_MS = 60_000;
    const dataDir = makeTempDir();
    const first = await start({ dataDir });
    const port = first.port;
    const context = await browser.newContext();
    // A fixed minute before the automatic attempt: within this test only the click can bring the page back.
    const { page } = await openClient(context, withReconnectDelay(RETRY_AFTER_MS));
    await connect(page, { port, nickname: 'Eager' });
    const droppedAt = await pageNow(page);
    await first.stop();
    const banner = page.getByTestId('reconnect-banner');
    await page.locator('[data-testid="reconnect-banner"][data-retry-at]').waitFor(WAIT);
    const retryAt = Number(await banner.getAttribute('data-retry-at'));
    expect(retryAt).toBeGreaterThanOrEqual(droppedAt + RETRY_AFTER_MS);
    await page.getByTestId('reconnect-countdown').filter({ hasText: /^Reconnecting in \d+s…$/ }).waitFor(WAIT);

    const second = await start({ dataDir, port });
    // Still the first scheduled attempt, and far away: whatever brings the page back now is the click.
    expect(Number(await banner.getAttribute('data-retry-at'))).toBe(retryAt);
    const left = retryAt - (await pageNow(page));
    expect(left).toBeGreaterThan(30_000);
    await page.getByTestId('reconnect-now').click();
    await page.locator(ONLINE).waitFor({ timeout: Math.min(WAIT.timeout, left - 10_000) });
    expect(await pageNow(page)).toBeLessThan(retryAt - 10_000);
    await banner.waitFor({ ...WAIT, state: 'detached' });
    await userInChannel(page, 'Eager', 'Lobby').waitFor(WAIT);
    await context.close();
    await second.stop();
  });
});
