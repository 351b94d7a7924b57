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

/** What a field frame hands to its control so label, hint and error are wired up. */
interface ControlProps {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/** Label above, hint or error below (as text), and the control in between. */
function FieldFrame(props: {
  id: string | undefined;
  label: string;
  hint?: string;
  error?: string | null;
  hideLabel?: boolean;
  class?: string;
  children: (control: ControlProps) => JSX.Element;
}): JSX.Element {
  const id = props.id ?? createUniqueId();
  const messageId = `${id}-message`;
  // Getters keep the aria state reactive through the spread into the control.
  const control: ControlProps = {
    id,
    get 'aria-invalid'() {
      return props.error ? 'true' : undefined;
    },
    get 'aria-describedby'() {
      return props.error || props.hint ? messageId : undefined;
    },
  };
  return (
    <div class={`lc-field ${props.class ?? ''}`} data-invalid={props.error ? 'true' : undefined}>
      <label for={id} class={props.hideLabel ? 'lc-visually-hidden' : 'lc-field__label'}>
        {props.label}
      </label>
      {props.children(control)}
      <Show when={props.error || props.hint}>
        <div id={messageId} class={props.error ? 'lc-field__error' : 'lc-field__hint'} role={props.error ? 'alert' : undefined}>
          {props.error || props.hint}
        </div>
      </Show>
    </div>
  );
}

export function TextField(props: TextFieldProps): JSX.Element {
  const [local, rest] = splitProps(props, ['label', 'hint', 'error', 'value', 'onValue', 'hideLabel', 'class', 'id']);
  return (
    <FieldFrame id={local.id} label={local.label} hint={local.hint} error={local.error} hideLabel={local.hideLabel} class={local.class}>
      {(control) => (
        <input class="lc-input" value={local.value} onInput={(e) => local.onValue(e.currentTarget.value)} {...control} {...rest} />
      )}
    </FieldFrame>
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
  return (
    <FieldFrame id={local.id} label={local.label} hint={local.hint} error={local.error} class={local.class}>
      {(control) => (
        <textarea class="lc-input lc-input--area" value={local.value} onInput={(e) => local.onValue(e.currentTarget.value)} {...control} {...rest} />
      )}
    </FieldFrame>
  );
}
