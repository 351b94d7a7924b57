import { createEffect, createSignal, on, type JSX } from 'solid-js';
import type { ChatEntry } from '@lemon/chat';
import { LIMITS } from '@lemon/protocol';
import { Composer, IconButton, MessageList, type ChatItem } from '@lemon/ui';
import { CHANNEL_TAB, PictureRejected, type ChatModel } from '../../chat/chat-model';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError } from '../../connection/errors';
import { useModals } from '../../modals/ModalsProvider';
import { useNotices } from '../../notices/NoticesProvider';
import { usePreferences } from '../../preferences/PreferencesProvider';

/** One conversation (the channel, or a DM): its messages and the composer. */
export function Conversation(props: { chat: ChatModel; tab: string }): JSX.Element {
  const connection = useConnection();
  const notices = useNotices();
  const modals = useModals();
  const prefs = usePreferences();
  const [editing, setEditing] = createSignal<{ id: string; text: string } | null>(null);
  const conversation = () => props.chat.conversationOf(props.tab);
  const entries = () => props.chat.entries(conversation());
  const isChannel = () => props.tab === CHANNEL_TAB;
  const canSend = () => connection.phase() === 'online' && (!isChannel() || props.chat.ready());

  // Leaving the tab drops a half-done edit.
  createEffect(on(() => props.tab, () => setEditing(null), { defer: true }));

  const fail = (error: unknown) => notices.show(error instanceof PictureRejected ? error.message : describeError(error), 'error');

  const item = (e: ChatEntry): ChatItem => {
    const picture = e.kind === 'picture' && !e.deleted ? props.chat.picture(e) : null;
    return {
      id: e.id,
      author: { id: e.authorId, name: props.chat.nameOf(e.authorId), self: e.self, verified: props.chat.isVerified(e.authorId) },
      at: e.at,
      kind: e.kind,
      text: e.text,
      ...(e.style ? { style: e.style } : {}),
      edited: e.edited,
      deleted: e.deleted,
      ...(picture && e.picture
        ? {
            picture: {
              state: picture.state,
              ...(picture.url ? { url: picture.url } : {}),
              ...(picture.error ? { error: picture.error } : {}),
              ...(e.picture.name ? { name: e.picture.name } : {}),
              ...(e.picture.width ? { width: e.picture.width } : {}),
              ...(e.picture.height ? { height: e.picture.height } : {}),
            },
          }
        : {}),
    };
  };

  // The same object for an unchanged message, so the list keeps its DOM (For matches by identity).
  const cache = new Map<string, { key: string; item: ChatItem }>();
  const items = (): ChatItem[] => {
    const list = entries().map((e) => {
      const next = item(e);
      // What can change about a message after it arrived (entries are edited in place).
      const key = `${next.author.name}|${next.author.verified}|${next.edited}|${next.deleted}|${next.picture?.state}|${next.picture?.url}|${next.style?.font}|${next.style?.sizePx}|${next.style?.color}|${next.text}`;
      const known = cache.get(e.id);
      if (known?.key === key) return known.item;
      cache.set(e.id, { key, item: next });
      return next;
    });
    if (cache.size > list.length * 2) for (const id of [...cache.keys()]) if (!list.some((i) => i.id === id)) cache.delete(id);
    return list;
  };

  const lastOwnText = () => [...entries()].reverse().find((e) => e.self && e.kind === 'text' && !e.deleted);

  return (
    <div class="conversation" data-testid="conversation" data-tab={props.tab} data-ready={canSend() ? 'yes' : 'no'}>
      <MessageList
        items={items()}
        label={isChannel() ? 'Channel messages' : `Messages with ${props.chat.nameOf(props.tab)}`}
        emptyText={isChannel() ? 'No messages yet. Everything here is end-to-end encrypted.' : 'No messages yet. Only the two of you can read this conversation.'}
        onEdit={(id) => {
          const target = entries().find((e) => e.id === id);
          if (target) setEditing({ id, text: target.text });
        }}
        onDelete={(id) => props.chat.remove(props.tab, id).catch(fail)}
      />
      <Composer
        maxChars={LIMITS.chatTextMaxChars}
        onSend={(text) => {
          if (text.trim()) props.chat.sendText(props.tab, text).catch(fail);
        }}
        onAttach={(file) => props.chat.sendPicture(props.tab, file).catch(fail)}
        editing={editing()}
        onSubmitEdit={(id, text) => {
          setEditing(null);
          if (text.trim()) props.chat.edit(props.tab, id, text).catch(fail);
        }}
        onCancelEdit={() => setEditing(null)}
        onEditLast={() => {
          const last = lastOwnText();
          if (last) setEditing({ id: last.id, text: last.text });
        }}
        disabled={!canSend()}
        disabledReason={connection.phase() !== 'online' ? 'Offline — reconnecting…' : "Joining the channel's encrypted group…"}
        placeholder={isChannel() ? 'Message the channel (end-to-end encrypted)' : `Message ${props.chat.nameOf(props.tab)} (end-to-end encrypted)`}
        textStyle={prefs.messageStyle() ?? undefined}
        actions={<IconButton icon="pencil" label="Message style" onClick={() => modals.open({ kind: 'messageStyle' })} data-testid="open-message-style" />}
      />
    </div>
  );
}
