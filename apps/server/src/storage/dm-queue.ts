/**
 * The DM queue: ciphertext of two-member MLS groups (Welcomes and PrivateMessages) kept per
 * recipient until they acknowledge it. The server cannot read what it stores; it only bounds
 * how much waits per recipient (count and bytes) and drops what waited too long.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';

export type DmKind = 'welcome' | 'message';

export interface NewDm {
  recipient: string;
  sender: string;
  /** The sender's 32-byte identity key, as they logged in with it. */
  senderKey: Uint8Array;
  groupId: string;
  kind: DmKind;
  payload: Uint8Array;
}

export interface QueuedDm extends NewDm {
  id: number;
  /** Wall clock (ms since 1970) when it was queued. */
  sentAt: number;
}

export interface DmQueueOptions {
  /** Most messages waiting per recipient. */
  maxMessages?: number;
  /** Most payload bytes waiting per recipient. */
  maxBytes?: number;
  now?: () => number;
}

interface Row {
  id: number;
  recipient: string;
  sender: string;
  sender_key: Buffer;
  group_id: string;
  kind: DmKind;
  payload: Buffer;
  sent_at: number;
}

const fromRow = (row: Row): QueuedDm => ({
  id: row.id,
  recipient: row.recipient,
  sender: row.sender,
  senderKey: new Uint8Array(row.sender_key),
  groupId: row.group_id,
  kind: row.kind,
  payload: new Uint8Array(row.payload),
  sentAt: row.sent_at,
});

export class DmQueueRepository {
  readonly maxMessages: number;
  readonly maxBytes: number;
  private readonly now: () => number;
  private readonly usage: Statement<[string], { n: number; bytes: number }>;
  private readonly insert: Statement<[string, string, Buffer, string, string, Buffer, number, number]>;
  private readonly after: Statement<[string, number, number], Row>;
  private readonly deleteOne: Statement<[number, string]>;
  private readonly deleteOlder: Statement<[number]>;

  constructor(
    private readonly db: Database,
    options: DmQueueOptions = {},
  ) {
    this.maxMessages = options.maxMessages ?? LIMITS.dmQueueMaxMessages;
    this.maxBytes = options.maxBytes ?? LIMITS.dmQueueMaxBytes;
    this.now = options.now ?? Date.now;
    this.usage = db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM dm_queue WHERE recipient = ?');
    this.insert = db.prepare(
      `INSERT INTO dm_queue (recipient, sender, sender_key, group_id, kind, payload, size, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.after = db.prepare('SELECT * FROM dm_queue WHERE recipient = ? AND id > ? ORDER BY id LIMIT ?');
    this.deleteOne = db.prepare('DELETE FROM dm_queue WHERE id = ? AND recipient = ?');
    this.deleteOlder = db.prepare('DELETE FROM dm_queue WHERE sent_at < ?');
  }

  /** Messages and payload bytes waiting for `recipient`. */
  usageOf(recipient: string): { messages: number; bytes: number } {
    const row = this.usage.get(recipient);
    return { messages: row?.n ?? 0, bytes: row?.bytes ?? 0 };
  }

  /**
   * Queues one message, or throws QUEUE_FULL (storing nothing) if the recipient already has
   * as many messages or bytes waiting as allowed. The check and the insert share one
   * IMMEDIATE transaction, so two senders cannot both squeeze past the bound.
   */
  enqueue(dm: NewDm): QueuedDm {
    return this.db
      .transaction((): QueuedDm => {
        const { messages, bytes } = this.usageOf(dm.recipient);
        if (messages + 1 > this.maxMessages || bytes + dm.payload.length > this.maxBytes) {
          throw new ProtocolError(
            ErrorCode.QUEUE_FULL,
            `that user has ${messages} undelivered messages (${bytes} bytes) waiting; at most ${this.maxMessages} messages or ${this.maxBytes} bytes are kept`,
          );
        }
        const sentAt = this.now();
        const result = this.insert.run(
          dm.recipient,
          dm.sender,
          Buffer.from(dm.senderKey),
          dm.groupId,
          dm.kind,
          Buffer.from(dm.payload),
          dm.payload.length,
          sentAt,
        );
        return { ...dm, id: Number(result.lastInsertRowid), sentAt };
      })
      .immediate();
  }

  /** Up to `limit` of the recipient's messages with an id above `afterId`, oldest first. */
  pending(recipient: string, afterId = 0, limit = this.maxMessages): QueuedDm[] {
    return this.after.all(recipient, afterId, limit).map(fromRow);
  }

  /** Deletes those of `ids` that are queued for `recipient` (others are ignored); returns how many. */
  ack(recipient: string, ids: readonly number[]): number {
    return this.db.transaction(() => {
      let deleted = 0;
      for (const id of new Set(ids)) deleted += this.deleteOne.run(id, recipient).changes;
      return deleted;
    })();
  }

  /** Deletes every message queued longer than `retentionMs` ago; returns how many. */
  sweep(retentionMs: number): number {
    return this.deleteOlder.run(this.now() - retentionMs).changes;
  }
}
