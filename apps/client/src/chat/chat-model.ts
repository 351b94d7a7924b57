// What the chat views read and do, for one connection: the ChatClient (encrypted channel chat
// and DMs) plus what a person sees around it — tabs, unread counts, pictures as object URLs,
// pokes, contacts and their verification, key-change warnings — and the sealed saved state.
// Views read its accessors and call its actions; only this module talks to the ChatClient.
import { batch, createSignal, type Accessor } from 'solid-js';
import { ChatClient, Conversations, MEMBERSHIP_GRACE_MS, channelConversation, dmConversation, formatEpochCode, membersNotInChannel, sniffPictureType, type ChatEntry, type ConversationId, type IncomingChat } from '@lemon/chat';
import { MlsClient, userIdFromPublicKey, type Identity } from '@lemon/crypto-wasm';
import { fromBase64Url, toBase64Url, type ChatPayload, type ChatStyle, type User } from '@lemon/protocol';
import type { Session } from '@lemon/session';
import { Contacts, type ContactUser, type KeyChange } from './contacts';
import { chatRecordKey, openChatVault, type ChatVault } from './saved-chat';

/** The tab of the channel one is in (its conversation id changes when one moves). */
export const CHANNEL_TAB = 'channel';

export interface PictureView {
  state: 'loading' | 'ready' | 'failed';
  url?: string;
  error?: string;
}

export interface PendingPoke {
  id: string;
  from: { id: string; name: string };
  text: string;
  at: number;
}

export interface ChatModelDeps {
  session: Session;
  serverUrl: string;
  identity: Identity;
  /** Seals the saved state; null: nothing is saved (no IndexedDB), history lasts the page. */
  wrappingKey: CryptoKey | null;
  /** Present users by id (the world), for names, keys and the channel one is in. */
  users: () => Record<string, User>;
  selfId: () => string;
  /** The style put on one's own messages (null: none). */
  style: () => ChatStyle | null;
  notify: (text: string, tone: 'info' | 'error') => void;
  /** Fewer key packages for tests and bots. */
  keyPackageTarget?: number;
}

interface SavedChat {
  v: 1;
  /** ChatClient.exportState(): the MLS groups and DM peers. */
  client: string;
  /** DM conversations only; channel chat is not kept (new members must not read old messages). */
  history: ChatEntry[];
  contacts: unknown;
}

/** Most DM entries saved; the oldest go first. */
const MAX_SAVED_HISTORY = 5000;

const newId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));

export class PictureRejected extends Error {
  override readonly name = 'PictureRejected';
}

/** What the chat needs before the Session starts: restored state (so queued DMs can be read). */
export async function openChatModel(deps: ChatModelDeps): Promise<ChatModel> {
  const vault = deps.wrappingKey ? openChatVault(deps.wrappingKey, chatRecordKey(deps.identity.userId, deps.serverUrl)) : null;
  let saved: SavedChat | null = null;
  try {
    saved = parseSaved(await vault?.load());
  } catch {
    deps.notify('Saved chat history could not be read; starting fresh.', 'error');
  }
  const parts = saved ? ChatClient.parseState(fromBase64Url(saved.client) ?? new Uint8Array()) : null;
  const secret = deps.identity.exportSecretKey();
  let mls: MlsClient;
  try {
    mls = parts ? restoreOrCreate(secret, parts.mls, deps) : MlsClient.create(secret);
  } finally {
    secret.fill(0);
  }
  return new ChatModel(deps, mls, vault, saved, parts?.peers ?? null);
}

function restoreOrCreate(secret: Uint8Array, state: Uint8Array, deps: ChatModelDeps): MlsClient {
  try {
    return MlsClient.restore(secret, state);
  } catch {
    deps.notify('Saved encrypted groups could not be restored; direct messages will start over.', 'error');
    return MlsClient.create(secret);
  }
}

function parseSaved(bytes: Uint8Array | null | undefined): SavedChat | null {
  if (!bytes) return null;
  const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<SavedChat>;
  if (value.v !== 1 || typeof value.client !== 'string' || !Array.isArray(value.history)) return null;
  return value as SavedChat;
}

