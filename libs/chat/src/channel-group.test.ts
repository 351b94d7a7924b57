import { Identity, MlsClient, MlsDeliveryService } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { fromBase64Url, toBase64Url } from '@lemon/protocol';
import { ChannelGroup } from './channel-group';

beforeAll(() => initCryptoFromFile());

/** The server's part, played directly with the real delivery service (no network here). */
function setup() {
  const serverIdentity = Identity.generate();
  const ds = MlsDeliveryService.fromSecretKey(serverIdentity.exportSecretKey());
  const member = () => {
    const mls = MlsClient.create(Identity.generate().exportSecretKey());
    const group = new ChannelGroup(mls, ds.publicKey);
    group.enterChannel(7);
    return { mls, group };
  };
  return { ds, member };
}

describe('ChannelGroup (sans-IO)', () => {
  it('creates, commits an Add, and holds next-epoch events back until its commit is answered', () => {
    const { ds, member } = setup();
    const ann = member();
    const bob = member();
    const cat = member();
    const groupId = toBase64Url(new Uint8Array(16).fill(1));
    const created = ann.group.createRequested({ channelId: 7, groupId });
    expect(created.requests[0]).toMatchObject({ type: 'mls.groupInfo' });
    ds.trackGroup((created.requests[0] as { payload: Uint8Array }).payload);
    const gid = fromBase64Url(groupId)!;

    // The server proposes Bob; Ann commits.
    ann.group.proposed({ channelId: 7, groupId, epoch: 0 }, ds.proposeAdd(gid, bob.mls.keyPackages(1)[0]!));
    const commit = ann.group.commitRequested({ channelId: 7, groupId, epoch: 0 }).requests[0] as { data: { commitBytes: number }; payload: Uint8Array };
    expect(ann.group.canSend).toBe(false);
    const commitBytes = commit.payload.subarray(0, commit.data.commitBytes);
    ds.acceptCommit(gid, commitBytes);

    // Before Ann hears that her commit was accepted, the next epoch's proposal arrives.
    const addCat = ds.proposeAdd(gid, cat.mls.keyPackages(1)[0]!);
    const early = ann.group.proposed({ channelId: 7, groupId, epoch: 1 }, addCat);
    expect(early).toMatchObject({ requests: [], messages: [] });
    expect(early.problem).toBeUndefined();
    const settled = ann.group.commitSettled(groupId, 'accepted');
    expect(settled.problem).toBeUndefined();
    expect(settled.state).toMatchObject({ phase: 'ready', epoch: 1 });
    // Cat's proposal was processed after the merge; sending waits for its commit.
    expect(ann.group.canSend).toBe(false);

    // Bob joins from the Welcome, takes the proposal too, and follows Ann's commit of it.
    bob.group.welcomed({ channelId: 7, groupId }, commit.payload.subarray(commit.data.commitBytes));
    expect(bob.group.state).toMatchObject({ phase: 'ready', epoch: 1 });
    bob.group.proposed({ channelId: 7, groupId, epoch: 1 }, addCat);
    const second = ann.group.commitRequested({ channelId: 7, groupId, epoch: 1 }).requests[0] as { data: { commitBytes: number }; payload: Uint8Array };
    const secondCommit = second.payload.subarray(0, second.data.commitBytes);
    ds.acceptCommit(gid, secondCommit);
    ann.group.commitSettled(groupId, 'accepted');
    expect(bob.group.committed({ channelId: 7, groupId, epoch: 1, committer: 'ab'.repeat(16) }, secondCommit).problem).toBeUndefined();
    expect(ann.group.canSend && bob.group.canSend).toBe(true);
    const sealed = ann.group.encrypt(new TextEncoder().encode('hi'))!;
    const got = bob.group.message({ channelId: 7, groupId, from: 'ab'.repeat(16), epoch: 2 }, sealed.payload);
    expect(new TextDecoder().decode(got.messages[0]!.plaintext)).toBe('hi');
    expect(bob.group.epochCode()).toEqual(ann.group.epochCode());
  });

  it('refuses a Welcome into a channel group whose external sender is not the server', () => {
    const { member } = setup();
    const bob = member();
    const rogue = MlsDeliveryService.fromSecretKey(Identity.generate().exportSecretKey());
    const eve = MlsClient.create(Identity.generate().exportSecretKey());
    const gid = new Uint8Array(16).fill(2);
    eve.createGroup(gid, rogue.publicKey, rogue.publicKey);
    rogue.trackGroup(eve.groupInfo(gid));
    eve.processMessage(gid, rogue.proposeAdd(gid, bob.mls.keyPackages(1)[0]!));
    const bundle = eve.commitPendingProposals(gid);
    const out = bob.group.welcomed({ channelId: 7, groupId: toBase64Url(gid) }, bundle.welcome!);
    expect(out.problem).toMatch(/external sender/);
    expect(bob.group.canSend).toBe(false);
  });
});
