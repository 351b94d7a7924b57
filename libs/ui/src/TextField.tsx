import { createUniqueId, splitProps, Show, type JSX } from 'solid-js';

export interface TextFieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> {
  label: string;
  /** Helper text under the field. */
  hint?: string;
  /** Problem text under the field; marks the input invalid. Rendered as text. */
  error?: string | null;
  value: string;
  onValue: (value: string) => void;
  /** Visually hide the label (it stays the accessible name). */
  hideLabel?: boolean;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'hint', 'error', 'value', 'onValue', 'hideLabel', 'class', 'id']);
  const id = local.id ?? createUniqueId();
  const messageId = `${id}-message`;
  return (
    <div class={`lc-field ${local.class ?? ''}`} data-invalid={local.error ? 'true' : undefined}>
      <label for={id} class={local.hideLabel ? 'lc-visually-hidden' : 'lc-field__label'}>
        {local.label}
      </label>
      <input
        id={id}
        class="lc-input"
        value={local.value}
        onInput={(e) => local.onValue(e.currentTarget.value)}
        aria-invalid={local.error ? 'true' : undefined}
        aria-describedby={local.error || local.hint ? messageId : undefined}
        {...rest}
      />
      <Show when={local.error || local.hint}>
        <div id={messageId} class={local.error ? 'lc-field__error' : 'lc-field__hint'} role={local.error ? 'alert' : undefined}>
          {local.error || local.hint}
        </div>
      </Show>
    </div>
  );
}

export interface TextAreaProps extends Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'onInput'> {
  label: string;
  hint?: string;
  error?: string | null;
  value: string;
  onValue: (value: string) => void;
}

export function TextArea(props: TextAreaProps): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'hint', 'error', 'value', 'onValue', 'class', 'id']);
  const id = local.id ?? createUniqueId();
  const messageId = `${id}-message`;
  return (
    <div class={`lc-field ${local.class ?? ''}`} data-invalid={local.error ? 'true' : undefined}>
      <label for={id} class="lc-field__label">
        {local.label}
      </label>
      <textarea
        id={id}
        class="lc-input lc-input--area"
        value={local.value}
        onInput={(e) => local.onValue(e.currentTarget.value)}
        aria-invalid={local.error ? 'true' : undefined}
        aria-describedby={local.error || local.hint ? messageId : undefined}
        {...rest}
      />
      <Show when={local.error || local.hint}>
        <div id={messageId} class={local.error ? 'lc-field__error' : 'lc-field__hint'} role={local.error ? 'alert' : undefined}>
          {local.error || local.hint}
        </div>
      </Show>
    </div>
  );
}
