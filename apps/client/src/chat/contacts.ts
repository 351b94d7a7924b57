// The people one has talked to, by the key they used: which name belonged to which key, and
// whom one verified by safety number. A name reappearing with another key (the old owner
// renamed, a lying server) is a key change the person must see before trusting new messages.
import { nameKey } from '@lemon/protocol';

export interface Contact {
  userId: string;
  /** Base64url Ed25519 public key (the user id is derived from it). */
  publicKey: string;
  /** The name they had when last seen talking. */
  name: string;
  verified: boolean;
}

export interface ContactUser {
  id: string;
  displayName: string;
  publicKey: string;
}

export interface KeyChange {
  /** The one now using the name. */
  user: ContactUser;
  /** The key one talked to under that name before. */
  previous: Contact;
}

/** Most contacts kept (channel authors count too); the oldest unverified ones go first. */
export const MAX_CONTACTS = 2000;

export class Contacts {
  private readonly byId = new Map<string, Contact>();
  /** Name key → the user id last talked to under that name. */
  private readonly byName = new Map<string, string>();

  get(userId: string): Contact | undefined {
    return this.byId.get(userId);
  }

  isVerified(userId: string): boolean {
    return this.byId.get(userId)?.verified ?? false;
  }

  /** We exchanged messages with `user`; returns true when something changed (worth saving). */
  talkedTo(user: ContactUser): boolean {
    const key = nameKey(user.displayName);
    const known = this.byId.get(user.id);
    // A name we know for another key stays claimed by that key until the person accepts the change.
    const claimedByOther = this.byName.has(key) && this.byName.get(key) !== user.id;
    if (known && known.name === user.displayName && !claimedByOther && this.byName.get(key) === user.id) return false;
    this.byId.delete(user.id);
    this.byId.set(user.id, { userId: user.id, publicKey: user.publicKey, name: user.displayName, verified: known?.verified ?? false });
    if (!claimedByOther) this.byName.set(key, user.id);
    this.trim();
    return true;
  }

  setVerified(user: ContactUser, verified: boolean): void {
    this.talkedTo(user);
    const contact = this.byId.get(user.id)!;
    contact.verified = verified;
    if (verified) this.byName.set(nameKey(user.displayName), user.id);
  }

  /** The person saw the warning and takes the new key for that name. */
  accept(user: ContactUser): void {
    this.byName.set(nameKey(user.displayName), user.id);
    this.talkedTo(user);
  }

  /** Present users whose name we talked to under a different key. */
  keyChanges(users: Iterable<ContactUser>): KeyChange[] {
    const changes: KeyChange[] = [];
    for (const user of users) {
      const previousId = this.byName.get(nameKey(user.displayName));
      const previous = previousId && previousId !== user.id ? this.byId.get(previousId) : undefined;
      if (previous) changes.push({ user, previous });
    }
    return changes;
  }

  export(): { contacts: Contact[]; names: [string, string][] } {
    return { contacts: [...this.byId.values()], names: [...this.byName] };
  }

  import(saved: unknown): void {
    const v = saved as { contacts?: unknown; names?: unknown } | null;
    if (!v || !Array.isArray(v.contacts) || !Array.isArray(v.names)) return;
    for (const c of v.contacts as Partial<Contact>[]) {
      if (typeof c?.userId === 'string' && typeof c.publicKey === 'string' && typeof c.name === 'string') {
        this.byId.set(c.userId, { userId: c.userId, publicKey: c.publicKey, name: c.name, verified: c.verified === true });
      }
    }
    for (const pair of v.names as unknown[]) {
      if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string' && this.byId.has(pair[1])) this.byName.set(pair[0], pair[1]);
    }
  }

  private trim(): void {
    for (const [id, contact] of this.byId) {
      if (this.byId.size <= MAX_CONTACTS) return;
      if (contact.verified) continue;
      this.byId.delete(id);
      for (const [name, owner] of this.byName) if (owner === id) this.byName.delete(name);
    }
  }
}
