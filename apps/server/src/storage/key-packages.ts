/**
 * The stock of MLS key packages each user keeps on the server so others can add them to a
 * group while they are offline. One-time packages are handed out once (claim deletes the
 * oldest); the last-resort package (at most one per user) is handed out when none is left and
 * kept. Key packages are public material (identity key, HPKE init key, signatures); this
 * repository stores bytes that the handler has already verified.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';

export interface KeyPackageStock {
  /** One-time key packages stored. */
  stock: number;
  hasLastResort: boolean;
}

export interface ClaimedKeyPackage {
  bytes: Uint8Array;
  lastResort: boolean;
  /** One-time key packages left after this claim. */
  stock: number;
}

export interface KeyPackageOptions {
  /** Most one-time key packages kept per user. */
  maxStored?: number;
  now?: () => number;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class KeyPackageRepository {
  private readonly maxStored: number;
  private readonly now: () => number;
  private readonly countOneTime: Statement<[string], { n: number }>;
  private readonly lastResortOf: Statement<[string], { bytes: Buffer }>;
  private readonly insert: Statement<[string, Buffer, number, number]>;
  private readonly deleteLastResort: Statement<[string]>;
  private readonly popOldest: Statement<[string], { bytes: Buffer }>;
  private readonly sameBytes: Statement<[string, Buffer], { n: number }>;

  constructor(
    private readonly db: Database,
    options: KeyPackageOptions = {},
  ) {
    this.maxStored = options.maxStored ?? LIMITS.maxStoredKeyPackages;
    this.now = options.now ?? Date.now;
    this.countOneTime = db.prepare('SELECT count(*) AS n FROM key_packages WHERE user_id = ? AND last_resort = 0');
    this.lastResortOf = db.prepare('SELECT bytes FROM key_packages WHERE user_id = ? AND last_resort = 1');
    this.insert = db.prepare('INSERT INTO key_packages (user_id, bytes, last_resort, created_at) VALUES (?, ?, ?, ?)');
    this.deleteLastResort = db.prepare('DELETE FROM key_packages WHERE user_id = ? AND last_resort = 1');
    this.popOldest = db.prepare(
      `DELETE FROM key_packages WHERE id = (
         SELECT id FROM key_packages WHERE user_id = ? AND last_resort = 0 ORDER BY id LIMIT 1
       ) RETURNING bytes`,
    );
    this.sameBytes = db.prepare('SELECT count(*) AS n FROM key_packages WHERE user_id = ? AND bytes = ?');
  }

  stock(userId: string): KeyPackageStock {
    return {
      stock: this.countOneTime.get(userId)?.n ?? 0,
      hasLastResort: this.lastResortOf.get(userId) !== undefined,
    };
  }

  /**
   * Stores one-time packages and/or replaces the last-resort one, all or nothing. Throws
   * KEY_PACKAGES_FULL if the one-time stock would exceed the cap, INVALID_PAYLOAD for a
   * package that is already stored (or given twice). Returns the one-time stock afterwards.
   */
  upload(userId: string, oneTime: readonly Uint8Array[], lastResort: Uint8Array | null): number {
    return this.db.transaction(() => {
      const before = this.countOneTime.get(userId)?.n ?? 0;
      if (before + oneTime.length > this.maxStored) {
        throw new ProtocolError(
          ErrorCode.KEY_PACKAGES_FULL,
          `the server keeps at most ${this.maxStored} one-time key packages per user; ${before} are stored, ${oneTime.length} more do not fit`,
        );
      }
      const t = this.now();
      if (lastResort) this.deleteLastResort.run(userId);
      const all: [Uint8Array, number][] = [...oneTime.map((b): [Uint8Array, number] => [b, 0])];
      if (lastResort) all.push([lastResort, 1]);
      for (const [bytes, flag] of all) {
        const blob = Buffer.from(bytes);
        if ((this.sameBytes.get(userId, blob)?.n ?? 0) > 0) throw ProtocolError.invalidPayload('a key package was uploaded twice');
        try {
          this.insert.run(userId, blob, flag, t);
        } catch (error) {
          if (isUniqueViolation(error)) throw ProtocolError.invalidPayload('only one last-resort key package per user');
          throw error;
        }
      }
      return before + oneTime.length;
    }).immediate();
  }

  /**
   * Hands out the user's oldest one-time package and deletes it, in one IMMEDIATE
   * transaction (no two claims get the same one); with none left, the last-resort package
   * (kept). Null if the user has neither.
   */
  claim(userId: string): ClaimedKeyPackage | null {
    return this.db.transaction((): ClaimedKeyPackage | null => {
      const popped = this.popOldest.get(userId);
      const stock = this.countOneTime.get(userId)?.n ?? 0;
      if (popped) return { bytes: new Uint8Array(popped.bytes), lastResort: false, stock };
      const fallback = this.lastResortOf.get(userId);
      return fallback ? { bytes: new Uint8Array(fallback.bytes), lastResort: true, stock } : null;
    }).immediate();
  }
}
