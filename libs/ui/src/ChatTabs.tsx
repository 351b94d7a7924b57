import { For, Show, type JSX } from 'solid-js';
import { Icon } from './icons';
import { unreadLabel } from './chat';

export interface ChatTab {
  id: string;
  kind: 'channel' | 'dm';
  /** Channel or person name; rendered as text. */
  title: string;
  unread: number;
  /** E.g. a changed key: marks the tab with a warning sign. */
  warning?: boolean;
}

export interface ChatTabsProps {
  tabs: readonly ChatTab[];
  activeId: string | null;
  onSelect: (id: string) => void;
  /** Close a DM tab (channel tabs have no close button). */
  onClose?: (id: string) => void;
  /** Accessible name of the tab strip. */
  label?: string;
}

/**
 * One tab per conversation (WAI-ARIA tabs: arrow keys, Home/End move and select; Delete closes a DM).
 * The app renders the panel itself; it can point aria-controls at it through the tab id.
 */
export function ChatTabs(props: ChatTabsProps): JSX.Element {
  let list!: HTMLDivElement;
  // The one tab in the tab order: the active one, or the first when none is active.
  const focusableId = () => (props.tabs.some((t) => t.id === props.activeId) ? props.activeId : (props.tabs[0]?.id ?? null));
  const focusTab = (index: number) => {
    const tabs = props.tabs;
    if (tabs.length === 0) return;
    const tab = tabs[(index + tabs.length) % tabs.length]!;
    props.onSelect(tab.id);
    list.querySelector<HTMLElement>(`[data-tab-id="${CSS.escape(tab.id)}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const index = props.tabs.findIndex((t) => t.id === props.activeId);
    if (e.key === 'ArrowRight') focusTab(index + 1);
    else if (e.key === 'ArrowLeft') focusTab(index - 1);
    else if (e.key === 'Home') focusTab(0);
    else if (e.key === 'End') focusTab(props.tabs.length - 1);
    else if (e.key === 'Delete') {
      const tab = props.tabs[index];
      if (tab?.kind === 'dm' && props.onClose) props.onClose(tab.id);
      else return;
    } else return;
    e.preventDefault();
  };
  return (
    <div ref={list} class="lc-tabs" role="tablist" aria-label={props.label ?? 'Conversations'} onKeyDown={onKeyDown} data-testid="chat-tabs">
      <For each={props.tabs}>
        {(tab) => {
          const active = () => tab.id === props.activeId;
          return (
            <div class="lc-tab" classList={{ 'is-active': active(), 'has-unread': tab.unread > 0, 'is-warning': !!tab.warning }}>
              <button
                type="button"
                role="tab"
                class="lc-tab__button"
                id={`chat-tab-${tab.id}`}
                data-tab-id={tab.id}
                data-testid={`chat-tab-${tab.id}`}
                data-kind={tab.kind}
                aria-selected={active() ? 'true' : 'false'}
                tabIndex={tab.id === focusableId() ? 0 : -1}
                onClick={() => props.onSelect(tab.id)}
                onAuxClick={(e) => {
                  if (e.button === 1 && tab.kind === 'dm' && props.onClose) {
                    e.preventDefault();
                    props.onClose(tab.id);
                  }
                }}
              >
                <Icon name={tab.kind === 'dm' ? 'user' : 'channel'} class="lc-tab__icon" />
                <span class="lc-tab__title">{tab.title}</span>
                <Show when={tab.warning}>
                  <Icon name="warning" class="lc-tab__warning" title="Security warning" />
                </Show>
                <Show when={unreadLabel(tab.unread)}>
                  {(label) => (
                    <span class="lc-tab__unread" data-testid={`chat-tab-unread-${tab.id}`}>
                      <span aria-hidden="true">{label()}</span>
                      <span class="lc-visually-hidden">{`, ${label()} unread`}</span>
                    </span>
                  )}
                </Show>
              </button>
              <Show when={tab.kind === 'dm' && props.onClose}>
                <button
                  type="button"
                  class="lc-tab__close"
                  tabIndex={-1}
                  aria-label={`Close conversation with ${tab.title}`}
                  title="Close"
                  data-testid={`chat-tab-close-${tab.id}`}
                  onClick={() => props.onClose?.(tab.id)}
                >
                  <Icon name="close" size={12} />
                </button>
              </Show>
            </div>
          );
        }}
      </For>
    </div>
  );
}
