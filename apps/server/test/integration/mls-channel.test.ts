/**
 * Channel groups end to end: the real server process, real sessions over real WebSockets,
 * real MlsClients. The server creates, grows and shrinks each channel's group as people come
 * and go; here we check that members converge and that only members can read.
 */
import { toBase64Url } from '@lemon/protocol';
import { ChannelMember, inSync, waitUntil } from './mls-channel-client';
import { codeOf, sharedServer } from './helpers';

describe('channel groups through the real server', () => {
  const shared = sharedServer();
  const members: ChannelMember[] = [];
  afterEach(() => members.splice(0).forEach((m) => m.stop()));

  async function arrive(name: string): Promise<ChannelMember> {
    const member = new ChannelMember(await shared.join(name), name);
    members.push(member);
    await member.uploadKeyPackages();
    return member;
  }

  const texts = (m: ChannelMember) => m.received.map((r) => r.text);

  it('three users converge on one group, talk, a fourth joins and reads only what follows, a leaver reads nothing more', async () => {
    const ada = await arrive('Ada');
    const bob = await arrive('Bob');
    const cyd = await arrive('Cyd');
    await waitUntil(() => inSync([ada, bob, cyd]), 'Ada, Bob and Cyd in one group');
    expect(new Set([ada, bob, cyd].map((m) => m.authenticator())).size).toBe(1);
    expect(ada.epoch()).toBeGreaterThanOrEqual(2);

    // Each way.
    await ada.say('hello from Ada');
    await waitUntil(() => texts(bob).includes('hello from Ada') && texts(cyd).includes('hello from Ada'), 'Ada’s message');
    await bob.say('hello from Bob');
    await waitUntil(() => texts(ada).includes('hello from Bob') && texts(cyd).includes('hello from Bob'), 'Bob’s message');
    expect(bob.received.find((r) => r.text === 'hello from Ada')?.from).toBe(ada.userId);
    expect(texts(ada)).not.toContain('hello from Ada');

    // Something said before Dan arrives stays unreadable to him.
    await cyd.say('before Dan');
    await waitUntil(() => texts(ada).includes('before Dan'), 'Cyd’s message');
    const beforeDan = ada.ciphertexts[ada.ciphertexts.length - 1]!;

    const dan = await arrive('Dan');
    await waitUntil(() => inSync([ada, bob, cyd, dan]), 'Dan added');
    expect(() => dan.mls.processMessage(dan.groupId!, beforeDan)).toThrow();
    await ada.say('welcome Dan');
    await waitUntil(() => texts(dan).includes('welcome Dan'), 'Dan reads what follows');
    expect(texts(dan)).toEqual(['welcome Dan']);
    await dan.say('thanks');
    await waitUntil(() => [ada, bob, cyd].every((m) => texts(m).includes('thanks')), 'Dan’s message');

    // Cyd leaves the server: the others converge without her and she cannot read them.
    const cydGroup = cyd.groupId!;
    cyd.client.session.close();
    await waitUntil(() => inSync([ada, bob, dan]), 'Cyd removed');
    await bob.say('after Cyd left');
    await waitUntil(() => texts(ada).includes('after Cyd left') && texts(dan).includes('after Cyd left'), 'Bob’s message after Cyd left');
    const afterCyd = ada.ciphertexts[ada.ciphertexts.length - 1]!;
    expect(() => cyd.mls.processMessage(cydGroup, afterCyd)).toThrow();
    expect(texts(cyd)).not.toContain('after Cyd left');

    for (const m of [ada, bob, dan]) expect(m.errors).toEqual([]);
    // The server logged none of it.
    const logs = shared.server.logLines.join('\n');
    expect(logs).toContain('commit accepted');
    expect(logs).not.toContain(toBase64Url(afterCyd).slice(0, 40));
  });

  it('a member whose group state broke asks to rejoin and is back in the next epochs', async () => {
    const ada = await arrive('Ada');
    const bob = await arrive('Bob');
    const cyd = await arrive('Cyd');
    await waitUntil(() => inSync([ada, bob, cyd]), 'three in one group');
    const epoch = ada.epoch();
    await bob.rejoin();
    await waitUntil(() => inSync([ada, bob, cyd]) && ada.epoch() >= epoch + 2, 'Bob removed and added again');
    await cyd.say('still there, Bob?');
    await waitUntil(() => texts(bob).includes('still there, Bob?'), 'Bob reads again');
    await bob.say('yes');
    await waitUntil(() => texts(ada).includes('yes') && texts(cyd).includes('yes'), 'Bob is heard');
    for (const m of [ada, bob, cyd]) expect(m.errors).toEqual([]);
  });

  it('keeps separate channels apart and refuses sends into a group one is not in', async () => {
    const ada = await arrive('Ada');
    const bob = await arrive('Bob');
    await waitUntil(() => inSync([ada, bob]), 'Ada and Bob in one group');
    const { channel } = await bob.client.session.request('channel.create', { parentId: null, name: 'Side room' });
    await bob.client.session.request('channel.join', { channelId: channel.id });
    await waitUntil(() => inSync([ada]) && inSync([bob]) && ada.groupId !== null && bob.groupId !== null && toBase64Url(ada.groupId) !== toBase64Url(bob.groupId), 'two groups');
    // Bob sends into the lobby group id while in the side room: not a member there.
    const lobbyGroup = ada.groupId!;
    const payload = bob.mls.encrypt(bob.groupId!, new TextEncoder().encode('wrong room'));
    expect(await codeOf(bob.client.session.request('mls.send', { channelId: ada.channelId, groupId: toBase64Url(lobbyGroup) }, payload))).toBe('NOT_IN_GROUP');
    expect(await codeOf(bob.client.session.request('mls.rejoin', { channelId: ada.channelId }))).toBe('NOT_IN_GROUP');
  });
});
