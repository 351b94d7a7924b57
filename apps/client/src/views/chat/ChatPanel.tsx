import { For, onCleanup, Show, type JSX } from 'solid-js';
import { Button, ChatTabs, EpochCode, Icon, KeyChangeBanner, type ChatTab } from '@lemon/ui';
import { CHANNEL_TAB, type ChatModel } from '../../chat/chat-model';
import { useConnection } from '../../connection/ConnectionProvider';
import { useModals } from '../../modals/ModalsProvider';
import { Conversation } from './Conversation';

/** The chat beside the channel tree: one tab for the channel one is in and one per DM partner. */
export function ChatPanel(props: { chat: ChatModel }): JSX.Element {
  const connection = useConnection();
  const modals = useModals();
  const chat = () => props.chat;
  const channelName = () => {
    const id = connection.self()?.channelId;
    return (id !== undefined && connection.world.channels[id]?.name) || 'Channel';
  };
  const warned = () => new Set(chat().keyChanges().map((c) => c.user.id));
  const tabs = (): ChatTab[] => [
    { id: CHANNEL_TAB, kind: 'channel', title: channelName(), unread: chat().unread(chat().channelConversation()) },
    ...chat()
      .dmTabs()
      .map((userId): ChatTab => ({ id: userId, kind: 'dm', title: chat().nameOf(userId), unread: chat().unread(chat().conversationOf(userId)), warning: warned().has(userId) })),
  ];
  const activeDm = () => (chat().active() === CHANNEL_TAB ? null : chat().active());

  // Coming back to the page reads what arrived in the open tab meanwhile.
  const onVisible = () => document.visibilityState === 'visible' && chat().markRead(chat().active());
  document.addEventListener('visibilitychange', onVisible);
  onCleanup(() => document.removeEventListener('visibilitychange', onVisible));

  return (
    <section class="chat-panel" data-testid="chat-panel" aria-label="Chat">
      <ChatTabs tabs={tabs()} activeId={chat().active()} onSelect={(id) => chat().select(id)} onClose={(id) => chat().closeDm(id)} label="Conversations" />
      <For each={chat().keyChanges().slice(0, 1)}>
        {(change) => (
          <KeyChangeBanner
            name={change.user.displayName}
            onVerify={() => modals.open({ kind: 'safetyNumber', userId: change.user.id })}
            onDismiss={() => chat().acceptKeyChange(change.user.id)}
          />
        )}
      </For>
      <Show when={chat().unknownMembers().length > 0}>
        <div class="lc-banner lc-banner--warn" role="alert" data-testid="unknown-member-banner">
          <Icon name="warning" class="lc-banner__icon" />
          <p class="lc-banner__text">
            <strong>{chat().unknownMembers().length === 1 ? 'Someone you cannot see' : `${chat().unknownMembers().length} people you cannot see`}</strong>
            {" can read this channel's encrypted messages. The server added them without showing them in the channel; do not trust this channel with secrets."}
          </p>
        </div>
      </Show>
      <div class="chat-panel__header">
        <Show
          when={activeDm()}
          fallback={
            <>
              <span class="chat-panel__title">
                <Icon name="lock" size={14} /> {channelName()}
              </span>
              <Show when={chat().epochCode()}>{(code) => <EpochCode code={code()} />}</Show>
            </>
          }
        >
          {(userId) => (
            <>
              <span class="chat-panel__title" data-testid="dm-title">
                <Icon name="lock" size={14} /> {chat().nameOf(userId())}
                <Show when={chat().isVerified(userId())}>
                  <span class="chat-panel__verified" data-testid="dm-verified">
                    <Icon name="check" size={12} /> verified
                  </span>
                </Show>
              </span>
              <span class="chat-panel__actions">
                <Button size="sm" variant="ghost" icon="bell" onClick={() => modals.open({ kind: 'poke', userId: userId() })} data-testid="dm-poke">
                  Poke
                </Button>
                <Button size="sm" variant="ghost" icon="shield" onClick={() => modals.open({ kind: 'safetyNumber', userId: userId() })} data-testid="dm-safety-number">
                  Safety number
                </Button>
              </span>
            </>
          )}
        </Show>
      </div>
      <Conversation chat={chat()} tab={chat().active()} />
    </section>
  );
}
