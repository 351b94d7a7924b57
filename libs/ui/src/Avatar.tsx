import type { JSX } from 'solid-js';
import { hueFor, initials } from './text';

export interface AvatarProps {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
}

/** Initials on a colour derived from the user id. The name is rendered as text. */
export function Avatar(props: AvatarProps): JSX.Element {
  return (
    <span
      class={`lc-avatar lc-avatar--${props.size ?? 'sm'}`}
      style={{ '--lc-avatar-hue': String(hueFor(props.id)) }}
      aria-hidden="true"
    >
      {initials(props.name)}
    </span>
  );
}
