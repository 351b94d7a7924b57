/**
 * The channel tree, stored. Rules enforced here, inside one transaction per change:
 * - names are normalised (NAME_INVALID) and unique among siblings, compared by nameKey
 *   (CHANNEL_INVALID);
 * - a channel's depth (top level = 1) never exceeds LIMITS.channelMaxDepth (CHANNEL_INVALID);
 * - a channel cannot move below itself or its descendants (CHANNEL_INVALID);
 * - the default channel (the Lobby) stays at the top level and cannot be deleted (FORBIDDEN);
 * - positions among siblings are dense (0, 1, 2, …); a move or delete renumbers the siblings
 *   and reports which of them changed;
 * - at most `maxChannels` channels exist (CHANNEL_INVALID);
 * - ids come from AUTOINCREMENT, so a deleted channel's id is never handed out again.
 * Who may change what is decided by the handlers, not here.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ErrorCode, LIMITS, ProtocolError, nameKey, normalizeChannelName, type Channel } from '@lemon/protocol';
import { childrenOf, depthOf, isInSubtree, preorder, subtreeHeight, subtreeIds } from './channel-tree';
import { DEFAULT_CHANNEL_SETTING } from './migrations';
import { nameInvalid } from './name-problems';
import { SettingsRepository } from './settings';

export interface StoredChannel {
  id: number;
  parentId: number | null;
  position: number;
  name: string;
  description: string;
  /** User id of the creator; null for the default channel. */
  createdBy: string | null;
  voice: boolean;
  bitrate: number;
}

interface ChannelRow {
  id: number;
  parent_id: number | null;
  position: number;
  name: string;
  description: string;
  created_by: string | null;
  voice: number;
  bitrate: number;
}

export interface ChannelCreate {
  parentId: number | null;
  name: string;
  description?: string | undefined;
  createdBy: string;
  voice?: boolean | undefined;
  bitrate?: number | undefined;
}

export interface ChannelChanges {
  name?: string | undefined;
  description?: string | undefined;
  /** Present (null or an id) to move the channel; absent to keep its parent. */
  parentId?: number | null | undefined;
  /** Index among the (new) siblings; clamped to the end. */
  position?: number | undefined;
  voice?: boolean | undefined;
  bitrate?: number | undefined;
}

export interface ChannelChangeResult {
  channel: StoredChannel;
  /** Other channels whose position changed as a consequence. */
  reordered: StoredChannel[];
  /** Whether anything about `channel` itself changed. */
  changed: boolean;
}

export function toProtocolChannel(c: StoredChannel): Channel {
  return { id: c.id, parentId: c.parentId, name: c.name, description: c.description, position: c.position, voice: c.voice, bitrate: c.bitrate };
}

// Control characters other than newline and tab, and the bidirectional overrides that
// would let a description display as something other than what it is.
const DESCRIPTION_FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF]/u;

export function normalizeDescription(raw: string): string {
  const text = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (DESCRIPTION_FORBIDDEN.test(text)) {
    throw new ProtocolError(ErrorCode.CHANNEL_INVALID, 'the description contains control characters');
  }
  if ([...text].length > LIMITS.channelDescriptionMaxChars) {
    throw new ProtocolError(ErrorCode.CHANNEL_INVALID, `the description is longer than ${LIMITS.channelDescriptionMaxChars} characters`);
  }
  return text;
}

function checkedName(raw: string): string {
  const check = normalizeChannelName(raw);
  if (!check.ok) throw nameInvalid('channel name', check.problem, LIMITS.channelNameMaxChars);
  return check.name;
}

function toChannel(row: ChannelRow): StoredChannel {
  return {
    id: row.id,
    parentId: row.parent_id,
    position: row.position,
    name: row.name,
    description: row.description,
    createdBy: row.created_by,
    voice: row.voice === 1,
    bitrate: row.bitrate,
  };
}

/** The protocol's schema checks requests; this guards the repository's other callers too. */
function checkedBitrate(bitrate: number): number {
  if (!Number.isInteger(bitrate) || bitrate < LIMITS.voiceBitrateMin || bitrate > LIMITS.voiceBitrateMax) {
    throw invalid(`the voice bitrate must be ${LIMITS.voiceBitrateMin}–${LIMITS.voiceBitrateMax} bit/s`);
  }
  return bitrate;
}

