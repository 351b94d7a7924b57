/**
 * Users known to this server: public key, derived id, display name, first/last seen.
 * Display names are unique across ALL stored users (online or not) through a UNIQUE
 * column holding `nameKey(name)`, so "Alice", "ALICE" and full-width "Ａｌｉｃｅ" collide.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ErrorCode, LIMITS, ProtocolError, bytesEqual, nameKey, normalizeDisplayName } from '@lemon/protocol';
import { nameInvalid } from './name-problems';

export interface StoredUser {
  id: string;
  publicKey: Uint8Array;
  displayName: string;
  firstSeen: number;
  lastSeen: number;
}

interface UserRow {
  id: string;
  public_key: Buffer;
  display_name: string;
  first_seen: number;
  last_seen: number;
}

/** The name a new user gets when the one they asked for is not allowed. */
export const FALLBACK_DISPLAY_NAME = 'User';

function toUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    publicKey: new Uint8Array(row.public_key),
    displayName: row.display_name,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class UserRepository {
  private readonly byId: Statement<[string], UserRow>;
  private readonly ownerOfKey: Statement<[string], { id: string }>;
  private readonly keysInRange: Statement<[string, string], { name_key: string }>;
  private readonly insert: Statement<[string, Buffer, string, string, number, number]>;
  private readonly updateName: Statement<[string, string, string]>;
  private readonly updateLastSeen: Statement<[number, string]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.ownerOfKey = db.prepare('SELECT id FROM users WHERE name_key = ?');
    this.keysInRange = db.prepare('SELECT name_key FROM users WHERE name_key >= ? AND name_key < ?');
    this.insert = db.prepare(
      'INSERT INTO users (id, public_key, display_name, name_key, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateName = db.prepare('UPDATE users SET display_name = ?, name_key = ? WHERE id = ?');
    this.updateLastSeen = db.prepare('UPDATE users SET last_seen = ? WHERE id = ?');
  }

  get(id: string): StoredUser | null {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  /**
   * The user for a verified login: a known user keeps their stored name (and gets
   * last_seen updated); a new user is stored under `wantedName` normalised (or "User"
   * if that is not a valid name), made unique with " 2", " 3"… if needed.
   */
  loginOrCreate(id: string, publicKey: Uint8Array, wantedName: string): { user: StoredUser; created: boolean } {
    return this.db.transaction(() => {
      const t = this.now();
      const known = this.get(id);
      if (known) {
        if (!bytesEqual(known.publicKey, publicKey)) throw new Error('stored public key does not match the user id');
        this.updateLastSeen.run(t, id);
        return { user: { ...known, lastSeen: t }, created: false };
      }
      const check = normalizeDisplayName(wantedName);
      const displayName = this.uniqueName(check.ok ? check.name : FALLBACK_DISPLAY_NAME);
      this.insert.run(id, Buffer.from(publicKey), displayName, nameKey(displayName), t, t);
      return { user: { id, publicKey, displayName, firstSeen: t, lastSeen: t }, created: true };
    })();
  }

  /**
   * Renames a user. Throws NAME_INVALID or NAME_TAKEN. Changing only the case (or width)
   * of your own name is allowed. Returns the stored (normalised) name.
   */
  rename(id: string, rawName: string): string {
    const check = normalizeDisplayName(rawName);
    if (!check.ok) throw nameInvalid('display name', check.problem, LIMITS.displayNameMaxChars);
    const key = nameKey(check.name);
    const owner = this.ownerOfKey.get(key);
    if (owner && owner.id !== id) throw new ProtocolError(ErrorCode.NAME_TAKEN);
    try {
      const result = this.updateName.run(check.name, key, id);
      if (result.changes !== 1) throw new Error('rename of an unknown user');
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProtocolError(ErrorCode.NAME_TAKEN);
      throw error;
    }
    return check.name;
  }

  touch(id: string): void {
    this.updateLastSeen.run(this.now(), id);
  }

  /** `name` itself if free, else the first free "name N" (N = 2, 3, …) within the length limit. */
  private uniqueName(name: string): string {
    if (!this.ownerOfKey.get(nameKey(name))) return name;
    const chars = [...name];
    let prefix: string | null = null;
    let taken = new Set<string>();
    for (let n = 2; ; n++) {
      const suffix = ` ${n}`;
      const base = chars
        .slice(0, LIMITS.displayNameMaxChars - suffix.length)
        .join('')
        .trimEnd();
      if (base !== prefix) {
        // One indexed range query per prefix instead of one lookup per candidate.
        prefix = base;
        const low = nameKey(`${base} `);
        taken = new Set(this.keysInRange.all(low, `${low}\u{10FFFF}`).map((r) => r.name_key));
      }
      const candidate = `${base}${suffix}`;
      if (!taken.has(nameKey(candidate))) return candidate;
    }
  }
}
