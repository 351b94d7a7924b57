import type { JSX } from 'solid-js';

export type StatusTone = 'ok' | 'busy' | 'warn' | 'error' | 'idle';

export interface StatusBadgeProps {
  tone: StatusTone;
  /** Text shown beside the dot; announced politely when it changes. */
  label: string;
  'data-testid'?: string;
  /** Machine-readable state, exposed as data-state for tests and styling. */
  state?: string;
}

/** A coloured dot and a short label, e.g. "Online" or "Reconnecting in 3 s…". */
export function StatusBadge(props: StatusBadgeProps): JSX.Element {
  return (
    <span
      class={`lc-badge lc-badge--${props.tone}`}
      role="status"
      aria-live="polite"
      data-testid={props['data-testid']}
      data-state={props.state}
    >
      <span class="lc-badge__dot" aria-hidden="true" />
      <span class="lc-badge__label">{props.label}</span>
    </span>
  );
}