const invalid = (message: string) => new ProtocolError(ErrorCode.CHANNEL_INVALID, message);
const noSuchChannel = (id: number) => new ProtocolError(ErrorCode.NO_SUCH_CHANNEL, `channel ${id} does not exist`);

export class ChannelRepository {
  /** The channel everyone starts in (the Lobby made by the first migration). */
  readonly defaultChannelId: number;
  private readonly selectAll: Statement<[], ChannelRow>;
  private readonly selectOne: Statement<[number], ChannelRow>;
  private readonly insert: Statement<[number | null, number, string, string, string, string, number, number, number]>;
  private readonly updateRow: Statement<[number | null, number, string, string, string, number, number, number]>;
  private readonly updatePosition: Statement<[number, number]>;
  private readonly deleteRow: Statement<[number]>;
  private cachedProtocolList: readonly Channel[] | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: { maxChannels: number; now?: () => number },
  ) {
    const stored = new SettingsRepository(db).get(DEFAULT_CHANNEL_SETTING);
    const id = Number(stored);
    if (stored === null || !Number.isSafeInteger(id)) throw new Error('the database names no default channel');
    this.defaultChannelId = id;
    const columns = 'id, parent_id, position, name, description, created_by, voice, bitrate';
    this.selectAll = db.prepare(`SELECT ${columns} FROM channels`);
    this.selectOne = db.prepare(`SELECT ${columns} FROM channels WHERE id = ?`);
    this.insert = db.prepare(
      `INSERT INTO channels (parent_id, position, name, name_key, description, created_by, created_at, voice, bitrate)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateRow = db.prepare(
      'UPDATE channels SET parent_id = ?, position = ?, name = ?, name_key = ?, description = ?, voice = ?, bitrate = ? WHERE id = ?',
    );
    this.updatePosition = db.prepare('UPDATE channels SET position = ? WHERE id = ?');
    this.deleteRow = db.prepare('DELETE FROM channels WHERE id = ?');
    if (!this.get(id)) throw new Error(`the default channel ${id} is missing from the database`);
  }

  /** Every channel, parents before children, siblings by position. */
  list(): StoredChannel[] {
    return preorder(this.selectAll.all().map(toChannel));
  }

  /**
   * The same list as the protocol shows it (the login snapshot), built once and kept until
   * the next create, update or delete through this repository. Frozen: shared by every login.
   */
  protocolList(): readonly Channel[] {
    this.cachedProtocolList ??= Object.freeze(this.list().map((c) => Object.freeze(toProtocolChannel(c))));
    return this.cachedProtocolList;
  }

  get(id: number): StoredChannel | null {
    const row = this.selectOne.get(id);
    return row ? toChannel(row) : null;
  }

  create(input: ChannelCreate): StoredChannel {
    const name = checkedName(input.name);
    const description = normalizeDescription(input.description ?? '');
    const voice = input.voice ?? true;
    const bitrate = checkedBitrate(input.bitrate ?? LIMITS.voiceBitrateDefault);
    this.cachedProtocolList = null;
    return this.db.transaction(() => {
      const all = this.selectAll.all().map(toChannel);
      if (all.length >= this.options.maxChannels) {
        throw invalid(`this server holds at most ${this.options.maxChannels} channels`);
      }
      if (input.parentId !== null) {
        if (!all.some((c) => c.id === input.parentId)) throw noSuchChannel(input.parentId);
        if (depthOf(all, input.parentId) + 1 > LIMITS.channelMaxDepth) {
          throw invalid(`channels nest at most ${LIMITS.channelMaxDepth} levels deep`);
        }
      }
      const siblings = childrenOf(all, input.parentId);
      this.checkSiblingName(siblings, name, null);
      const position = siblings.length;
      const now = (this.options.now ?? Date.now)();
      const result = this.insert.run(input.parentId, position, name, nameKey(name), description, input.createdBy, now, voice ? 1 : 0, bitrate);
      return { id: Number(result.lastInsertRowid), parentId: input.parentId, position, name, description, createdBy: input.createdBy, voice, bitrate };
    })();
  }

  update(id: number, changes: ChannelChanges): ChannelChangeResult {
    const name = changes.name === undefined ? undefined : checkedName(changes.name);
    const description = changes.description === undefined ? undefined : normalizeDescription(changes.description);
    const bitrate = changes.bitrate === undefined ? undefined : checkedBitrate(changes.bitrate);
    this.cachedProtocolList = null;
    return this.db.transaction((): ChannelChangeResult => {
      const all = this.selectAll.all().map(toChannel);
      const current = all.find((c) => c.id === id);
      if (!current) throw noSuchChannel(id);
      const parentId = changes.parentId === undefined ? current.parentId : changes.parentId;
      const moving = parentId !== current.parentId;

      if (moving) {
        if (id === this.defaultChannelId) throw invalid('the default channel stays at the top level');
        if (parentId !== null) {
          if (!all.some((c) => c.id === parentId)) throw noSuchChannel(parentId);
          if (isInSubtree(all, id, parentId)) throw invalid('a channel cannot move below itself');
          if (depthOf(all, parentId) + subtreeHeight(all, id) > LIMITS.channelMaxDepth) {
            throw invalid(`channels nest at most ${LIMITS.channelMaxDepth} levels deep`);
          }
        }
      }
      const finalName = name ?? current.name;
      const siblings = childrenOf(all, parentId).filter((c) => c.id !== id);
      if (name !== undefined || moving) this.checkSiblingName(siblings, finalName, id);

      // Place the channel among its (new) siblings and renumber everyone densely.
      let index: number;
      if (changes.position !== undefined) index = Math.min(changes.position, siblings.length);
      else if (moving) index = siblings.length;
      else index = childrenOf(all, parentId).findIndex((c) => c.id === id);
      const order = [...siblings];
      order.splice(index, 0, current);
      const reordered: StoredChannel[] = [];
      order.forEach((c, position) => {
        if (c.id !== id && c.position !== position) {
          this.updatePosition.run(position, c.id);
          reordered.push({ ...c, position });
        }
      });
      if (moving) reordered.push(...this.renumber(all, current.parentId, id));

      const next: StoredChannel = {
        ...current,
        parentId,
        position: index,
        name: finalName,
        description: description ?? current.description,
        voice: changes.voice ?? current.voice,
        bitrate: bitrate ?? current.bitrate,
      };
      const changed =
        next.parentId !== current.parentId ||
        next.position !== current.position ||
        next.name !== current.name ||
        next.description !== current.description ||
        next.voice !== current.voice ||
        next.bitrate !== current.bitrate;
      if (changed) this.updateRow.run(next.parentId, next.position, next.name, nameKey(next.name), next.description, next.voice ? 1 : 0, next.bitrate, id);
      return { channel: next, reordered, changed };
    })();
  }

  /**
   * Deletes a channel and its whole subtree. Returns the deleted ids (parents first) and
   * the siblings whose position changed. The default channel cannot be deleted.
   */
  delete(id: number): { deleted: number[]; reordered: StoredChannel[] } {
    if (id === this.defaultChannelId) throw new ProtocolError(ErrorCode.FORBIDDEN, 'the default channel cannot be deleted');
    this.cachedProtocolList = null;
    return this.db.transaction(() => {
      const all = this.selectAll.all().map(toChannel);
      const target = all.find((c) => c.id === id);
      if (!target) throw noSuchChannel(id);
      const deleted = subtreeIds(all, id);
      if (deleted.includes(this.defaultChannelId)) {
        throw new ProtocolError(ErrorCode.FORBIDDEN, 'the default channel cannot be deleted');
      }
      this.deleteRow.run(id); // ON DELETE CASCADE removes the subtree
      const reordered = this.renumber(all, target.parentId, id);
      return { deleted, reordered };
    })();
  }

  /** Renumbers `parentId`'s children without `without`; returns those whose position changed. */
  private renumber(all: readonly StoredChannel[], parentId: number | null, without: number): StoredChannel[] {
    const changed: StoredChannel[] = [];
    childrenOf(all, parentId)
      .filter((c) => c.id !== without)
      .forEach((c, position) => {
        if (c.position !== position) {
          this.updatePosition.run(position, c.id);
          changed.push({ ...c, position });
        }
      });
    return changed;
  }

  private checkSiblingName(siblings: readonly StoredChannel[], name: string, self: number | null): void {
    const key = nameKey(name);
    if (siblings.some((s) => s.id !== self && nameKey(s.name) === key)) {
      throw invalid(`a channel with that name already exists there`);
    }
  }
}
