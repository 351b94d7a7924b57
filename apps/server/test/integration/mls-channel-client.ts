/**
 * A minimal channel-group client for integration tests: a real MlsClient behind a real
 * session, answering the server's mls.* events the way the app does (create, process
 * proposals, commit when asked, process commits, join from Welcomes, decrypt messages).
 * Events are handled one at a time, in order, each to the end (including its request).
 */
import { MlsClient, type MlsMember } from '@lemon/crypto-wasm';
import { ErrorCode, ProtocolError, bytesEqual, fromBase64Url, toBase64Url, type ServerEvent } from '@lemon/protocol';
import type { TestClient } from './helpers';

const CREDENTIAL = new TextEncoder().encode('lemon-server');

/** Called whenever any ChannelMember handled an event. */
const listeners = new Set<() => void>();
function changed(): void {
  for (const l of [...listeners]) l();
}

/** Resolves once `condition` holds (checked after every handled event), or rejects after `timeoutMs`. */
export function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      let ok = false;
      try {
        ok = condition();
      } catch {
        ok = false;
      }
      if (!ok) return;
      clearTimeout(timer);
      listeners.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      listeners.delete(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    listeners.add(check);
  });
}

export interface Received {
  from: string;
  text: string;
  epoch: number;
}

export class ChannelMember {
  readonly mls: MlsClient;
  groupId: Uint8Array | null = null;
  readonly received: Received[] = [];
  /** Raw mls.message payloads seen (ciphertext), to show others cannot read them. */
  readonly ciphertexts: Uint8Array[] = [];
  readonly errors: unknown[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly off: () => void;

  constructor(
    readonly client: TestClient,
    readonly name: string,
  ) {
    this.mls = MlsClient.create(client.identity.exportSecretKey());
    this.off = client.session.on('event', (e) => {
      this.queue = this.queue
        .then(() => this.handle(e))
        .catch((error: unknown) => {
          this.errors.push(error);
        })
        .finally(changed);
    });
  }

  get userId(): string {
    return this.client.identity.userId;
  }

  get channelId(): number {
    const channelId = (this.client.session.world ?? this.client.world).users.get(this.userId)?.channelId;
    if (channelId === undefined) throw new Error(`${this.name} is not online`);
    return channelId;
  }

  /** Puts key packages on the server, which makes this user eligible for its channel's group. */
  async uploadKeyPackages(count = 5): Promise<void> {
    await this.client.session.request('keyPackages.upload', {
      keyPackages: this.mls.keyPackages(count).map(toBase64Url),
      lastResort: toBase64Url(this.mls.lastResortKeyPackage()),
    });
  }

  epoch(): number {
    return this.groupId ? this.mls.epoch(this.groupId) : -1;
  }

  members(): MlsMember[] {
    return this.groupId ? this.mls.members(this.groupId) : [];
  }

  authenticator(): string {
    return this.groupId ? toBase64Url(this.mls.epochAuthenticator(this.groupId)) : '';
  }

  async say(text: string): Promise<number> {
    const groupId = this.groupId;
    if (!groupId) throw new Error(`${this.name} is in no group`);
    const payload = this.mls.encrypt(groupId, new TextEncoder().encode(text));
    const answer = await this.client.session.request('mls.send', { channelId: this.channelId, groupId: toBase64Url(groupId) }, payload);
    return answer.epoch;
  }

  /** Drops the local group state (as if it broke) and asks the server to be removed and re-added. */
  async rejoin(): Promise<void> {
    const channelId = this.channelId;
    this.queue = this.queue.then(() => {
      if (this.groupId) this.mls.leaveGroup(this.groupId);
      this.groupId = null;
    });
    await this.queue;
    await this.client.session.request('mls.rejoin', { channelId });
  }

  stop(): void {
    this.off();
  }

  private isOurs(groupId: string): Uint8Array | null {
    const bytes = fromBase64Url(groupId);
    return bytes && this.groupId && bytesEqual(bytes, this.groupId) ? bytes : null;
  }

  private async handle(e: ServerEvent): Promise<void> {
    const serverKey = this.client.session.server?.serverKey;
    switch (e.event) {
      case 'mls.createRequested': {
        if (!serverKey) throw new Error('no server key');
        const groupId = fromBase64Url(e.data.groupId)!;
        if (this.groupId) this.mls.leaveGroup(this.groupId);
        this.mls.createGroup(groupId, serverKey, CREDENTIAL);
        this.groupId = groupId;
        await this.client.session.request('mls.groupInfo', e.data, this.mls.groupInfo(groupId));
        return;
      }
      case 'mls.proposed': {
        const groupId = this.isOurs(e.data.groupId);
        if (groupId) this.mls.processMessage(groupId, e.payload);
        return;
      }
      case 'mls.commitRequested': {
        const groupId = this.isOurs(e.data.groupId);
        if (!groupId || this.mls.epoch(groupId) !== e.data.epoch) return;
        const bundle = this.mls.commitPendingProposals(groupId);
        const welcome = bundle.welcome ?? new Uint8Array(0);
        const payload = new Uint8Array(bundle.commit.length + welcome.length);
        payload.set(bundle.commit);
        payload.set(welcome, bundle.commit.length);
        try {
          await this.client.session.request(
            'mls.commit',
            { channelId: e.data.channelId, groupId: e.data.groupId, epoch: e.data.epoch, commitBytes: bundle.commit.length },
            payload,
          );
          this.mls.mergePendingCommit(groupId);
        } catch (error) {
          this.mls.clearPendingCommit(groupId);
          if (!(error instanceof ProtocolError && error.code === ErrorCode.STALE_EPOCH)) throw error;
        }
        return;
      }
      case 'mls.committed': {
        const groupId = this.isOurs(e.data.groupId);
        if (!groupId) return;
        const result = this.mls.processMessage(groupId, e.payload);
        if (result.kind === 'commit' && result.removed) this.groupId = null;
        return;
      }
      case 'mls.welcomed': {
        if (this.groupId) this.mls.leaveGroup(this.groupId);
        this.groupId = this.mls.joinFromWelcome(e.payload);
        return;
      }
      case 'mls.message': {
        this.ciphertexts.push(e.payload);
        const groupId = this.isOurs(e.data.groupId);
        if (!groupId) return;
        const result = this.mls.processMessage(groupId, e.payload);
        if (result.kind === 'application') {
          this.received.push({ from: e.data.from, text: new TextDecoder().decode(result.plaintext), epoch: result.epoch });
        }
        return;
      }
      default:
        return;
    }
  }
}

/** Everyone in `members` is in the same group, at the same epoch, with exactly them as members. */
export function inSync(members: readonly ChannelMember[]): boolean {
  const first = members[0];
  if (!first?.groupId) return false;
  const keys = new Set(members.map((m) => toBase64Url(m.client.identity.publicKey)));
  return members.every(
    (m) =>
      m.groupId !== null &&
      bytesEqual(m.groupId, first.groupId as Uint8Array) &&
      m.epoch() === first.epoch() &&
      m.authenticator() === first.authenticator() &&
      m.members().length === keys.size &&
      m.members().every((x) => keys.has(toBase64Url(x.publicKey))),
  );
}
