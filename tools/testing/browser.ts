// Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core.
// Never `npx playwright install` (it downloads a browser and fails offline).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { REPO_ROOT } from './server-process';

export const CHROMIUM_PATH = process.env.LEMON_CHROMIUM ?? '/usr/bin/chromium';

/** The flags the machine needs (see /work/shared/notes/toolchain.md, "Browser tests"). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Every click, fill and wait is bounded (generous for a busy 2-core machine). */
export const ACTION_TIMEOUT_MS = 20_000;

/** The built single-file client. */
export const CLIENT_HTML = join(REPO_ROOT, 'apps/client/dist/client.html');

/** file:///…/apps/client/dist/client.html */
export function clientFileUrl(): string {
  return pathToFileURL(CLIENT_HTML).href;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** A new isolated profile-like context (own storage, own IndexedDB). */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary user data dir;
 * each `newContext()` is a separate, empty profile (own IndexedDB and localStorage).
 */
export async function launchBrowser(options: { args?: string[] } & Pick<LaunchOptions, 'timeout'> = {}): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    timeout: options.timeout ?? 30_000,
  });
  return {
    browser,
    newContext: async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      return context;
    },
    close: () => browser.close(),
  };
}

export interface PersistentProfile {
  context: BrowserContext;
  /** The user data dir; pass it again to reopen the same profile. */
  userDataDir: string;
  close(): Promise<void>;
}

/**
 * A browser with an on-disk profile: close it and launch again with the same `userDataDir`
 * to test what survives a browser restart. Without `userDataDir`, a fresh temp dir is made
 * (removed by `removeProfileDirs()`).
 */
export async function launchProfile(userDataDir?: string, options: { args?: string[] } = {}): Promise<PersistentProfile> {
  const dir = userDataDir ?? makeProfileDir();
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return { context, userDataDir: dir, close: () => context.close() };
}

const profileDirs: string[] = [];

export function makeProfileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lemon-chromium-'));
  profileDirs.push(dir);
  return dir;
}

export function removeProfileDirs(): void {
  for (const dir of profileDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface ConsoleProblems {
  /** console.error messages and uncaught page errors, in order. */
  readonly messages: string[];
  /** The messages not matched by any of `allowed`. */
  unexpected(allowed?: RegExp[]): string[];
}

/** Collects console errors and uncaught exceptions of a page, so a test can assert none happened. */
export function collectConsoleErrors(page: Page): ConsoleProblems {
  const messages: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') messages.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  return {
    messages,
    unexpected: (allowed = []) => messages.filter((m) => !allowed.some((re) => re.test(m))),
  };
}
