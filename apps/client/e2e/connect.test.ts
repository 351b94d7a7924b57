// The single file opened from disk and served at `/`: no external references, works with
// every non-local request blocked, connects, and shows the tree with Lobby and oneself.
import { readFileSync } from 'node:fs';
import { CLIENT_HTML, launchBrowser, type LaunchedBrowser, ALLOWED_CONSOLE, channelItem, connect, openClient, selfId, userInChannel, waitOnline, WAIT } from './helpers';
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

describe('client.html', () => {
  it('references no external URL', () => {
    const html = readFileSync(CLIENT_HTML, 'utf8');
    expect(html.length).toBeGreaterThan(10_000);
    // Nothing loaded from elsewhere: no external scripts, styles, fonts, images or imports.
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import\s+(?:url\()?\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    for (const link of html.match(/<link\b[^>]*>/gi) ?? []) expect(link).toMatch(/\bhref\s*=\s*["']?data:/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
    // The crypto module is inside, as a base64 data: URL (no raw NUL bytes in the HTML).
    expect(html).toContain('data:application/wasm;base64,');
    expect(html).not.toContain('\u0000');
  });

  it('opened from file:// works offline, connects and shows Lobby with oneself in it', async () => {
    const context = await browser.newContext();
    // "Offline": every request that is not the file itself (or an inline data:/blob: URL) fails.
    const outside: string[] = [];
    await context.route(/.*/, (route) => {
      const url = route.request().url();
      if (/^(file|data|blob):/.test(url)) return route.continue();
      outside.push(url);
      return route.abort('internetdisconnected');
    });
    const { page, problems } = await openClient(context);
    expect(page.url()).toMatch(/^file:\/\/.*\/apps\/client\/dist\/client\.html$/);
    // From disk the address defaults to this computer and the server's default port.
    expect(await page.getByTestId('host-input').inputValue()).toBe('127.0.0.1');
    expect(await page.getByTestId('port-input').inputValue()).toBe('4747');

    await connect(page, { port: server.port, nickname: 'Ada' });
    await channelItem(page, 'Lobby').waitFor(WAIT);
    await userInChannel(page, 'Ada', 'Lobby').waitFor(WAIT);
    expect(await page.getByTestId('connection-status').textContent()).toContain('Online');
    expect(await userInChannel(page, 'Ada', 'Lobby').getAttribute('data-testid')).toBe(`user-${await selfId(page)}`);
    // Lobby is shown as a tree item with its people below it.
    expect(await channelItem(page, 'Lobby').getAttribute('aria-expanded')).toBe('true');

    expect(outside).toEqual([]);
    expect(problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
    await context.close();
  });

  it('served by the server at / prefills the address from the page and works the same', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openClient(context, `${server.httpUrl}/`);
    expect(await page.getByTestId('host-input').inputValue()).toBe('127.0.0.1');
    expect(await page.getByTestId('port-input').inputValue()).toBe(String(server.port));
    // Served by the server, the page has its own storage: no advice about files opened from disk.
    await page.getByTestId('open-identity').first().click();
    await page.getByTestId('identity-saved').waitFor(WAIT);
    expect(await page.getByTestId('identity-file-note').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('identity-dialog').waitFor({ ...WAIT, state: 'detached' });
    await page.getByTestId('nickname-input').fill('Grace');
    await page.getByTestId('connect-button').click();
    await waitOnline(page);
    await userInChannel(page, 'Grace', 'Lobby').waitFor(WAIT);
    expect(problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
    await context.close();
  });

  it('says in words when nothing answers at the address, and stays on the connect screen', async () => {
    const context = await browser.newContext();
    const { page } = await openClient(context);
    // A port nobody listens on (the server's port + 1 is not guaranteed free, so ask the OS).
    const { createServer } = await import('node:net');
    const probe = createServer();
    const freePort = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
    await new Promise((resolve) => probe.close(resolve));
    await page.getByTestId('port-input').fill(String(freePort));
    await page.getByTestId('nickname-input').fill('Nobody');
    await page.getByTestId('connect-button').click();
    const error = page.getByTestId('connect-error');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toContain(`Could not reach 127.0.0.1:${freePort}`);
    expect(await page.getByTestId('connect-screen').isVisible()).toBe(true);
    await context.close();
  });

  it('says in words when the server does not answer to the address the login was signed for', async () => {
    // This server only accepts logins signed for chat.example.org; the page dials 127.0.0.1.
    const elsewhere = await startServerProcess({ args: ['--public-address', 'chat.example.org'] });
    try {
      const context = await browser.newContext();
      const { page } = await openClient(context);
      await page.getByTestId('port-input').fill(String(elsewhere.port));
      await page.getByTestId('nickname-input').fill('Misdirected');
      await page.getByTestId('connect-button').click();
      const error = page.getByTestId('connect-error');
      await error.waitFor(WAIT);
      expect(await error.getAttribute('data-code')).toBe('WRONG_SERVER');
      expect(await error.textContent()).toContain('This login was signed for a different server address.');
      expect(await page.getByTestId('connect-screen').isVisible()).toBe(true);
      expect(await page.getByTestId('server-view').count()).toBe(0);
      await context.close();
    } finally {
      await elsewhere.stop();
    }
  });

  it('checks the form before connecting', async () => {
    const context = await browser.newContext();
    const { page } = await openClient(context);
    await page.getByTestId('port-input').fill('99999');
    await page.getByTestId('nickname-input').fill('');
    await page.getByTestId('connect-button').click();
    await page.getByText('The port is a number from 1 to 65535.').waitFor(WAIT);
    await page.getByText('Enter a name.').waitFor(WAIT);
    await page.getByTestId('nickname-input').fill('bad\u202Ename');
    await page.getByText('Names cannot contain control or text-direction characters.').waitFor(WAIT);
    await context.close();
  });
});
