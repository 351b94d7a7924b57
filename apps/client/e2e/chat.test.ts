// Encrypted chat in the real client, three people in three browser profiles, through the real
// server: channel text (hostile HTML stays text), message style, edit and delete, a DM, a
// picture, a poke, safety numbers, a key-change warning, history that survives a reload, and
// an identity backup exported from one browser and imported into another.
import type { Page } from 'playwright-core';
import { removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';
import { connect, launchBrowser, openClient, renameSelf, selfId, userItem, WAIT, type LaunchedBrowser } from './helpers';

let server: ServerProcess;
let browser: LaunchedBrowser;
const people: Record<'ana' | 'ben' | 'cid', Page> = {} as never;
const ids: Record<'ana' | 'ben' | 'cid', string> = {} as never;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  for (const [key, name] of [['ana', 'Ana'], ['ben', 'Ben'], ['cid', 'Cid']] as const) {
    const { page } = await openClient(await browser.newContext());
    await connect(page, { port: server.port, nickname: name });
    people[key] = page;
    ids[key] = await selfId(page);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

const readyIn = (page: Page, tab = 'channel') => page.locator(`[data-testid="conversation"][data-tab="${tab}"][data-ready="yes"]`).waitFor(WAIT);
const messageText = (page: Page, text: string) => page.getByTestId('message-text').filter({ hasText: text });

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await messageText(page, text).waitFor(WAIT);
}

async function userMenu(page: Page, userName: string, entry: string): Promise<void> {
  await userItem(page, userName).locator(':scope > .lc-tree__row').click({ button: 'right' });
  await page.getByTestId(entry).click();
}

describe('encrypted chat in the browser', () => {
  it('shows channel text typed by one person to the other two as text, never as HTML, with one epoch code for all', async () => {
    const { ana, ben, cid } = people;
    for (const page of [ana, ben, cid]) await readyIn(page);
    const text = 'hello <img src=x onerror="window.pwned=1"> from Ana';
    await send(ana, text);
    for (const page of [ben, cid]) {
      const received = messageText(page, 'from Ana');
      await received.waitFor(WAIT);
      expect(await received.textContent()).toBe(text);
      expect(await page.locator('[data-testid="message-list"] img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    }
    // Everyone in the same epoch shows the same code (the server cannot compute it).
    const codes = await Promise.all([ana, ben, cid].map((p) => p.locator('[data-testid="epoch-code"] .lc-epoch__code').textContent()));
    expect(codes[0]).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(new Set(codes).size).toBe(1);
  });

  it('carries the sender’s font, size and colour, and applies edits and deletes everywhere', async () => {
    const { ana, ben } = people;
    await ana.getByTestId('open-message-style').click();
    await ana.getByTestId('style-font').selectOption('serif');
    await ana.getByTestId('style-size').fill('20');
    await ana.getByTestId('style-color').fill('#ff0000');
    await ana.getByTestId('message-style-save').click();
    await send(ana, 'styled words');
    const styled = messageText(ben, 'styled words');
    await styled.waitFor(WAIT);
    const css = await styled.evaluate((el) => ({ size: getComputedStyle(el).fontSize, color: getComputedStyle(el).color, font: getComputedStyle(el).fontFamily }));
    expect(css).toEqual(expect.objectContaining({ size: '20px', color: 'rgb(255, 0, 0)' }));
    expect(css.font.toLowerCase()).toContain('serif');

    const own = ana.locator('[data-testid="message"]').filter({ hasText: 'styled words' });
    await own.hover();
    await own.getByTestId('message-actions').click();
    await ana.getByTestId('message-edit').click();
    await ana.getByTestId('composer-input').fill('styled words, corrected');
    await ana.getByTestId('composer-input').press('Enter');
    await messageText(ben, 'styled words, corrected').getByTestId('message-edited').waitFor(WAIT);

    await own.hover();
    await own.getByTestId('message-actions').click();
    await ana.getByTestId('message-delete').click();
    await ben.locator('[data-testid="message"]').filter({ has: ben.getByTestId('message-deleted') }).waitFor(WAIT);
    expect(await messageText(ben, 'corrected').count()).toBe(0);
  });

  it('sends a DM that only its recipient reads, with an unread count on their tab', async () => {
    const { ana, ben, cid } = people;
    await userMenu(ana, 'Ben', 'menu-message');
    await readyIn(ana, ids.ben);
    await send(ana, 'just for Ben');
    const tab = ben.getByTestId(`chat-tab-${ids.ana}`);
    await tab.waitFor(WAIT);
    expect(await ben.getByTestId(`chat-tab-unread-${ids.ana}`).textContent()).toMatch(/^1\b/);
    await tab.click();
    await messageText(ben, 'just for Ben').waitFor(WAIT);
    await send(ben, 'got it, Ana');
    await messageText(ana, 'got it, Ana').waitFor(WAIT);
    expect(await cid.getByTestId(`chat-tab-${ids.ana}`).count()).toBe(0);
    expect(await messageText(cid, 'just for Ben').count()).toBe(0);
  });

  it('sends a picture that arrives byte-exact and opens large', async () => {
    const { ana, ben } = people;
    const png = await ana.evaluate(async () => {
      const canvas = new OffscreenCanvas(64, 48);
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#f5c400';
      g.fillRect(0, 0, 64, 48);
      g.fillStyle = '#1d4ed8';
      g.fillRect(8, 8, 20, 30);
      return [...new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer())];
    });
    await ana.getByTestId('composer-file').setInputFiles({ name: 'lemon.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    const thumb = ben.locator('[data-testid="picture-thumb"] img');
    await thumb.waitFor(WAIT);
    const received = await thumb.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight, bytes: [...new Uint8Array(await (await fetch(img.src)).arrayBuffer())] };
    });
    expect(received.width).toBe(64);
    expect(received.height).toBe(48);
    expect(received.bytes).toEqual(png);
    await ben.getByTestId('picture-thumb').click();
    await ben.getByTestId('picture-viewer-img').waitFor(WAIT);
    await ben.getByTestId('picture-viewer-close').click();
  });

  it('pops up a poke with its text', async () => {
    const { ana, ben } = people;
    await userMenu(ben, 'Ana', 'menu-poke');
    await ben.getByTestId('poke-input').fill('look at the channel <b>now</b>');
    await ben.getByTestId('poke-send').click();
    const popup = ana.getByTestId('poke-popup');
    await popup.waitFor(WAIT);
    expect(await popup.getByTestId('poke-from').textContent()).toBe('Ben');
    expect(await popup.getByTestId('poke-text').textContent()).toBe('look at the channel <b>now</b>');
    await ana.getByTestId('poke-dismiss').click();
    await popup.waitFor({ ...WAIT, state: 'detached' });
  });

  it('shows both sides the same safety number, and remembers who was verified', async () => {
    const { ana, ben } = people;
    const digitsOf = async (page: Page, peer: string) => {
      await userMenu(page, peer, 'menu-safety');
      const digits = (await page.getByTestId('safety-digits').textContent())!.replace(/\s+/g, '');
      expect(await page.locator('[data-testid="safety-qr"] rect').count()).toBeGreaterThan(20);
      return digits;
    };
    const seenByAna = await digitsOf(ana, 'Ben');
    const seenByBen = await digitsOf(ben, 'Ana');
    expect(seenByAna).toMatch(/^\d{60}$/);
    expect(seenByAna).toBe(seenByBen);
    await ben.getByTestId('safety-close').click();
    await ana.getByTestId('mark-verified').click();
    await ana.locator('[data-testid="mark-verified"][data-verified="true"]').waitFor(WAIT);
    await ana.getByTestId('safety-close').click();
    await ana.getByTestId(`chat-tab-${ids.ben}`).click();
    await ana.getByTestId('dm-verified').waitFor(WAIT);
  });

  it('warns when the name one talked to comes back with another key', async () => {
    const { ana, ben, cid } = people;
    await renameSelf(ben, 'Ben Old');
    await userItem(ana, 'Ben Old').waitFor(WAIT);
    await renameSelf(cid, 'Ben');
    const banner = ana.getByTestId('key-change-banner');
    await banner.waitFor(WAIT);
    expect(await banner.textContent()).toContain("Ben's key changed");
    await ana.getByTestId('key-change-dismiss').click();
    await banner.waitFor({ ...WAIT, state: 'detached' });
  });

  it('keeps DM history and the MLS state through a reload: old messages show, new ones decrypt', async () => {
    const { ana, ben } = people;
    await ana.reload();
    await ana.getByTestId('connect-screen').waitFor(WAIT);
    await connect(ana, { port: server.port, nickname: 'Ana' });
    await ana.getByTestId(`chat-tab-${ids.ben}`).click();
    await messageText(ana, 'got it, Ana').waitFor(WAIT);
    // Ben still talks in the DM group made before the reload; Ana's restored state reads it.
    await ben.getByTestId(`chat-tab-${ids.ana}`).click();
    await send(ben, 'after your reload');
    await messageText(ana, 'after your reload').waitFor(WAIT);
  });

  it('exports the identity to a passphrase file and imports it in another browser', async () => {
    const { ana } = people;
    await ana.getByTestId('open-identity').click();
    await ana.getByTestId('backup-export-open').click();
    await ana.getByTestId('backup-passphrase').fill('lemon grove at dusk 42');
    await ana.getByTestId('backup-confirm').fill('lemon grove at dusk 42');
    const [download] = await Promise.all([ana.waitForEvent('download', WAIT), ana.getByTestId('backup-submit').click()]);
    const file = await download.path();
    expect(file).toBeTruthy();

    const { page: elsewhere } = await openClient(await browser.newContext());
    await elsewhere.getByTestId('open-identity').click();
    const before = await elsewhere.getByTestId('identity-user-id').textContent();
    expect(before).not.toBe(ids.ana);
    await elsewhere.getByTestId('backup-import-open').click();
    await elsewhere.getByTestId('backup-file').setInputFiles(file!);
    await elsewhere.getByTestId('backup-passphrase').fill('wrong passphrase');
    await elsewhere.getByTestId('backup-submit').click();
    expect(await elsewhere.getByTestId('backup-error').textContent()).toContain('Wrong passphrase');
    await elsewhere.getByTestId('backup-passphrase').fill('lemon grove at dusk 42');
    await elsewhere.getByTestId('backup-submit').click();
    await elsewhere.getByTestId('connect-screen').waitFor(WAIT);
    await elsewhere.getByTestId('open-identity').click();
    await elsewhere.locator(`[data-testid="identity-user-id"]:text-is("${ids.ana}")`).waitFor(WAIT);
  });
});