export class ChatModel {
  readonly client: ChatClient;
  /** The session this chat runs on (voice shares it). */
  get session(): Session {
    return this.deps.session;
  }
  readonly selfId: string;
  private readonly conversations = new Conversations();
  private readonly contacts = new Contacts();
  private readonly pictures = new Map<string, PictureView>();
  private readonly offs: (() => void)[] = [];
  private readonly version: Accessor<number>;
  private readonly bump: () => void;
  private readonly dmTabsSignal = createSignal<string[]>([]);
  private readonly activeSignal = createSignal<string>(CHANNEL_TAB);
  private readonly readySignal = createSignal(false);
  private readonly epochSignal = createSignal<string | null>(null);
  private readonly pokesSignal = createSignal<PendingPoke[]>([]);
  private readonly dismissedSignal = createSignal<ReadonlySet<string>>(new Set());
  private readonly unknownSignal = createSignal<string[]>([]);
  private unknownTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deps: ChatModelDeps,
    mls: MlsClient,
    private readonly vault: ChatVault | null,
    saved: SavedChat | null,
    peers: string | null,
  ) {
    const [version, setVersion] = createSignal(0);
    this.version = version;
    this.bump = () => setVersion((v) => v + 1);
    this.client = new ChatClient({
      session: deps.session,
      mls,
      ...(vault ? { persist: (state: Uint8Array) => vault.save(this.serialize(state)) } : {}),
      ...(deps.keyPackageTarget ? { keyPackageTarget: deps.keyPackageTarget } : {}),
      ...(peers ? { savedPeers: peers } : {}),
    });
    this.selfId = this.client.selfId;
    if (saved) {
      this.conversations.import(saved.history.filter((e) => typeof e?.conversation === 'string' && e.conversation.startsWith('dm:')));
      this.contacts.import(saved.contacts);
      this.dmTabsSignal[1](this.conversations.ids().filter((id) => id.startsWith('dm:')).map((id) => id.slice(3)));
    }
  }

  start(): void {
    this.offs.push(
      this.client.on('message', (m) => this.onMessage(m)),
      this.client.on('channel', () => this.refreshChannel()),
      this.deps.session.on('world', () => this.checkMembers()),
      this.client.on('problem', (text) => this.deps.notify(`Encrypted chat: ${text}.`, 'info')),
    );
    this.client.start();
  }

  stop(): void {
    if (this.unknownTimer) clearTimeout(this.unknownTimer);
    this.client.stop();
    for (const off of this.offs.splice(0)) off();
    for (const picture of this.pictures.values()) if (picture.url) URL.revokeObjectURL(picture.url);
    this.pictures.clear();
    // Let the last save finish before the database closes.
    void this.client.save().finally(() => this.vault?.close());
  }

  // ---- what views read ------------------------------------------------------------------

  /** The conversation of the channel one is in. */
  channelConversation(): ConversationId | null {
    const channelId = this.deps.users()[this.deps.selfId()]?.channelId;
    return channelId === undefined ? null : channelConversation(channelId);
  }

  conversationOf(tab: string): ConversationId | null {
    return tab === CHANNEL_TAB ? this.channelConversation() : dmConversation(tab);
  }

  /** User ids with an open DM tab. */
  dmTabs = (): string[] => this.dmTabsSignal[0]();
  active = (): string => this.activeSignal[0]();
  /** The channel group can encrypt now. */
  ready = (): boolean => this.readySignal[0]();
  epochCode = (): string | null => this.epochSignal[0]();
  pokes = (): PendingPoke[] => this.pokesSignal[0]();
  /** User ids in the channel's encryption group who are not visibly in the channel (for a while). */
  unknownMembers = (): string[] => this.unknownSignal[0]();

  entries(conversation: ConversationId | null): readonly ChatEntry[] {
    this.version();
    return conversation ? [...this.conversations.entries(conversation)] : [];
  }

  unread(conversation: ConversationId | null): number {
    this.version();
    return conversation ? this.conversations.unreadCount(conversation) : 0;
  }

  isVerified(userId: string): boolean {
    this.version();
    return this.contacts.isVerified(userId);
  }

  /** A name for a user id: present user, else the name last seen talking, else a short id. */
  nameOf(userId: string): string {
    this.version();
    return this.deps.users()[userId]?.displayName ?? this.contacts.get(userId)?.name ?? `${userId.slice(0, 8)}…`;
  }

  /** The public key of a present user or a known contact (base64url). */
  publicKeyOf(userId: string): string | null {
    return this.deps.users()[userId]?.publicKey ?? this.contacts.get(userId)?.publicKey ?? null;
  }

  /** Present users who use a name one talked to under another key, not yet dismissed. */
  keyChanges(): KeyChange[] {
    this.version();
    const dismissed = this.dismissedSignal[0]();
    return this.contacts.keyChanges(Object.values(this.deps.users()).filter((u) => u.id !== this.selfId)).filter((c) => !dismissed.has(c.user.id));
  }

  /** The largest picture this server stores (its blob limit less the AEAD tag). */
  pictureLimitBytes(): number {
    return (this.deps.session.server?.limits.maxBlobBytes ?? 10 * 1024 * 1024 + 1024) - 16;
  }

  /** A picture's object URL, downloading and decrypting it on first use. */
  picture(entry: ChatEntry): PictureView | null {
    this.version();
    if (!entry.picture) return null;
    const known = this.pictures.get(entry.id);
    if (known) return known;
    const loading: PictureView = { state: 'loading' };
    this.pictures.set(entry.id, loading);
    void this.download(entry);
    return loading;
  }

  // ---- what views do --------------------------------------------------------------------

  select(tab: string): void {
    this.activeSignal[1](tab);
    this.markRead(tab);
  }

  markRead(tab: string): void {
    const conversation = this.conversationOf(tab);
    if (conversation && this.conversations.unreadCount(conversation) > 0) {
      this.conversations.markRead(conversation);
      this.bump();
    }
  }

  openDm(userId: string): void {
    if (userId === this.selfId) return;
    const [tabs, setTabs] = this.dmTabsSignal;
    batch(() => {
      if (!tabs().includes(userId)) setTabs([...tabs(), userId]);
      this.select(userId);
    });
  }

  closeDm(userId: string): void {
    const [tabs, setTabs] = this.dmTabsSignal;
    batch(() => {
      setTabs(tabs().filter((id) => id !== userId));
      if (this.active() === userId) this.select(CHANNEL_TAB);
    });
  }

  sendText(tab: string, text: string): Promise<unknown> {
    const style = this.deps.style();
    return this.send(tab, { t: 'text', id: newId(), text, ...(style ? { style } : {}) });
  }

  edit(tab: string, target: string, text: string): Promise<unknown> {
    const style = this.deps.style();
    return this.send(tab, { t: 'edit', id: newId(), target, text, ...(style ? { style } : {}) });
  }

  remove(tab: string, target: string): Promise<unknown> {
    return this.send(tab, { t: 'delete', id: newId(), target });
  }

  poke(userId: string, text: string): Promise<unknown> {
    return this.send(userId, { t: 'poke', id: newId(), text });
  }

  dismissPoke(id: string): void {
    this.pokesSignal[1]((list) => list.filter((p) => p.id !== id));
  }

  /** Encrypts and uploads a picture, then sends its reference; the type is read from the bytes. */
  async sendPicture(tab: string, file: Blob & { name?: string }): Promise<void> {
    const limitBytes = this.pictureLimitBytes();
    if (file.size > limitBytes) throw new PictureRejected(`That picture is ${megabytes(file.size)}; this server takes pictures up to ${megabytes(limitBytes)}.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = sniffPictureType(bytes);
    if (!type) throw new PictureRejected('Only PNG, JPEG, GIF and WebP pictures can be sent.');
    const size = await pictureSize(new Blob([bytes], { type }));
    const ref = await this.client.uploadPicture(bytes, type, file.name, size ?? undefined);
    const id = newId();
    // The sender shows its own copy at once, without a download.
    this.pictures.set(id, { state: 'ready', url: URL.createObjectURL(new Blob([bytes], { type })) });
    const style = this.deps.style();
    await this.send(tab, { t: 'picture', id, picture: ref, ...(style ? { style } : {}) });
  }

  setVerified(userId: string, verified: boolean): void {
    const user = this.contactUser(userId);
    if (!user) return;
    this.contacts.setVerified(user, verified);
    this.bump();
    void this.client.save();
  }

  /** The person saw a key-change warning and takes the new key (or verifies it). */
  acceptKeyChange(userId: string): void {
    const user = this.contactUser(userId);
    if (user) this.contacts.accept(user);
    this.dismissedSignal[1]((set) => new Set([...set, userId]));
    this.bump();
    void this.client.save();
  }

  // ---- inside -----------------------------------------------------------------------------

  private contactUser(userId: string): ContactUser | null {
    const user = this.deps.users()[userId];
    if (user) return { id: user.id, displayName: user.displayName, publicKey: user.publicKey };
    const contact = this.contacts.get(userId);
    return contact ? { id: contact.userId, displayName: contact.name, publicKey: contact.publicKey } : null;
  }

  private async send(tab: string, payload: ChatPayload): Promise<unknown> {
    if (tab === CHANNEL_TAB) return this.client.sendToChannel(payload);
    const sent = await this.client.sendDm(tab, payload);
    // Own DMs are history too: save now that the entry is in.
    await this.client.save();
    return sent;
  }

  private onMessage(m: IncomingChat): void {
    const entry = this.conversations.apply(m.conversation, m.authorId, m.payload, m.at, m.self);
    if (!entry) return;
    const isDm = m.conversation.startsWith('dm:');
    const peerId = isDm ? m.conversation.slice(3) : null;
    if (!m.self) {
      const author = this.deps.users()[m.authorId];
      // Saved when it changes (a new name or key), not on every message.
      if (author && this.contacts.talkedTo({ id: author.id, displayName: author.displayName, publicKey: author.publicKey })) void this.client.save();
    }
    if (peerId && !this.dmTabsSignal[0]().includes(peerId)) this.dmTabsSignal[1]((tabs) => [...tabs, peerId]);
    if (m.payload.t === 'poke' && !m.self) {
      this.pokesSignal[1]((list) => [...list, { id: m.payload.id, from: { id: m.authorId, name: this.nameOf(m.authorId) }, text: m.payload.t === 'poke' ? m.payload.text : '', at: m.at }]);
    }
    // A message in the tab one is looking at is read.
    const active = this.active();
    if ((active === CHANNEL_TAB && m.conversation === this.channelConversation()) || (peerId !== null && active === peerId)) {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') this.conversations.markRead(m.conversation);
    }
    this.bump();
  }

  private refreshChannel(): void {
    const state = this.client.channelState;
    const ready = this.client.canSendNow && state?.phase === 'ready';
    const code = ready ? this.client.epochCode() : null;
    batch(() => {
      this.readySignal[1](ready);
      this.epochSignal[1](code ? formatEpochCode(code) : null);
    });
    this.checkMembers();
  }

  private membersNotInChannel(): string[] {
    const state = this.client.channelState;
    if (state?.phase !== 'ready') return [];
    const inChannel = Object.values(this.deps.users())
      .filter((u) => u.channelId === state.channelId)
      .map((u) => u.id);
    return membersNotInChannel(state.memberKeys.map((key) => userIdFromPublicKey(key)), inChannel, this.selfId);
  }

  /** Flags group members nobody can see in the channel, once they outlast a leaver's Remove. */
  private checkMembers(): void {
    const now = this.membersNotInChannel();
    if (now.length === 0) {
      if (this.unknownTimer) clearTimeout(this.unknownTimer);
      this.unknownTimer = null;
      if (this.unknownSignal[0]().length > 0) this.unknownSignal[1]([]);
      return;
    }
    if (this.unknownTimer) return;
    this.unknownTimer = setTimeout(() => {
      this.unknownTimer = null;
      const still = this.membersNotInChannel().filter((id) => now.includes(id));
      this.unknownSignal[1](still);
      if (still.length < this.membersNotInChannel().length) this.checkMembers();
    }, MEMBERSHIP_GRACE_MS);
  }

  private async download(entry: ChatEntry): Promise<void> {
    let view: PictureView;
    try {
      const bytes = (await this.client.downloadPicture(entry.picture!)) as Uint8Array<ArrayBuffer>;
      // The type comes from the bytes, never from the sender's claim.
      const type = sniffPictureType(bytes);
      view = type ? { state: 'ready', url: URL.createObjectURL(new Blob([bytes], { type })) } : { state: 'failed', error: 'not a picture' };
    } catch (error) {
      view = { state: 'failed', error: error instanceof Error ? error.message : 'could not be loaded' };
    }
    this.pictures.set(entry.id, view);
    this.bump();
  }

  private serialize(client: Uint8Array): Uint8Array {
    const history = this.conversations.export((id) => id.startsWith('dm:')).slice(-MAX_SAVED_HISTORY);
    const saved: SavedChat = { v: 1, client: toBase64Url(client), history, contacts: this.contacts.export() };
    return new TextEncoder().encode(JSON.stringify(saved));
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Width and height, when the browser can decode it (not needed to send). */
async function pictureSize(blob: Blob): Promise<{ width: number; height: number } | null> {
  try {
    const bitmap = await createImageBitmap(blob);
    const size = { width: Math.min(65535, bitmap.width), height: Math.min(65535, bitmap.height) };
    bitmap.close();
    return size.width > 0 && size.height > 0 ? size : null;
  } catch {
    return null;
  }
}
