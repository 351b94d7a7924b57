// Shared steps for the browser tests: open the client, connect, find things in the tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { clientFileUrl, collectConsoleErrors, launchProfile, makeProfileDir, type ConsoleProblems, type PersistentProfile } from '@lemon/testing';

export {
  CLIENT_HTML,
  clientFileUrl,
  collectConsoleErrors,
  launchBrowser,
  launchProfile,
  removeProfileDirs,
  type LaunchedBrowser,
  type PersistentProfile,
  type ConsoleProblems,
} from '@lemon/testing';

/** Bounded waits: generous for a busy 2-core machine, never a sleep. */
export const WAIT = { timeout: 20_000 } as const;

export interface ClientPage {
  page: Page;
  problems: ConsoleProblems;
}

/** Opens client.html (from disk by default) and waits until the identity is ready. */
export async function openClient(context: BrowserContext, url: string = clientFileUrl()): Promise<ClientPage> {
  const page = await context.newPage();
  const problems = collectConsoleErrors(page);
  await page.goto(url);
  await page.getByTestId('connect-screen').waitFor(WAIT);
  await page.getByTestId('identity-fingerprint-short').waitFor(WAIT);
  return { page, problems };
}

export async function connect(page: Page, options: { port: number; nickname: string; host?: string }): Promise<void> {
  await page.getByTestId('host-input').fill(options.host ?? '127.0.0.1');
  await page.getByTestId('port-input').fill(String(options.port));
  await page.getByTestId('nickname-input').fill(options.nickname);
  await page.getByTestId('connect-button').click();
  await waitOnline(page);
}

export function waitOnline(page: Page): Promise<void> {
  return page.locator('[data-testid="server-view"][data-phase="online"]').waitFor(WAIT);
}

/** A CSS attribute value for any text (quotes and backslashes escaped). */
export function attr(value: string): string {
  return JSON.stringify(value);
}

/** The tree item of the channel with this name. */
export function channelItem(page: Page, name: string): Locator {
  return page.locator(`[data-testid="channel-tree"] [role="treeitem"][data-channel-name=${attr(name)}]`);
}

/** The row (clickable part) of a channel. */
export function channelRow(page: Page, name: string): Locator {
  return channelItem(page, name).locator(':scope > .lc-tree__row');
}

/** A user's tree item directly under the named channel. */
export function userInChannel(page: Page, userName: string, channelName: string): Locator {
  return channelItem(page, channelName).locator(`:scope > ul > [role="treeitem"][data-user-name=${attr(userName)}]`);
}

/** Any tree item of a user with this name. */
export function userItem(page: Page, userName: string): Locator {
  return page.locator(`[data-testid="channel-tree"] [role="treeitem"][data-user-name=${attr(userName)}]`);
}

export async function selfId(page: Page): Promise<string> {
  const id = await page.getByTestId('server-view').getAttribute('data-self-id');
  if (!id) throw new Error('no self id on the server view');
  return id;
}

/** Creates a channel through the UI: right-click on a parent (or empty space) → create. */
export async function createChannelViaMenu(page: Page, options: { name: string; description?: string; parent?: string }): Promise<void> {
  if (options.parent) {
    await channelRow(page, options.parent).click({ button: 'right' });
    await page.getByTestId('menu-create-sub').click();
  } else {
    await page.getByTestId('create-channel-button').click();
  }
  const dialog = page.getByTestId('channel-dialog');
  await dialog.waitFor(WAIT);
  await page.getByTestId('channel-name-input').fill(options.name);
  if (options.description) await page.getByTestId('channel-description-input').fill(options.description);
  await page.getByTestId('channel-dialog-submit').click();
  await dialog.waitFor({ ...WAIT, state: 'detached' });
  await channelItem(page, options.name).waitFor(WAIT);
}

/** Renames oneself with the inline editor; resolves once the request finished (ok or error). */
export async function renameSelf(page: Page, name: string): Promise<void> {
  await page.getByTestId('rename-button').click();
  await page.getByTestId('rename-input').fill(name);
  await page.getByTestId('rename-save').click();
}

/** Console messages a healthy page may still print (none so far). */
export const ALLOWED_CONSOLE: RegExp[] = [];

export interface VoicePerson extends ClientPage {
  profile: PersistentProfile;
}

/**
 * Someone who talks: their own Chromium (the fake microphone file is per process) playing
 * `micFile`, connected with `?voice-debug=1` (window.lemonVoiceDebug), with echo cancellation,
 * noise suppression and auto gain turned off through the voice settings a person would use — a
 * steady test tone or pulse is what they exist to remove. `blockUdp` sets the browser's own
 * WebRTC policy to "no UDP unless proxied" (there is no proxy), as on a network that blocks UDP:
 * no ICE candidate can be gathered at all.
 */
export async function launchVoicePerson(options: { name: string; micFile: string; port: number; blockUdp?: boolean }): Promise<VoicePerson> {
  const dir = makeProfileDir();
  if (options.blockUdp) {
    mkdirSync(join(dir, 'Default'));
    writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ webrtc: { ip_handling_policy: 'disable_non_proxied_udp' } }));
  }
  const profile = await launchProfile(dir, {
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.micFile}`, '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    const client = await openClient(profile.context, `${clientFileUrl()}?voice-debug=1`);
    await connect(client.page, { port: options.port, nickname: options.name });
    await client.page.getByTestId('voice-settings-button').click();
    for (const id of ['echo-input', 'noise-input', 'gain-input']) await client.page.getByTestId(id).uncheck();
    await client.page.keyboard.press('Escape');
    await client.page.getByTestId('voice-settings-dialog').waitFor({ ...WAIT, state: 'detached' });
    return { ...client, profile };
  } catch (error) {
    await profile.close();
    throw error;
  }
}
