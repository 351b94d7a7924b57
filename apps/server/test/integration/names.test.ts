import { codeOf, nextEvent, sharedServer } from './helpers';

describe('display names', () => {
  const { join } = sharedServer();

  it('broadcasts a rename to everyone, stored normalised', async () => {
    const ada = await join('Ada');
    const bob = await join('Bob');
    const seen = nextEvent(bob.session, 'user.renamed', (e) => e.data.userId === ada.identity.userId);
    await expect(ada.session.request('user.rename', { displayName: '  Ada   Lovelace ' })).resolves.toEqual({ displayName: 'Ada Lovelace' });
    expect((await seen).data.displayName).toBe('Ada Lovelace');
    expect(bob.session.world?.users.get(ada.identity.userId)?.displayName).toBe('Ada Lovelace');
  });

  it('refuses a name somebody else has, ignoring case and width, but allows re-casing your own', async () => {
    const cy = await join('Cyrus');
    const dee = await join('Dee');
    expect(await codeOf(dee.session.request('user.rename', { displayName: 'CYRUS' }))).toBe('NAME_TAKEN');
    expect(await codeOf(dee.session.request('user.rename', { displayName: 'ｃｙｒｕｓ' }))).toBe('NAME_TAKEN');
    expect(await codeOf(cy.session.request('user.rename', { displayName: 'CYRUS' }))).toBe('ok');
  });

  it('names stay unique against users who are offline', async () => {
    const eve = await join('Evelyn');
    eve.session.close();
    const fay = await join('Fay');
    expect(await codeOf(fay.session.request('user.rename', { displayName: 'evelyn' }))).toBe('NAME_TAKEN');
  });

  it('a new identity asking for a taken name gets a unique variant', async () => {
    await join('Gus');
    const second = await join('Gus');
    const name = second.world.users.get(second.identity.userId)?.displayName;
    expect(name).toBe('Gus 2');
  });

  it('keeps HTML as literal text, and refuses empty, over-long and control-character names', async () => {
    const hal = await join('Hal');
    const ivy = await join('Ivy');
    const html = '<img src=x onerror=alert(1)>';
    const seen = nextEvent(ivy.session, 'user.renamed', (e) => e.data.userId === hal.identity.userId);
    await hal.session.request('user.rename', { displayName: html });
    expect((await seen).data.displayName).toBe(html);
    expect(await codeOf(hal.session.request('user.rename', { displayName: '   ' }))).toBe('NAME_INVALID');
    expect(await codeOf(hal.session.request('user.rename', { displayName: 'x'.repeat(33) }))).toBe('NAME_INVALID');
    expect(await codeOf(hal.session.request('user.rename', { displayName: 'a\u0007b' }))).toBe('NAME_INVALID');
    expect(await codeOf(hal.session.request('user.rename', { displayName: 'abc\u202Etxt' }))).toBe('NAME_INVALID');
    expect(await codeOf(hal.session.request('user.rename', { displayName: 'x'.repeat(1000) }))).toBe('INVALID_PAYLOAD');
  });
});
