/**
 * Wires the encrypted-chat engines to a Session: feeds server events to the channel group and
 * the DMs, performs the requests they return, keeps key packages stocked, persists the MLS
 * state (through a callback: the app decides where and under which key) and acknowledges DMs
 * only after the state that can read what follows is saved.
 */
import { userIdFromPublicKey, type MlsClient, type SframeContext } from '@lemon/crypto-wasm';
import {
  ErrorCode,
  LIMITS,
  ProtocolError,
  decodeChatPayload,
  encodeChatPayload,
  fromBase64Url,
  toBase64Url,
  type ChatPayload,
  type PictureRef,
  type PictureType,
  type ServerEvent,
} from '@lemon/protocol';
import { Emitter, claimKeyPackage, keepKeyPackagesStocked, type KeyPackageKeeper, type Session } from '@lemon/session';
import { ChannelGroup, type GroupOutput, type GroupRequest, type GroupState } from './channel-group';
import { channelConversation, dmConversation, type ConversationId } from './conversations';
import { DirectMessages, type DmPeer } from './direct-messages';
import { decryptPicture, encryptPicture } from './pictures';

export interface IncomingChat {
  conversation: ConversationId;
  authorId: string;
  authorKey: Uint8Array;
  payload: ChatPayload;
  at: number;
  self: boolean;
}

export type ChatClientEvents = {
  message: [message: IncomingChat];
  /** The channel group's state changed (waiting for the group, joined, new epoch). */
  channel: [state: GroupState];
  /** A DM conversation became available (started by us or by them). */
  peer: [peer: DmPeer];
  /** Something went wrong that is worth showing (never content). */
  problem: [text: string];
};

export interface ChatClientOptions {
  session: Session;
  mls: MlsClient;
  /** Saves the state returned by `exportState()` somewhere safe; awaited before DM acks. */
  persist?: (state: Uint8Array) => Promise<void>;
  /** How long a send waits for the channel group to be ready. */
  readyTimeoutMs?: number;
  /** Key packages kept on the server (fewer make tests and bots cheaper). */
  keyPackageTarget?: number;
  /**
   * The DM peers from `parseState`, with an `mls` restored from the same state. Given here, not
   * later: at start the client leaves every group that is not a known DM group.
   */
  savedPeers?: string;
}

interface SavedState {
  v: 1;
  mls: string;
  peers: string;
}

