import { createEffect, createSignal, on, Show, type JSX } from 'solid-js';
import { IconButton } from './Button';
import { Icon } from './icons';
import { charCount, charCounter, composerKeyAction, messageStyleCss, type MessageStyle } from './chat';

export interface ComposerProps {
  /** Most characters a message may have (code points). */
  maxChars: number;
  onSend: (text: string) => void;
  /** A picture chosen with the button, pasted or dropped. Without it there is no attach button. */
  onAttach?: (file: File) => void;
  /** Editing an own message: the text is loaded into the field. */
  editing?: { id: string; text: string } | null;
  onSubmitEdit?: (id: string, text: string) => void;
  onCancelEdit?: () => void;
  /** ArrowUp in an empty composer: edit one's last message. */
  onEditLast?: () => void;
  placeholder?: string;
  /** The field is read-only and shows this reason, e.g. "Joining the encrypted group…". */
  disabled?: boolean;
  disabledReason?: string;
  /** The sender's own style, previewed in the field. */
  textStyle?: MessageStyle;
  /** Extra buttons beside the field (style picker, poke…). */
  actions?: JSX.Element;
  /** Accessible name of the field. */
  label?: string;
}

const PICTURE_ACCEPT = 'image/png,image/jpeg,image/gif,image/webp';

function imageFiles(list: FileList | null | undefined): File[] {
  return list ? [...list].filter((f) => f.type.startsWith('image/')) : [];
}

/** The message field: Enter sends, Shift+Enter breaks the line; pictures via button, paste or drop. */
export function Composer(props: ComposerProps): JSX.Element {
  let input!: HTMLTextAreaElement;
  let fileInput!: HTMLInputElement;
  const [text, setText] = createSignal('');
  const [dragging, setDragging] = createSignal(false);
  let savedDraft = '';

  const resize = () => {
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
  };
  const setValue = (value: string) => {
    setText(value);
    queueMicrotask(resize);
  };

  // Entering edit mode loads the message (keeping the draft); leaving it restores the draft.
  createEffect(
    on(
      () => props.editing?.id,
      (id, previousId) => {
        if (id !== undefined && props.editing) {
          if (previousId === undefined) savedDraft = text();
          setValue(props.editing.text);
          queueMicrotask(() => {
            input.focus();
            input.setSelectionRange(input.value.length, input.value.length);
          });
        } else if (previousId !== undefined) {
          setValue(savedDraft);
          savedDraft = '';
        }
      },
    ),
  );

  const length = () => charCount(text());
  const counter = () => charCounter(length(), props.maxChars);
  const canSend = () => !props.disabled && text().trim().length > 0 && !counter().over;

  const submit = () => {
    if (!canSend()) return;
    const value = text();
    const editing = props.editing;
    if (editing) {
      props.onSubmitEdit?.(editing.id, value);
      return; // the app ends edit mode, which restores the draft
    }
    props.onSend(value);
    setValue('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const action = composerKeyAction(e, { empty: text().length === 0, editing: !!props.editing });
    if (action === 'none') return;
    if (action === 'edit-last' && !props.onEditLast) return;
    e.preventDefault();
    if (action === 'send' || action === 'submit-edit') submit();
    else if (action === 'cancel-edit') props.onCancelEdit?.();
    else if (action === 'edit-last') props.onEditLast?.();
  };

  const attach = (files: File[]) => {
    if (props.disabled || !props.onAttach) return;
    for (const file of files) props.onAttach(file);
  };

  return (
    <div
      class="lc-composer"
      classList={{ 'is-dragging': dragging(), 'is-editing': !!props.editing, 'is-disabled': !!props.disabled }}
      data-testid="composer"
      onDragOver={(e) => {
        if (!props.onAttach || props.disabled || !e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        const files = imageFiles(e.dataTransfer?.files);
        if (files.length === 0) return;
        e.preventDefault();
        attach(files);
      }}
    >
      <Show when={props.editing}>
        <div class="lc-composer__editing" data-testid="composer-editing">
          <Icon name="pencil" size={13} />
          <span>Editing message</span>
          <span class="lc-composer__hint">Enter to save · Escape to cancel</span>
          <button type="button" class="lc-composer__link" onClick={() => props.onCancelEdit?.()} data-testid="composer-cancel-edit">
            Cancel
          </button>
        </div>
      </Show>
      <div class="lc-composer__row">
        <Show when={props.onAttach}>
          <IconButton
            icon="image"
            label="Attach a picture"
            disabled={props.disabled || !!props.editing}
            onClick={() => fileInput.click()}
            data-testid="composer-attach"
          />
          <input
            ref={fileInput}
            type="file"
            accept={PICTURE_ACCEPT}
            multiple
            hidden
            data-testid="composer-file"
            onChange={(e) => {
              attach(imageFiles(e.currentTarget.files));
              e.currentTarget.value = '';
            }}
          />
        </Show>
        <textarea
          ref={input}
          class="lc-composer__input"
          rows={1}
          value={text()}
          placeholder={props.disabled ? (props.disabledReason ?? '') : (props.placeholder ?? 'Message')}
          aria-label={props.label ?? 'Message'}
          aria-invalid={counter().over ? 'true' : undefined}
          disabled={props.disabled}
          style={messageStyleCss(props.textStyle)}
          data-testid="composer-input"
          onInput={(e) => setValue(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const files = imageFiles(e.clipboardData?.files);
            if (files.length === 0 || !props.onAttach) return;
            e.preventDefault();
            attach(files);
          }}
        />
        <Show when={counter().show}>
          <span class="lc-composer__counter" classList={{ 'is-over': counter().over }} aria-live="polite" data-testid="composer-counter">
            {counter().remaining}
          </span>
        </Show>
        {props.actions}
        <IconButton
          icon={props.editing ? 'check' : 'send'}
          label={props.editing ? 'Save edit' : 'Send'}
          disabled={!canSend()}
          onClick={submit}
          data-testid="composer-send"
        />
      </div>
      <Show when={props.disabled && props.disabledReason}>
        <div class="lc-composer__reason" role="status" data-testid="composer-disabled-reason">
          <Icon name="lock" size={13} />
          <span>{props.disabledReason}</span>
        </div>
      </Show>
      <Show when={dragging()}>
        <div class="lc-composer__drop" aria-hidden="true">
          Drop a picture to send it
        </div>
      </Show>
    </div>
  );
}
