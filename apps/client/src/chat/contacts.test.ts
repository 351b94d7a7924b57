import { Contacts, MAX_CONTACTS } from './contacts';

const ben = { id: 'b'.repeat(32), displayName: 'Ben', publicKey: 'key-ben' };
const impostor = { id: 'c'.repeat(32), displayName: 'ben', publicKey: 'key-carl' };

describe('Contacts', () => {
  it('warns when a name one talked to comes back with another key, until accepted', () => {
    const contacts = new Contacts();
    expect(contacts.keyChanges([ben, impostor])).toEqual([]);
    contacts.talkedTo(ben);
    expect(contacts.keyChanges([ben])).toEqual([]);
    const [change] = contacts.keyChanges([ben, impostor]);
    expect(change?.user).toBe(impostor);
    expect(change?.previous.userId).toBe(ben.id);
    // Talking to the impostor does not silently take over the name…
    contacts.talkedTo(impostor);
    expect(contacts.keyChanges([impostor])).toHaveLength(1);
    // …accepting does.
    contacts.accept(impostor);
    expect(contacts.keyChanges([impostor])).toEqual([]);
    expect(contacts.keyChanges([ben])).toHaveLength(1);
  });

  it('keeps the verified flag per key, through export and import', () => {
    const contacts = new Contacts();
    contacts.setVerified(ben, true);
    const copy = new Contacts();
    copy.import(JSON.parse(JSON.stringify(contacts.export())));
    expect(copy.isVerified(ben.id)).toBe(true);
    expect(copy.isVerified(impostor.id)).toBe(false);
    expect(copy.keyChanges([impostor])).toHaveLength(1);
    copy.setVerified(ben, false);
    expect(copy.isVerified(ben.id)).toBe(false);
  });

  it('ignores garbage on import and stays bounded, keeping verified contacts', () => {
    const contacts = new Contacts();
    for (const bad of [null, 1, 'x', { contacts: [{ userId: 1 }], names: [['ben', 'nobody']] }]) contacts.import(bad);
    expect(contacts.export()).toEqual({ contacts: [], names: [] });
    contacts.setVerified(ben, true);
    for (let i = 0; i < MAX_CONTACTS + 10; i++) contacts.talkedTo({ id: i.toString(16).padStart(32, '0'), displayName: `user ${i}`, publicKey: `k${i}` });
    expect(contacts.export().contacts).toHaveLength(MAX_CONTACTS);
    expect(contacts.isVerified(ben.id)).toBe(true);
  });
});
