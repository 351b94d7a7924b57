// The identity: made on first run, kept in IndexedDB with its secret key sealed by a
// non-extractable AES-GCM key, the same after a reload and a browser restart, different in
// another profile; nothing of it in localStorage.
import type { Page } from 'playwright-core';
import { clientFileUrl, collectConsoleErrors, launchProfile, removeProfileDirs, ALLOWED_CONSOLE, connect, selfId, WAIT } from './helpers';
import { removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
  removeProfileDirs();
});

async function readIdentity(page: Page): Promise<{ userId: string; fingerprint: string }> {
  await page.getByTestId('open-identity').first().click();
  const dialog = page.getByTestId('identity-dialog');
  await dialog.waitFor(WAIT);
  const userId = (await page.getByTestId('identity-user-id').textContent())!.trim();
  const fingerprint = (await page.getByTestId('identity-fingerprint').textContent())!.trim();
  await page.getByTestId('identity-saved').waitFor(WAIT);
  // Every page here is opened from disk, where all local files share one storage: the dialog says so.
  expect(await page.getByTestId('identity-file-note').textContent()).toContain('every local HTML file shares this browser’s storage for files');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ ...WAIT, state: 'detached' });
  return { userId, fingerprint };
}

/** What IndexedDB holds, as the page sees it (no secret is returned, only shapes). */
function inspectStorage(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('lemon-chat');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const get = (key: string) =>
      new Promise<unknown>((resolve, reject) => {
        const req = db.transaction('identity').objectStore('identity').get(key);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const key = (await get('wrapping-key')) as CryptoKey;
    const record = (await get('identity')) as { userId: string; sealedSecret: ArrayBuffer; iv: Uint8Array; publicKey: Uint8Array };
    db.close();
    let exportRefused = false;
    try {
      await crypto.subtle.exportKey('raw', key);
    } catch {
      exportRefused = true;
    }
    return {
      keyIsCryptoKey: key instanceof CryptoKey,
      extractable: key.extractable,
      algorithm: (key.algorithm as AesKeyAlgorithm).name,
      exportRefused,
      userId: record.userId,
      sealedBytes: record.sealedSecret.byteLength,
      ivBytes: record.iv.byteLength,
      publicKeyBytes: record.publicKey.byteLength,
      localStorage: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])),
    };
  });
}

describe('identity', () => {
  it('is made on first run, sealed in IndexedDB, and survives a reload and a browser restart', async () => {
    const first = await launchProfile();
    const page = await first.context.newPage();
    const problems = collectConsoleErrors(page);
    await page.goto(clientFileUrl());
    await page.getByTestId('identity-fingerprint-short').waitFor(WAIT);
    const made = await readIdentity(page);
    expect(made.userId).toMatch(/^[0-9a-f]{32}$/);
    expect(made.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);

    const stored = await inspectStorage(page);
    expect(stored).toMatchObject({
      keyIsCryptoKey: true,
      extractable: false,
      algorithm: 'AES-GCM',
      exportRefused: true,
      userId: made.userId,
      sealedBytes: 32 + 16, // the 32-byte secret key plus the GCM tag: encrypted, not in clear
      ivBytes: 12,
      publicKeyBytes: 32,
    });

    // The server sees the same user id the page shows.
    await connect(page, { port: server.port, nickname: 'Persistent' });
    expect(await selfId(page)).toBe(made.userId);
    // Nothing but addresses and preferences in localStorage.
    const afterConnect = await inspectStorage(page);
    expect(Object.keys(afterConnect.localStorage).sort()).toEqual(['lemon.servers.v1']);
    expect(afterConnect.localStorage['lemon.servers.v1']).not.toMatch(/secret|key|fingerprint/i);

    await page.reload();
    await page.getByTestId('identity-fingerprint-short').waitFor(WAIT);
    expect(await readIdentity(page)).toEqual(made);
    expect(problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
    await first.close();

    // Same profile, new browser process.
    const again = await launchProfile(first.userDataDir);
    const page2 = await again.context.newPage();
    await page2.goto(clientFileUrl());
    await page2.getByTestId('identity-fingerprint-short').waitFor(WAIT);
    expect(await readIdentity(page2)).toEqual(made);
    // The server knows this identity: it comes back under the name it had.
    await page2.getByTestId('nickname-input').fill('SomethingElse');
    await page2.getByTestId('port-input').fill(String(server.port));
    await page2.getByTestId('connect-button').click();
    await page2.locator('[data-testid="server-view"][data-phase="online"]').waitFor(WAIT);
    expect(await page2.getByTestId('self-name').textContent()).toBe('Persistent');
    await again.close();

    // Another profile is another person.
    const other = await launchProfile();
    const page3 = await other.context.newPage();
    await page3.goto(clientFileUrl());
    await page3.getByTestId('identity-fingerprint-short').waitFor(WAIT);
    const otherIdentity = await readIdentity(page3);
    expect(otherIdentity.userId).not.toBe(made.userId);
    expect(otherIdentity.fingerprint).not.toBe(made.fingerprint);
    await other.close();
  });

  it('is shared by two tabs of one profile; the newer tab takes over and the older one says why', async () => {
    const profile = await launchProfile();
    const [tab1, tab2] = [await profile.context.newPage(), await profile.context.newPage()];
    await Promise.all([tab1.goto(clientFileUrl()), tab2.goto(clientFileUrl())]);
    await connect(tab1, { port: server.port, nickname: 'Twin' });
    const id1 = await selfId(tab1);
    await connect(tab2, { port: server.port, nickname: 'Twin' });
    expect(await selfId(tab2)).toBe(id1);
    // The first tab stops (no tug of war) and explains.
    const error = tab1.getByTestId('connect-error');
    await error.waitFor(WAIT);
    expect(await error.getAttribute('data-code')).toBe('ALREADY_CONNECTED');
    expect(await error.textContent()).toContain('connected from another window or device');
    expect(await tab2.getByTestId('server-view').getAttribute('data-phase')).toBe('online');
    await profile.close();
  });
});
