import { createEffect, createSignal, onCleanup, Show, type JSX } from 'solid-js';
import { Conversations, channelConversation, type ChatEntry } from '@lemon/chat';
import { LIMITS, toBase64Url } from '@lemon/protocol';
import { Composer, MessageList, type ChatItem } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError } from '../../connection/errors';
import { useNotices } from '../../notices/NoticesProvider';

/**
 * The text chat of the channel one is in, end-to-end encrypted (MLS through @lemon/chat).
 * Pictures, DMs, pokes and verification come next; this shows and sends channel text.
 */
export function ChannelChat(props: { channelId: number }): JSX.Element {
  const connection = useConnection();
  const notices = useNotices();
  const conversations = new Conversations();
  const conversation = () => channelConversation(props.channelId);
  const [entries, setEntries] = createSignal<readonly ChatEntry[]>([]);
  const [ready, setReady] = createSignal(false);

  createEffect(() => {
    const chat = connection.chat();
    const id = conversation();
    setEntries([...conversations.entries(id)]);
    if (!chat) return;
    const refreshReady = () => setReady(chat.canSendNow && chat.channelState?.channelId === props.channelId);
    refreshReady();
    const offs = [
      chat.on('message', (m) => {
        if (conversations.apply(m.conversation, m.authorId, m.payload, m.at, m.self) && m.conversation === conversation()) {
          setEntries([...conversations.entries(conversation())]);
        }
      }),
      chat.on('channel', refreshReady),
    ];
    onCleanup(() => offs.forEach((off) => off()));
  });

  const nameOf = (userId: string) => connection.world.users[userId]?.displayName ?? `${userId.slice(0, 8)}…`;
  const items = (): ChatItem[] =>
    entries().map((e) => ({
      id: e.id,
      author: { id: e.authorId, name: nameOf(e.authorId), self: e.self },
      at: e.at,
      kind: e.kind === 'picture' ? 'text' : e.kind,
      text: e.text,
      ...(e.style ? { style: e.style } : {}),
      edited: e.edited,
      deleted: e.deleted,
    }));

  const send = (text: string) => {
    const chat = connection.chat();
    if (!chat || !text.trim()) return;
    chat
      .sendToChannel({ t: 'text', id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), text })
      .catch((error) => notices.show(describeError(error), 'error'));
  };

  return (
    <section class="channel-chat" data-testid="channel-chat" data-ready={ready() ? 'yes' : 'no'} aria-label="Channel chat">
      <MessageList items={items()} label="Channel messages" emptyText="No messages yet. Everything here is end-to-end encrypted." />
      <Show when={connection.chat()}>
        <Composer
          maxChars={LIMITS.chatTextMaxChars}
          onSend={send}
          disabled={!ready()}
          disabledReason="Joining the channel's encrypted group…"
          placeholder="Message the channel (end-to-end encrypted)"
        />
      </Show>
    </section>
  );
}
