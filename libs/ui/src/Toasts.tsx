import { For, type JSX } from 'solid-js';
import { IconButton } from './Button';
import { Icon } from './icons';

export interface Toast {
  id: number;
  tone: 'info' | 'ok' | 'error';
  /** Plain text; rendered as text. */
  text: string;
}

export interface ToastListProps {
  toasts: readonly Toast[];
  onDismiss: (id: number) => void;
}

/** Stacked notices in a corner; errors are announced assertively, the rest politely. */
export function ToastList(props: ToastListProps): JSX.Element {
  return (
    <div class="lc-toasts" aria-live="polite" data-testid="toasts">
      <For each={props.toasts}>
        {(toast) => (
          <div class={`lc-toast lc-toast--${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-testid="toast">
            <Icon name={toast.tone === 'error' ? 'warning' : toast.tone === 'ok' ? 'check' : 'info'} />
            <span class="lc-toast__text">{toast.text}</span>
            <IconButton icon="close" label="Dismiss" onClick={() => props.onDismiss(toast.id)} />
          </div>
        )}
      </For>
    </div>
  );
}
