// Voice through real microphones and speakers, as far as a test machine has them: two
// Chromium users, each with a fake microphone playing its own tone from a WAV file, talk in
// the same channel through the real server. Each must hear the other's tone at the output
// (an analyser after the mixer), see the other's talking light, and stop hearing them when
// they mute, turn each other down or switch to push-to-talk. Then the same with UDP blocked
// for WebRTC: voice falls back to the WebSocket.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { concatFrames, sineFrames, wavFile } from '@lemon/audio';
import { removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';
import type { Page } from 'playwright-core';
import { channelRow, createChannelViaMenu, launchVoicePerson, removeProfileDirs, userInChannel, userItem, WAIT, type ClientPage, type PersistentProfile } from './helpers';

/** Audio takes a while to settle on a busy machine (worklets, codecs, ICE): bounded, never slept. */
const HEAR = { timeout: 45_000, polling: 100 } as const;

let server: ServerProcess;
let audioDir: string;
const profiles: PersistentProfile[] = [];

beforeAll(async () => {
  await initCryptoFromFile();
  audioDir = mkdtempSync(join(tmpdir(), 'lemon-tones-'));
  // 10 s of each tone at a moderate level; Chromium loops the file.
  for (const hz of [440, 880, 330, 660]) writeFileSync(join(audioDir, `${hz}.wav`), wavFile(concatFrames([...sineFrames(hz, 10, 0.3)])));
  server = await startServerProcess();
});

afterAll(async () => {
  await Promise.all(profiles.map((p) => p.close()));
  removeProfileDirs();
  await server?.stop();
  if (audioDir) rmSync(audioDir, { recursive: true, force: true });
  removeTempDirs();
});

/** One person talking with their own tone. */
async function person(name: string, hz: number, options: { blockUdp?: boolean } = {}): Promise<ClientPage> {
  const p = await launchVoicePerson({ name, micFile: join(audioDir, `${hz}.wav`), port: server.port, ...options });
  profiles.push(p.profile);
  return p;
}

/** Waits until the page's speaker plays `hz` (±12 Hz) clearly above silence. */
function hears(page: Page, hz: number): Promise<unknown> {
  return page.waitForFunction(
    (want) => {
      const peak = (window as unknown as { lemonVoiceDebug?: { outputPeak(): { hz: number; db: number } | null } }).lemonVoiceDebug?.outputPeak();
      return !!peak && peak.db > -60 && Math.abs(peak.hz - want) <= 12;
    },
    hz,
    HEAR,
  );
}

/** Waits until the page's speaker plays nothing. */
function silent(page: Page): Promise<unknown> {
  return page.waitForFunction(() => {
    const peak = (window as unknown as { lemonVoiceDebug?: { outputPeak(): { hz: number; db: number } | null } }).lemonVoiceDebug?.outputPeak();
    return !!peak && !(peak.db > -100);
  }, undefined, HEAR);
}

const voicePath = (page: Page, path: 'datachannel' | 'websocket') => page.locator(`[data-testid="voice-status"][data-path="${path}"]`).waitFor({ timeout: HEAR.timeout });

describe('voice in the browser', () => {
  it('two people with different tones hear each other over data channels; lights, mute, per-user volume and push-to-talk (button and key) work', async () => {
    const ann = await person('Ann', 440);
    const ben = await person('Ben', 880);
    await Promise.all([voicePath(ann.page, 'datachannel'), voicePath(ben.page, 'datachannel')]);

    await Promise.all([hears(ann.page, 880), hears(ben.page, 440)]);
    await userItem(ann.page, 'Ben').and(ann.page.locator('[data-talking="yes"]')).waitFor(WAIT);
    await userItem(ben.page, 'Ann').and(ben.page.locator('[data-talking="yes"]')).waitFor(WAIT);

    // Ann mutes: Ben's light for her goes out and her tone is gone from his speaker, while
    // Ann still hears Ben.
    await ann.page.getByTestId('mute-button').click();
    await userItem(ben.page, 'Ann').and(ben.page.locator('[data-talking="no"]')).waitFor(WAIT);
    await silent(ben.page);
    await hears(ann.page, 880);

    // Unmuted, she is heard again.
    await ann.page.getByTestId('mute-button').click();
    await hears(ben.page, 440);

    // Ben turns Ann down to nothing, for himself only, then back.
    await userItem(ben.page, 'Ann').locator(':scope > .lc-tree__row').click({ button: 'right' });
    await ben.page.getByTestId('menu-volume').click();
    await ben.page.getByTestId('user-volume-input').fill('0');
    await silent(ben.page);
    await ben.page.getByTestId('user-volume-reset').click();
    await hears(ben.page, 440);
    await ben.page.keyboard.press('Escape');

    // Ann switches to push-to-talk: silent until she holds the button, silent again after.
    await ann.page.getByTestId('voice-settings-button').click();
    await ann.page.getByTestId('mode-push').check();
    await ann.page.keyboard.press('Escape');
    await silent(ben.page);
    await userItem(ben.page, 'Ann').and(ben.page.locator('[data-talking="no"]')).waitFor(WAIT);
    const button = ann.page.getByTestId('push-to-talk-button');
    const box = (await button.boundingBox())!;
    await ann.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await ann.page.mouse.down();
    await hears(ben.page, 440);
    await ann.page.mouse.up();
    await silent(ben.page);

    // And with a key of her choosing (F8), held and released.
    await ann.page.getByTestId('voice-settings-button').click();
    await ann.page.getByTestId('push-key-button').click();
    await ann.page.keyboard.press('F8');
    await ann.page.getByTestId('voice-settings-dialog').getByText('Key: F8').waitFor(WAIT);
    await ann.page.keyboard.press('Escape');
    await ann.page.getByTestId('voice-settings-dialog').waitFor({ ...WAIT, state: 'detached' });
    await ann.page.keyboard.down('F8');
    await hears(ben.page, 440);
    await ann.page.keyboard.up('F8');
    await silent(ben.page);

    const stats = await ben.page.evaluate(() => (window as unknown as { lemonVoiceDebug: { diagnostics(): unknown } }).lemonVoiceDebug.diagnostics());
    expect(stats).toMatchObject({ path: 'datachannel', audioRunning: true });
    expect((stats as { framesSent: number }).framesSent).toBeGreaterThan(0);
    expect((stats as { received: { decrypted: number } }).received.decrypted).toBeGreaterThan(0);
    expect(ann.problems.unexpected()).toEqual([]);
    expect(ben.problems.unexpected()).toEqual([]);
    await Promise.all(profiles.splice(0).map((p) => p.close()));
  });

  it('voice follows the channel: who moves away is no longer heard, and is heard again under the new group keys', async () => {
    const eve = await person('Eve', 440);
    const fay = await person('Fay', 880);
    await Promise.all([hears(eve.page, 880), hears(fay.page, 440)]);

    // Fay moves to a new channel: neither hears the other any more.
    await createChannelViaMenu(fay.page, { name: 'Side Room' });
    await channelRow(fay.page, 'Side Room').dblclick();
    await userInChannel(eve.page, 'Fay', 'Side Room').waitFor(WAIT);
    await Promise.all([silent(eve.page), silent(fay.page)]);

    // Eve follows: a new MLS group for the two of them, and the tones come back.
    await channelRow(eve.page, 'Side Room').dblclick();
    await userInChannel(fay.page, 'Eve', 'Side Room').waitFor(WAIT);
    await Promise.all([hears(eve.page, 880), hears(fay.page, 440)]);
    expect(eve.problems.unexpected()).toEqual([]);
    expect(fay.problems.unexpected()).toEqual([]);
    await Promise.all(profiles.splice(0).map((p) => p.close()));
  });

  it('falls back to the WebSocket when UDP is blocked, and the voice still gets through', async () => {
    const cid = await person('Cid', 330, { blockUdp: true });
    const dee = await person('Dee', 660, { blockUdp: true });
    // Voice starts on the WebSocket at once; the data channel is tried and must give up.
    const dataChannelGaveUp = (page: Page) =>
      page.waitForFunction(() => {
        const d = (window as unknown as { lemonVoiceDebug?: { diagnostics(): { path: string; link: { failures: number; upgrades: number } } | null } }).lemonVoiceDebug?.diagnostics();
        return !!d && d.link.failures >= 1 && d.link.upgrades === 0 && d.path === 'websocket';
      }, undefined, HEAR);
    await Promise.all([dataChannelGaveUp(cid.page), dataChannelGaveUp(dee.page)]);
    await Promise.all([voicePath(cid.page, 'websocket'), voicePath(dee.page, 'websocket')]);
    await Promise.all([hears(cid.page, 660), hears(dee.page, 330)]);
    await cid.page.getByTestId('voice-settings-button').click();
    await cid.page.getByTestId('voice-diagnostics-path').filter({ hasText: 'WebSocket' }).waitFor(WAIT);
    expect(cid.problems.unexpected()).toEqual([]);
    expect(dee.problems.unexpected()).toEqual([]);
  });
});
