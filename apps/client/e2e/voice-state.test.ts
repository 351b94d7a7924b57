// Voice state in the real client: who is talking lights up in the tree (a Node client talks
// through the real server's relay), mute and deafen show to others, and a channel's voice
// settings are set from the channel dialog. (Microphone and speakers in the browser come next.)
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { encodeVoiceEnd, encodeVoiceFrame } from '@lemon/protocol';
import { connectClient, removeTempDirs, startServerProcess, waitUntil, type ServerProcess, type TestClient } from '@lemon/testing';
import type { Page } from 'playwright-core';
import { channelItem, connect, launchBrowser, openClient, selfId, userItem, WAIT, type LaunchedBrowser } from './helpers';

let server: ServerProcess;
let browser: LaunchedBrowser;
let bot: TestClient;
let page: Page;

beforeAll(async () => {
  await initCryptoFromFile();
  [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  bot = await connectClient(server.wsUrl, 'Talkbot');
  ({ page } = await openClient(await browser.newContext()));
  await connect(page, { port: server.port, nickname: 'Ana' });
});

afterAll(async () => {
  bot?.session.close();
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

/** Frames at the microphone's pace (20 ms); opaque bytes, as the server only relays. */
function talk(frames: number): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      bot.session.sendVoice(encodeVoiceFrame(new Uint8Array(80).fill(sent)));
      if (++sent === frames) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

describe('voice state in the browser', () => {
  it('lights up whoever is talking in the tree, and turns it off when they stop', async () => {
    const row = userItem(page, 'Talkbot');
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-talking')).toBe('no');
    const talking = talk(25);
    await page.locator('[data-user-name="Talkbot"][data-talking="yes"]').waitFor(WAIT);
    await talking;
    bot.session.sendVoice(encodeVoiceEnd());
    await page.locator('[data-user-name="Talkbot"][data-talking="no"]').waitFor(WAIT);
  });

  it('shows mute and deafen to everyone', async () => {
    const ana = await selfId(page);
    const seenByBot = () => bot.session.world?.users.get(ana);
    const botSees = (check: () => boolean, what: string) => waitUntil(check, [(f) => bot.session.on('world', f)], what);
    await page.getByTestId('mute-button').click();
    await botSees(() => seenByBot()?.muted === true && !seenByBot()?.deafened, 'Ana muted');
    await page.getByTestId(`user-muted-${ana}`).waitFor(WAIT);
    await page.getByTestId('deafen-button').click();
    await botSees(() => seenByBot()?.muted === true && seenByBot()?.deafened === true, 'Ana deafened');
    await page.getByTestId(`user-deafened-${ana}`).waitFor(WAIT);
    await page.getByTestId('deafen-button').click();
    await botSees(() => !seenByBot()?.muted && !seenByBot()?.deafened, 'Ana back');
    await page.getByTestId(`user-muted-${ana}`).waitFor({ ...WAIT, state: 'detached' });
  });

  it('sets a channel’s voice and bitrate from the channel dialog', async () => {
    await page.getByTestId('create-channel-button').click();
    await page.getByTestId('channel-name-input').fill('Quiet Study');
    await page.getByTestId('channel-voice-input').uncheck();
    await page.getByTestId('channel-dialog-submit').click();
    await channelItem(page, 'Quiet Study').waitFor(WAIT);
    const quiet = () => [...(bot.session.world?.channels.values() ?? [])].find((c) => c.name === 'Quiet Study');
    await waitUntil(() => quiet()?.voice === false, [(f) => bot.session.on('world', f)], 'the channel without voice');

    await channelItem(page, 'Quiet Study').locator(':scope > .lc-tree__row').click({ button: 'right' });
    await page.getByTestId('menu-edit').click();
    await page.getByTestId('channel-voice-input').check();
    await page.getByTestId('channel-bitrate-input').fill('96');
    await page.getByTestId('channel-dialog-submit').click();
    await waitUntil(() => quiet()?.voice === true && quiet()?.bitrate === 96_000, [(f) => bot.session.on('world', f)], 'voice on at 96 kbit/s');
  });
});
