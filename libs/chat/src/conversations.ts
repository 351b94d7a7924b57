/**
 * What a person sees of their conversations: messages per channel and per DM partner, with
 * edits and deletes applied (only when their author wrote the original), and unread counts.
 * Pure data, no crypto and no I/O, so the browser client and bots share it.
 */
import type { ChatPayload, ChatStyle, PictureRef } from '@lemon/protocol';

/** `channel:<id>` or `dm:<userId>`. */
export type ConversationId = string;
export const channelConversation = (channelId: number): ConversationId => `channel:${channelId}`;
export const dmConversation = (userId: string): ConversationId => `dm:${userId}`;

export interface ChatEntry {
  id: string;
  conversation: ConversationId;
  authorId: string;
  at: number;
  self: boolean;
  kind: 'text' | 'picture' | 'poke';
  text: string;
  style?: ChatStyle;
  picture?: PictureRef;
  replyTo?: string;
  edited: boolean;
  deleted: boolean;
}

/** Most messages kept per conversation in memory; older ones fall off the top. */
export const MAX_ENTRIES_PER_CONVERSATION = 2000;

export class Conversations {
  private readonly byConversation = new Map<ConversationId, ChatEntry[]>();
  private readonly unread = new Map<ConversationId, number>();

  entries(conversation: ConversationId): readonly ChatEntry[] {
    return this.byConversation.get(conversation) ?? [];
  }

  ids(): ConversationId[] {
    return [...this.byConversation.keys()];
  }

  unreadCount(conversation: ConversationId): number {
    return this.unread.get(conversation) ?? 0;
  }

  markRead(conversation: ConversationId): void {
    this.unread.delete(conversation);
  }

  /**
   * Applies one decrypted payload; returns the entry it created or changed, or null when it
   * changes nothing (an edit of someone else's message, an unknown target, a duplicate id).
   */
  apply(conversation: ConversationId, authorId: string, payload: ChatPayload, at: number, self: boolean): ChatEntry | null {
    const list = this.byConversation.get(conversation) ?? [];
    if (payload.t === 'edit' || payload.t === 'delete') {
      const target = list.find((e) => e.id === payload.target);
      if (!target || target.authorId !== authorId || target.deleted) return null;
      if (payload.t === 'delete') {
        target.deleted = true;
        target.text = '';
        delete target.picture;
      } else {
        target.text = payload.text;
        if (payload.style) target.style = payload.style;
        target.edited = true;
      }
      return target;
    }
    if (list.some((e) => e.id === payload.id)) return null;
    const entry: ChatEntry = {
      id: payload.id,
      conversation,
      authorId,
      at,
      self,
      kind: payload.t,
      text: payload.t === 'picture' ? (payload.caption ?? '') : payload.text,
      edited: false,
      deleted: false,
    };
    if (payload.t !== 'poke' && payload.style) entry.style = payload.style;
    if (payload.t === 'picture') entry.picture = payload.picture;
    if (payload.t === 'text' && payload.replyTo) entry.replyTo = payload.replyTo;
    list.push(entry);
    if (list.length > MAX_ENTRIES_PER_CONVERSATION) list.splice(0, list.length - MAX_ENTRIES_PER_CONVERSATION);
    this.byConversation.set(conversation, list);
    if (!self) this.unread.set(conversation, this.unreadCount(conversation) + 1);
    return entry;
  }

  /** Everything, for saving DM history (the caller encrypts it). */
  export(filter: (conversation: ConversationId) => boolean): ChatEntry[] {
    return [...this.byConversation.entries()].filter(([id]) => filter(id)).flatMap(([, list]) => list);
  }

  import(entries: ChatEntry[]): void {
    for (const entry of entries) {
      const list = this.byConversation.get(entry.conversation) ?? [];
      if (!list.some((e) => e.id === entry.id)) list.push(entry);
      this.byConversation.set(entry.conversation, list);
    }
  }
}
