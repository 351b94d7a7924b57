import { createUniqueId, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { IconButton } from './Button';

export interface DialogProps {
  title: string;
  /** Called on Escape, the close button or a click on the backdrop. */
  onClose: () => void;
  children: JSX.Element;
  /** Buttons row at the bottom. */
  footer?: JSX.Element;
  /** Short text under the title. */
  description?: string;
  width?: 'sm' | 'md';
  /** When given, content and footer form one <form>; Enter in a field submits. */
  onSubmit?: () => void;
  'data-testid'?: string;
}

/**
 * A modal dialog on the native <dialog> element: the browser provides the focus trap,
 * Escape handling, the top layer and the inert background.
 */
export function Dialog(props: DialogProps): JSX.Element {
  let el!: HTMLDialogElement;
  const titleId = createUniqueId();
  const descId = createUniqueId();
  onMount(() => {
    if (!el.open) el.showModal();
  });
  onCleanup(() => {
    if (el.open) el.close();
  });
  return (
    <dialog
      ref={el}
      class={`lc-dialog lc-dialog--${props.width ?? 'sm'}`}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descId : undefined}
      data-testid={props['data-testid']}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        // A click on the <dialog> element itself (not its content) is a click on the backdrop.
        if (e.target === el) props.onClose();
      }}
    >
      <div class="lc-dialog__body">
        <header class="lc-dialog__header">
          <div>
            <h2 id={titleId} class="lc-dialog__title">
              {props.title}
            </h2>
            <Show when={props.description}>
              <p id={descId} class="lc-dialog__description">
                {props.description}
              </p>
            </Show>
          </div>
          <IconButton icon="close" label="Close" onClick={() => props.onClose()} />
        </header>
        <form
          class="lc-dialog__form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit?.();
          }}
        >
          <div class="lc-dialog__content">{props.children}</div>
          <Show when={props.footer}>
            <footer class="lc-dialog__footer">{props.footer}</footer>
          </Show>
        </form>
      </div>
    </dialog>
  );
}
