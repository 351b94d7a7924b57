// Two people in two separate browser profiles (two identities) on one server: they see each
// other, channels made through the right-click menu, moves by double-click, renames, and
// clear words for a name collision and for a forbidden action.
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser, ALLOWED_CONSOLE, channelItem, channelRow, connect, createChannelViaMenu, openClient, renameSelf, selfId, userInChannel, userItem, WAIT, type ClientPage } from './helpers';
import { removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

let server: ServerProcess;
let browser: LaunchedBrowser;
const contexts: BrowserContext[] = [];
let ada: ClientPage;
let bob: ClientPage;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchBrowser()]);
  const [ctxA, ctxB] = await Promise.all([browser.newContext(), browser.newContext()]);
  contexts.push(ctxA, ctxB);
  [ada, bob] = await Promise.all([openClient(ctxA), openClient(ctxB)]);
  await connect(ada.page, { port: server.port, nickname: 'Ada' });
  await connect(bob.page, { port: server.port, nickname: 'Bob' });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  removeTempDirs();
});

afterEach(() => {
  expect(ada.problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
  expect(bob.problems.unexpected(ALLOWED_CONSOLE)).toEqual([]);
});

const both = (): Page[] => [ada.page, bob.page];

describe('two users', () => {
  it('have different identities and see each other in Lobby', async () => {
    expect(await selfId(ada.page)).not.toBe(await selfId(bob.page));
    for (const page of both()) {
      await userInChannel(page, 'Ada', 'Lobby').waitFor(WAIT);
      await userInChannel(page, 'Bob', 'Lobby').waitFor(WAIT);
    }
    // Each sees the other's row as "not you", their own as "you".
    expect(await userItem(ada.page, 'Ada').getAttribute('aria-label')).toBe('Ada (you)');
    expect(await userItem(ada.page, 'Bob').getAttribute('aria-label')).toBe('Bob');
  });

  it('see a channel created through the context menu, with its description on click', async () => {
    // Right-click on empty tree space → "Create channel…".
    await ada.page.getByTestId('channel-tree').click({ button: 'right', position: { x: 120, y: 400 } });
    await ada.page.getByTestId('menu-create').click();
    await ada.page.getByTestId('channel-name-input').fill('Games');
    await ada.page.getByTestId('channel-description-input').fill('Play together.\nBring snacks.');
    await ada.page.getByTestId('channel-dialog-submit').click();
    await ada.page.getByTestId('channel-dialog').waitFor({ ...WAIT, state: 'detached' });
    for (const page of both()) await channelItem(page, 'Games').waitFor(WAIT);

    await channelRow(bob.page, 'Games').click();
    const description = bob.page.getByTestId('details-description');
    await description.waitFor(WAIT);
    expect(await description.textContent()).toBe('Play together.\nBring snacks.');
    expect(await bob.page.getByTestId('details-name').textContent()).toBe('Games');
  });

  it('are told the server’s reason when a channel change is refused (a sibling already has the name)', async () => {
    await ada.page.getByTestId('create-channel-button').click();
    const dialog = ada.page.getByTestId('channel-dialog');
    await dialog.waitFor(WAIT);
    // Channel names are unique among siblings regardless of case.
    await ada.page.getByTestId('channel-name-input').fill('GAMES');
    await ada.page.getByTestId('channel-dialog-submit').click();
    const error = ada.page.getByTestId('channel-dialog-error');
    await error.waitFor(WAIT);
    // The specific reason, not only "That channel change is not possible."
    expect(await error.textContent()).toBe('A channel with that name already exists there.');
    expect(await dialog.isVisible()).toBe(true);
    await ada.page.keyboard.press('Escape');
    await dialog.waitFor({ ...WAIT, state: 'detached' });
    expect(await channelItem(ada.page, 'GAMES').count()).toBe(0);
  });

  it('see someone move when they double-click a channel', async () => {
    await channelRow(bob.page, 'Games').dblclick();
    await userInChannel(ada.page, 'Bob', 'Games').waitFor(WAIT);
    await userInChannel(ada.page, 'Bob', 'Lobby').waitFor({ ...WAIT, state: 'detached' });
    await userInChannel(bob.page, 'Bob', 'Games').waitFor(WAIT);
    // The mover's own panel says where they are.
    await bob.page.getByTestId('self-panel').getByText('in Games').waitFor(WAIT);
  });

  it('see a sub-channel made with right-click → Create sub-channel, nested under its parent', async () => {
    await createChannelViaMenu(ada.page, { parent: 'Games', name: 'Chess' });
    const nested = channelItem(bob.page, 'Games').locator(':scope > ul > [data-channel-name="Chess"]');
    await nested.waitFor(WAIT);
    expect(await nested.getAttribute('aria-level')).toBe('2');
    // Collapse with the arrow, expand again with the keyboard (ArrowRight on the focused item).
    await channelItem(bob.page, 'Games').locator(':scope > .lc-tree__row .lc-tree__toggle').click();
    await nested.waitFor({ ...WAIT, state: 'detached' });
    expect(await channelItem(bob.page, 'Games').getAttribute('aria-expanded')).toBe('false');
    await channelRow(bob.page, 'Games').click();
    await channelItem(bob.page, 'Games').press('ArrowRight');
    await nested.waitFor(WAIT);
  });

  it('see a rename, and a name already taken is refused in words', async () => {
    await renameSelf(ada.page, 'Ada Lovelace');
    await ada.page.getByTestId('rename-input').waitFor({ ...WAIT, state: 'detached' });
    await userItem(bob.page, 'Ada Lovelace').waitFor(WAIT);
    await userItem(bob.page, 'Ada').waitFor({ ...WAIT, state: 'detached' });
    expect(await ada.page.getByTestId('self-name').textContent()).toBe('Ada Lovelace');

    // Names are unique regardless of case.
    await renameSelf(bob.page, 'ada lovelace');
    const error = bob.page.getByTestId('self-panel').getByRole('alert');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toBe('Somebody on this server already uses that name.');
    await bob.page.getByTestId('rename-cancel').click();
    expect(await bob.page.getByTestId('self-name').textContent()).toBe('Bob');
  });

  it('cannot delete a channel somebody else made, and is told so in words', async () => {
    await channelRow(bob.page, 'Chess').click({ button: 'right' });
    await bob.page.getByTestId('menu-delete').click();
    await bob.page.getByTestId('delete-confirm').click();
    const error = bob.page.getByTestId('delete-error');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toBe('You are not allowed to do that.');
    await bob.page.keyboard.press('Escape');
    await bob.page.getByTestId('delete-dialog').waitFor({ ...WAIT, state: 'detached' });
    await channelItem(ada.page, 'Chess').waitFor(WAIT);
  });

  it('see an edit and a delete by the channel’s creator; people inside move to Lobby', async () => {
    await channelRow(ada.page, 'Games').click({ button: 'right' });
    await ada.page.getByTestId('menu-edit').click();
    await ada.page.getByTestId('channel-name-input').fill('Board games');
    await ada.page.getByTestId('channel-dialog-submit').click();
    await channelItem(bob.page, 'Board games').waitFor(WAIT);
    await userInChannel(bob.page, 'Bob', 'Board games').waitFor(WAIT);

    await channelRow(ada.page, 'Board games').click({ button: 'right' });
    await ada.page.getByTestId('menu-delete').click();
    await ada.page.getByTestId('delete-confirm').click();
    for (const page of both()) {
      await channelItem(page, 'Board games').waitFor({ ...WAIT, state: 'detached' });
      await channelItem(page, 'Chess').waitFor({ ...WAIT, state: 'detached' });
      await userInChannel(page, 'Bob', 'Lobby').waitFor(WAIT);
    }
  });

  it('see each other leave and come back', async () => {
    await bob.page.getByTestId('disconnect-button').click();
    await bob.page.getByTestId('connect-screen').waitFor(WAIT);
    await userItem(ada.page, 'Bob').waitFor({ ...WAIT, state: 'detached' });
    // The server is remembered; connecting again keeps the name.
    await bob.page.getByTestId('recent-server').first().waitFor(WAIT);
    await bob.page.getByTestId('connect-button').click();
    await userInChannel(ada.page, 'Bob', 'Lobby').waitFor(WAIT);
  });
});
