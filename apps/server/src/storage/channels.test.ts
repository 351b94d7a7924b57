import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';
import { depthOf, preorder, subtreeHeight, subtreeIds } from './channel-tree';
import type { StoredChannel } from './channels';
import { openStorage, type Storage } from './db';

const ALICE = 'a'.repeat(32);

let dir: string;
let storage: Storage;
let lobby: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-channels-'));
  storage = openStorage(dir, { maxChannels: 50 });
  storage.users.loginOrCreate(ALICE, new Uint8Array(32).fill(1), 'Alice');
  lobby = storage.channels.defaultChannelId;
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function make(name: string, parentId: number | null = null, description?: string): StoredChannel {
  return storage.channels.create({ parentId, name, description, createdBy: ALICE });
}

function failure(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

/** A chain of `levels` channels starting at the top level; returns their ids, top first. */
function chain(levels: number, prefix = 'level'): number[] {
  const ids: number[] = [];
  for (let i = 1; i <= levels; i++) ids.push(make(`${prefix} ${i}`, ids.at(-1) ?? null).id);
  return ids;
}

const shape = () => storage.channels.list().map((c) => [c.name, c.parentId, c.position]);

describe('create', () => {
  it('appends channels at the end of their siblings and records the creator', () => {
    const a = make('A');
    const b = make('B');
    const a1 = make('A1', a.id, '  about A1 ');
    expect(a).toMatchObject({ parentId: null, position: 1, createdBy: ALICE });
    expect(b.position).toBe(2);
    expect(a1).toMatchObject({ parentId: a.id, position: 0, description: 'about A1' });
    expect(shape()).toEqual([
      ['Lobby', null, 0],
      ['A', null, 1],
      ['A1', a.id, 0],
      ['B', null, 2],
    ]);
  });

  it('needs an existing parent', () => {
    expect(failure(() => make('Orphan', 9999)).code).toBe(ErrorCode.NO_SUCH_CHANNEL);
  });

  it('keeps sibling names unique by nameKey, but allows the same name elsewhere', () => {
    const a = make('Games');
    expect(failure(() => make('GAMES')).code).toBe(ErrorCode.CHANNEL_INVALID);
    expect(failure(() => make('ｇａｍｅｓ')).message).toMatch(/already exists/);
    expect(make('Games', a.id).parentId).toBe(a.id);
    expect(failure(() => make('lobby')).code).toBe(ErrorCode.CHANNEL_INVALID);
  });

  it('rejects invalid names with NAME_INVALID and control characters in descriptions', () => {
    expect(failure(() => make('   ')).code).toBe(ErrorCode.NAME_INVALID);
    expect(failure(() => make('x'.repeat(LIMITS.channelNameMaxChars + 1))).code).toBe(ErrorCode.NAME_INVALID);
    expect(failure(() => make('ok', null, 'bell\u0007')).code).toBe(ErrorCode.CHANNEL_INVALID);
    expect(make('multi', null, 'line one\r\nline two\ttabbed').description).toBe('line one\nline two\ttabbed');
  });

  it(`nests at most ${LIMITS.channelMaxDepth} levels deep`, () => {
    const ids = chain(LIMITS.channelMaxDepth);
    expect(depthOf(storage.channels.list(), ids.at(-1)!)).toBe(LIMITS.channelMaxDepth);
    expect(failure(() => make('too deep', ids.at(-1)!)).code).toBe(ErrorCode.CHANNEL_INVALID);
  });

  it('stops at maxChannels', () => {
    for (let i = storage.channels.list().length; i < 50; i++) make(`c${i}`);
    expect(failure(() => make('one more')).message).toMatch(/at most 50 channels/);
  });

  it('never reuses the id of a deleted channel (AUTOINCREMENT)', () => {
    const first = make('temp');
    storage.channels.delete(first.id);
    expect(make('temp').id).toBeGreaterThan(first.id);
  });
});

describe('update', () => {
  it('renames and describes, checking sibling names', () => {
    const a = make('A');
    make('B');
    const { channel, changed } = storage.channels.update(a.id, { name: 'Alpha', description: 'first' });
    expect(changed).toBe(true);
    expect(channel).toMatchObject({ id: a.id, name: 'Alpha', description: 'first', position: 1 });
    expect(storage.channels.get(a.id)).toEqual(channel);
    expect(failure(() => storage.channels.update(a.id, { name: 'b' })).code).toBe(ErrorCode.CHANNEL_INVALID);
    // Same name in another case for the channel itself is fine.
    expect(storage.channels.update(a.id, { name: 'ALPHA' }).channel.name).toBe('ALPHA');
  });

  it('reports no change for an update that changes nothing', () => {
    const a = make('A', null, 'd');
    expect(storage.channels.update(a.id, { name: 'A', description: 'd' })).toEqual({ channel: a, reordered: [], changed: false });
  });

  it('reorders among siblings and renumbers them densely', () => {
    const a = make('A');
    const b = make('B');
    const c = make('C');
    const result = storage.channels.update(c.id, { position: 0 });
    expect(result.channel.position).toBe(0);
    expect(result.reordered.map((r) => [r.name, r.position])).toEqual([
      ['Lobby', 1],
      ['A', 2],
      ['B', 3],
    ]);
    expect(shape().map(([name]) => name)).toEqual(['C', 'Lobby', 'A', 'B']);
    // Positions past the end are clamped.
    expect(storage.channels.update(c.id, { position: 1000 }).channel.position).toBe(3);
    expect(storage.channels.list().map((x) => x.position)).toEqual([0, 1, 2, 3]);
    expect([a.id, b.id]).toEqual(storage.channels.list().slice(1, 3).map((x) => x.id));
  });

  it('moves a subtree under a new parent, renumbering both sibling lists', () => {
    const a = make('A');
    const b = make('B');
    const c = make('C');
    const b1 = make('B1', b.id);
    const result = storage.channels.update(b.id, { parentId: a.id });
    expect(result.channel).toMatchObject({ parentId: a.id, position: 0 });
    expect(result.reordered.map((r) => [r.name, r.position])).toEqual([['C', 2]]);
    expect(storage.channels.get(b1.id)?.parentId).toBe(b.id);
    expect(shape()).toEqual([
      ['Lobby', null, 0],
      ['A', null, 1],
      ['B', a.id, 0],
      ['B1', b.id, 0],
      ['C', null, 2],
    ]);
    // …and back to the top level at a chosen position.
    storage.channels.update(b.id, { parentId: null, position: 1 });
    expect(shape().map(([name]) => name)).toEqual(['Lobby', 'B', 'B1', 'A', 'C']);
    expect(c.id).toBe(storage.channels.list().at(-1)?.id);
  });

  it('refuses to move a channel below itself or its descendants', () => {
    const [top, middle, bottom] = chain(3);
    expect(failure(() => storage.channels.update(top!, { parentId: top! })).code).toBe(ErrorCode.CHANNEL_INVALID);
    expect(failure(() => storage.channels.update(top!, { parentId: bottom! })).message).toMatch(/below itself/);
    expect(failure(() => storage.channels.update(middle!, { parentId: bottom! })).code).toBe(ErrorCode.CHANNEL_INVALID);
  });

  it('refuses a move that would make the subtree too deep', () => {
    const deep = chain(LIMITS.channelMaxDepth - 1, 'deep');
    const pair = chain(2, 'pair');
    expect(subtreeHeight(storage.channels.list(), pair[0]!)).toBe(2);
    expect(failure(() => storage.channels.update(pair[0]!, { parentId: deep.at(-1)! })).message).toMatch(/levels deep/);
    // One level less fits exactly.
    storage.channels.update(pair[0]!, { parentId: deep.at(-2)! });
    expect(depthOf(storage.channels.list(), pair[1]!)).toBe(LIMITS.channelMaxDepth);
  });

  it('refuses a move into a parent that already has a channel of that name', () => {
    const a = make('A');
    make('Same', a.id);
    const same = make('Same');
    expect(failure(() => storage.channels.update(same.id, { parentId: a.id })).code).toBe(ErrorCode.CHANNEL_INVALID);
  });

  it('keeps the Lobby at the top level, while it may be renamed and reordered', () => {
    const a = make('A');
    expect(failure(() => storage.channels.update(lobby, { parentId: a.id })).message).toMatch(/top level/);
    expect(storage.channels.update(lobby, { name: 'Welcome', position: 1 }).channel).toMatchObject({ name: 'Welcome', position: 1, parentId: null });
  });

  it('answers NO_SUCH_CHANNEL for unknown channels and parents', () => {
    const a = make('A');
    expect(failure(() => storage.channels.update(9999, { name: 'x' })).code).toBe(ErrorCode.NO_SUCH_CHANNEL);
    expect(failure(() => storage.channels.update(a.id, { parentId: 9999 })).code).toBe(ErrorCode.NO_SUCH_CHANNEL);
  });
});

describe('delete', () => {
  it('deletes the whole subtree, parents first, and renumbers the siblings', () => {
    const a = make('A');
    const a1 = make('A1', a.id);
    const a2 = make('A2', a.id);
    const a11 = make('A11', a1.id);
    const b = make('B');
    const result = storage.channels.delete(a.id);
    expect(result.deleted).toEqual([a.id, a1.id, a11.id, a2.id]);
    expect(result.reordered).toEqual([{ ...b, position: 1 }]);
    expect(shape()).toEqual([
      ['Lobby', null, 0],
      ['B', null, 1],
    ]);
    const count = storage.db.prepare('SELECT count(*) AS n FROM channels').get() as { n: number };
    expect(count.n).toBe(2);
  });

  it('never deletes the Lobby', () => {
    const error = failure(() => storage.channels.delete(lobby));
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expect(storage.channels.get(lobby)).not.toBeNull();
  });

  it('answers NO_SUCH_CHANNEL for an unknown channel', () => {
    expect(failure(() => storage.channels.delete(424242)).code).toBe(ErrorCode.NO_SUCH_CHANNEL);
  });
});

describe('tree helpers', () => {
  const nodes = [
    { id: 1, parentId: null, position: 1 },
    { id: 2, parentId: null, position: 0 },
    { id: 3, parentId: 1, position: 0 },
    { id: 4, parentId: 3, position: 0 },
  ];
  it('walk the tree in display order', () => {
    expect(preorder(nodes).map((n) => n.id)).toEqual([2, 1, 3, 4]);
    expect(subtreeIds(nodes, 1)).toEqual([1, 3, 4]);
    expect(depthOf(nodes, 4)).toBe(3);
    expect(subtreeHeight(nodes, 1)).toBe(3);
  });

  it('detect a corrupted, cyclic tree instead of looping', () => {
    const cyclic = [
      { id: 1, parentId: 2, position: 0 },
      { id: 2, parentId: 1, position: 0 },
    ];
    expect(() => depthOf(cyclic, 1)).toThrow(/cycle/);
    expect(() => subtreeIds(cyclic, 1)).toThrow(/cycle/);
  });
});

describe('the login snapshot list', () => {
  const asProtocol = () => storage.channels.list().map(({ createdBy: _, ...c }) => c);

  it('is the protocol view of list(), reused between logins and rebuilt after every change', () => {
    const first = storage.channels.protocolList();
    expect(first).toEqual(asProtocol());
    expect(storage.channels.protocolList()).toBe(first);

    const music = make('Music');
    const afterCreate = storage.channels.protocolList();
    expect(afterCreate).not.toBe(first);
    expect(afterCreate).toEqual(asProtocol());

    storage.channels.update(music.id, { name: 'Tunes', position: 0 });
    expect(storage.channels.protocolList()).toEqual(asProtocol());
    expect(storage.channels.protocolList().map((c) => c.name)).toEqual(['Tunes', 'Lobby']);

    storage.channels.delete(music.id);
    expect(storage.channels.protocolList()).toEqual(asProtocol());
    expect(storage.channels.protocolList()).toHaveLength(1);
    expect(Object.isFrozen(storage.channels.protocolList()[0])).toBe(true);
  });

  it('walks a wide and deep tree in display order', () => {
    // 40 top-level channels with a chain below each: preorder must stay parents-first.
    const nodes = Array.from({ length: 2000 }, (_, i) => ({
      id: i + 1,
      parentId: i < 40 ? null : i + 1 - 40,
      position: i < 40 ? 39 - i : 0,
    }));
    const order = preorder(nodes);
    expect(order).toHaveLength(2000);
    expect(order[0]).toMatchObject({ id: 40, parentId: null });
    const seen = new Set<number>();
    for (const node of order) {
      if (node.parentId !== null) expect(seen.has(node.parentId)).toBe(true);
      seen.add(node.id);
    }
    expect(subtreeIds(nodes, 1)).toHaveLength(50);
    expect(subtreeHeight(nodes, 1)).toBe(50);
  });
});

describe('voice settings', () => {
  it('gives new channels voice at the default bitrate, keeps chosen settings, and updates them', () => {
    expect(storage.channels.get(lobby)).toMatchObject({ voice: true, bitrate: LIMITS.voiceBitrateDefault });
    const quiet = storage.channels.create({ parentId: null, name: 'Quiet', createdBy: ALICE, voice: false, bitrate: 24_000 });
    expect(storage.channels.get(quiet.id)).toMatchObject({ voice: false, bitrate: 24_000 });
    const result = storage.channels.update(quiet.id, { voice: true, bitrate: 96_000 });
    expect(result.changed).toBe(true);
    expect(storage.channels.get(quiet.id)).toMatchObject({ voice: true, bitrate: 96_000 });
    expect(storage.channels.protocolList().find((c) => c.id === quiet.id)).toMatchObject({ voice: true, bitrate: 96_000 });
    expect(storage.channels.update(quiet.id, { bitrate: 96_000 }).changed).toBe(false);
  });

  it('refuses bitrates outside the range with CHANNEL_INVALID and changes nothing', () => {
    for (const bitrate of [LIMITS.voiceBitrateMin - 1, LIMITS.voiceBitrateMax + 1, 48_000.5]) {
      expect(failure(() => storage.channels.update(lobby, { bitrate })).code).toBe(ErrorCode.CHANNEL_INVALID);
      expect(failure(() => storage.channels.create({ parentId: null, name: `B${bitrate}`, createdBy: ALICE, bitrate })).code).toBe(ErrorCode.CHANNEL_INVALID);
    }
    expect(storage.channels.get(lobby)?.bitrate).toBe(LIMITS.voiceBitrateDefault);
  });
});