export class ChatClient extends Emitter<ChatClientEvents> {
  readonly selfId: string;
  private readonly mls: MlsClient;
  private readonly session: Session;
  private group: ChannelGroup | null = null;
  private readonly dms: DirectMessages;
  private keeper: KeyPackageKeeper | null = null;
  private readonly offs: (() => void)[] = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: ChatClientOptions) {
    super((error) => queueMicrotask(() => { throw error; }));
    this.session = options.session;
    this.mls = options.mls;
    this.selfId = userIdFromPublicKey(this.mls.publicKey);
    this.dms = new DirectMessages(this.mls);
    if (options.savedPeers) this.dms.importPeers(options.savedPeers);
  }

  /** The MLS state and DM peers: secret, the caller encrypts it before storing. */
  exportState(): Uint8Array {
    const state: SavedState = { v: 1, mls: toBase64Url(this.mls.exportState()), peers: this.dms.exportPeers() };
    return new TextEncoder().encode(JSON.stringify(state));
  }

  /** Splits saved state into the MLS part (for MlsClient.restore) and applies the rest here. */
  static parseState(bytes: Uint8Array): { mls: Uint8Array; peers: string } | null {
    try {
      const state = JSON.parse(new TextDecoder().decode(bytes)) as SavedState;
      const mls = fromBase64Url(state.mls);
      return state.v === 1 && mls ? { mls, peers: state.peers } : null;
    } catch {
      return null;
    }
  }

  peers(): DmPeer[] {
    return this.dms.allPeers();
  }

  get channelState(): GroupState | null {
    return this.group?.state ?? null;
  }

  /** Whether a channel message could be encrypted right now. */
  get canSendNow(): boolean {
    return this.group?.canSend ?? false;
  }

  epochCode(): Uint8Array | null {
    return this.group?.epochCode() ?? null;
  }

  /** Moves voice keys to the channel group's current epoch; the epoch, or null outside a group. */
  voiceEpoch(sframe: SframeContext): number | null {
    return this.group?.voiceEpoch(sframe) ?? null;
  }

  /** The user id of the channel group member at a leaf (the sender a voice frame names). */
  memberAt(leafIndex: number): string | null {
    const key = this.group?.memberKeyAt(leafIndex);
    return key ? userIdFromPublicKey(key) : null;
  }

  start(): void {
    this.keeper = keepKeyPackagesStocked(
      this.session,
      {
        make: (n) => {
          const packages = this.mls.keyPackages(n);
          // Their private keys exist only in this state: save before they are uploaded.
          void this.save();
          return packages;
        },
        lastResort: () => this.mls.lastResortKeyPackage(),
      },
      {
        target: this.options.keyPackageTarget ?? 50,
        onError: (error) => this.emit('problem', `key packages could not be uploaded (${String(error)})`),
      },
    );
    this.offs.push(
      this.session.on('online', () => this.onOnline()),
      this.session.on('world', () => this.followOwnChannel()),
      this.session.on('event', (event) => this.onEvent(event)),
      this.session.on('state', (state) => {
        if (state !== 'online') this.group?.reset();
      }),
    );
    if (this.session.state === 'online') this.onOnline();
  }

  stop(): void {
    this.keeper?.stop();
    for (const off of this.offs.splice(0)) off();
  }

  private onOnline(): void {
    const serverKey = this.session.server?.serverKey;
    if (!serverKey) return;
    this.group ??= new ChannelGroup(this.mls, serverKey);
    this.group.reset();
    // Channel groups do not survive a reconnect (the server removed us); only DM groups are kept.
    const dmGroups = new Set(this.dms.allPeers().flatMap((p) => p.groupIds));
    for (const groupId of this.mls.groupIds()) if (!dmGroups.has(toBase64Url(groupId))) this.mls.leaveGroup(groupId);
    this.followOwnChannel();
  }

  private followOwnChannel(): void {
    const me = this.session.world?.users.get(this.selfId);
    if (this.group && me) this.apply(this.group.enterChannel(me.channelId));
  }

  private onEvent(event: ServerEvent): void {
    const group = this.group;
    switch (event.event) {
      case 'mls.createRequested':
        if (group) this.apply(group.createRequested(event.data));
        break;
      case 'mls.proposed':
        if (group) this.apply(group.proposed(event.data, event.payload));
        break;
      case 'mls.commitRequested':
        if (group) this.apply(group.commitRequested(event.data));
        break;
      case 'mls.committed':
        if (group) this.apply(group.committed(event.data, event.payload));
        break;
      case 'mls.welcomed':
        if (group) this.apply(group.welcomed(event.data, event.payload));
        break;
      case 'mls.message':
        if (group) this.apply(group.message(event.data, event.payload), event.data.from);
        break;
      case 'dm.message':
        this.onDm(event.data, event.payload);
        break;
      default:
        break;
    }
  }

  private apply(out: GroupOutput, claimedSender?: string): void {
    for (const request of out.requests) this.perform(request);
    for (const message of out.messages) {
      const authorId = userIdFromPublicKey(message.senderKey);
      // The MLS sender is the truth; a relay header naming someone else is a lying server.
      if (claimedSender !== undefined && claimedSender !== authorId) continue;
      const payload = decodeChatPayload(message.plaintext);
      if (!payload) {
        this.emit('problem', 'a channel message was not in a format this client understands');
        continue;
      }
      this.emit('message', { conversation: channelConversation(message.channelId), authorId, authorKey: message.senderKey, payload, at: Date.now(), self: false });
    }
    if (out.state) this.emit('channel', out.state);
    if (out.problem) this.emit('problem', out.problem);
    // No save here: channel groups are left on every login (the server re-adds us), so their
    // state is never restored; saving it on each channel event would only cost I/O.
  }

  private perform(request: GroupRequest): void {
    const group = this.group;
    if (!group) return;
    if (request.type === 'mls.groupInfo') {
      this.session.request('mls.groupInfo', request.data, request.payload).then(
        () => this.apply(group.createSettled(request.data.groupId, true)),
        () => this.apply(group.createSettled(request.data.groupId, false)),
      );
    } else if (request.type === 'mls.commit') {
      this.session.request('mls.commit', request.data, request.payload).then(
        () => this.apply(group.commitSettled(request.data.groupId, 'accepted')),
        (error: ProtocolError) => this.apply(group.commitSettled(request.data.groupId, error.code)),
      );
    } else {
      this.session.request('mls.rejoin', request.data).catch((error: ProtocolError) => this.emit('problem', `could not rejoin the channel group (${error.code})`));
    }
  }

  /** Resolves once the channel group can encrypt, or rejects after readyTimeoutMs. */
  private whenReady(): Promise<ChannelGroup> {
    const group = this.group;
    if (group?.canSend) return Promise.resolve(group);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new ProtocolError(ErrorCode.NOT_IN_GROUP, 'the encrypted channel group is not ready'));
      }, this.options.readyTimeoutMs ?? 10_000);
      const check = () => {
        if (this.group?.canSend) {
          clearTimeout(timer);
          off();
          resolve(this.group);
        }
      };
      const off = this.on('channel', () => queueMicrotask(check));
    });
  }

  /** Encrypts and sends to everyone in our channel; resolves once the server relayed it. */
  async sendToChannel(payload: ChatPayload): Promise<IncomingChat> {
    const plaintext = encodeChatPayload(payload);
    const group = await this.whenReady();
    const sealed = group.encrypt(plaintext);
    if (!sealed) throw new ProtocolError(ErrorCode.NOT_IN_GROUP, 'the encrypted channel group is not ready');
    await this.session.request('mls.send', { channelId: sealed.channelId, groupId: sealed.groupId }, sealed.payload);
    const mine: IncomingChat = { conversation: channelConversation(sealed.channelId), authorId: this.selfId, authorKey: this.mls.publicKey, payload, at: Date.now(), self: true };
    this.emit('message', mine);
    return mine;
  }

  /** Encrypts and sends a DM (starting the conversation if needed); queued by the server if they are offline. */
  async sendDm(userId: string, payload: ChatPayload): Promise<IncomingChat> {
    const plaintext = encodeChatPayload(payload);
    if (!this.dms.peer(userId)?.groupIds.length) {
      const keyPackage = await claimKeyPackage(this.session, userId);
      const started = this.dms.start(userId, keyPackage);
      await this.save();
      await this.session.request('dm.send', { to: userId, groupId: started.groupId, kind: 'welcome' }, started.welcome);
      this.emit('peer', started.peer);
    }
    const sealed = this.dms.encrypt(userId, plaintext);
    await this.save();
    await this.session.request('dm.send', { to: userId, groupId: sealed.groupId, kind: 'message' }, sealed.payload);
    const mine: IncomingChat = { conversation: dmConversation(userId), authorId: this.selfId, authorKey: this.mls.publicKey, payload, at: Date.now(), self: true };
    this.emit('message', mine);
    return mine;
  }

  private onDm(data: Extract<ServerEvent, { event: 'dm.message' }>['data'], payload: Uint8Array): void {
    const result = this.dms.receive(data, payload);
    if (result.kind === 'joined') this.emit('peer', result.peer);
    if (result.kind === 'ignored') this.emit('problem', result.problem);
    if (result.kind === 'message') {
      const decoded = decodeChatPayload(result.plaintext);
      if (decoded) {
        this.emit('message', { conversation: dmConversation(data.from), authorId: data.from, authorKey: result.peer.publicKey, payload: decoded, at: data.sentAt, self: false });
      } else {
        this.emit('problem', 'a direct message was not in a format this client understands');
      }
    }
    // Acknowledge only once the state that processed it is saved: a crash in between means
    // the message comes again, never that it is lost.
    void this.save().then(() => this.session.request('dm.ack', { messageIds: [data.messageId] }).catch(() => undefined));
  }

  /** Saves the state, one save at a time, in call order. */
  save(): Promise<void> {
    const persist = this.options.persist;
    if (!persist) return Promise.resolve();
    this.saving = this.saving.then(() => persist(this.exportState())).catch((error: unknown) => {
      this.emit('problem', `the encrypted chat state could not be saved (${String(error)})`);
    });
    return this.saving;
  }

  /** Encrypts a picture and uploads it; the returned reference goes into a picture message. */
  async uploadPicture(bytes: Uint8Array, type: PictureType, name?: string, size?: { width: number; height: number }): Promise<PictureRef> {
    const sealed = await encryptPicture(bytes);
    const { blobId, chunkBytes } = await this.session.request('blob.begin', { size: sealed.ciphertext.length });
    const step = Math.min(chunkBytes, LIMITS.blobChunkBytes);
    for (let offset = 0; offset < sealed.ciphertext.length; offset += step) {
      await this.session.request('blob.chunk', { blobId, offset }, sealed.ciphertext.subarray(offset, offset + step));
    }
    return {
      blobId,
      key: toBase64Url(sealed.key),
      nonce: toBase64Url(sealed.nonce),
      sha256: toBase64Url(sealed.sha256),
      size: sealed.ciphertext.length,
      type,
      ...(name ? { name: name.slice(0, 255) } : {}),
      ...(size ? size : {}),
    };
  }

  /** Downloads, checks and decrypts a picture; a few chunks in flight at a time. */
  async downloadPicture(ref: PictureRef): Promise<Uint8Array> {
    const out = new Uint8Array(ref.size);
    const offsets: number[] = [];
    for (let offset = 0; offset < ref.size; offset += LIMITS.blobChunkBytes) offsets.push(offset);
    const worker = async () => {
      for (let offset = offsets.shift(); offset !== undefined; offset = offsets.shift()) {
        const length = Math.min(LIMITS.blobChunkBytes, ref.size - offset);
        const chunk = await this.session.request('blob.read', { blobId: ref.blobId, offset, length });
        if (chunk.payload.length !== length || chunk.size !== ref.size) throw new ProtocolError(ErrorCode.NO_SUCH_BLOB, 'the stored picture has another size');
        out.set(chunk.payload, offset);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return decryptPicture(out, fromBase64Url(ref.key)!, fromBase64Url(ref.nonce)!, fromBase64Url(ref.sha256)!);
  }
}
