import { splitProps, type JSX } from 'solid-js';
import { Icon, type IconName } from './icons';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends JSX.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  /** Shows a spinner and disables the button. */
  busy?: boolean;
}

export function Button(props: ButtonProps): JSX.Element {
  const [local, rest] = splitProps(props, ['variant', 'size', 'icon', 'busy', 'class', 'children', 'type', 'disabled']);
  return (
    <button
      type={local.type ?? 'button'}
      class={`lc-btn lc-btn--${local.variant ?? 'secondary'} lc-btn--${local.size ?? 'md'} ${local.class ?? ''}`}
      disabled={local.disabled || local.busy}
      aria-busy={local.busy ? 'true' : undefined}
      {...rest}
    >
      {local.busy ? <span class="lc-spinner" aria-hidden="true" /> : local.icon ? <Icon name={local.icon} /> : null}
      <span>{local.children}</span>
    </button>
  );
}

export interface IconButtonProps extends JSX.ButtonHTMLAttributes<HTMLButtonElement> {
  icon: IconName;
  /** Required: the accessible name (also shown as tooltip). */
  label: string;
  variant?: 'ghost' | 'danger';
}

export function IconButton(props: IconButtonProps): JSX.Element {
  const [local, rest] = splitProps(props, ['icon', 'label', 'variant', 'class', 'type']);
  return (
    <button
      type={local.type ?? 'button'}
      class={`lc-icon-btn lc-icon-btn--${local.variant ?? 'ghost'} ${local.class ?? ''}`}
      aria-label={local.label}
      title={local.label}
      {...rest}
    >
      <Icon name={local.icon} />
    </button>
  );
}

export function Spinner(props: { label?: string }): JSX.Element {
  return (
    <span class="lc-spinner" role={props.label ? 'status' : undefined} aria-label={props.label} aria-hidden={props.label ? undefined : 'true'} />
  );
}
