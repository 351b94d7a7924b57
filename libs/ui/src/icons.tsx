import type { JSX } from 'solid-js';

/** Small inline SVG icons (no icon font, nothing fetched). Decorative unless given a title. */
export type IconName =
  | 'chevron'
  | 'plus'
  | 'channel'
  | 'user'
  | 'pencil'
  | 'trash'
  | 'logout'
  | 'shield'
  | 'sun'
  | 'moon'
  | 'close'
  | 'join'
  | 'server'
  | 'refresh'
  | 'copy'
  | 'info'
  | 'warning'
  | 'check'
  | 'image'
  | 'send'
  | 'bell'
  | 'key'
  | 'arrowDown'
  | 'more'
  | 'lock'
  | 'micOff'
  | 'mic'
  | 'volume'
  | 'settings'
  | 'headphonesOff';

// Functions, not elements: a Solid JSX element is one DOM node and can be inserted only once.
const PATHS: Record<IconName, () => JSX.Element> = {
  chevron: () => <path d="M9 6l6 6-6 6" />,
  plus: () => <path d="M12 5v14M5 12h14" />,
  channel: () => (
    <>
      <path d="M11 5L6 9H3v6h3l5 4V5z" />
      <path d="M15.5 8.5a5 5 0 010 7" />
    </>
  ),
  user: () => (
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 20c0-4 4-6 8-6s8 2 8 6" />
    </>
  ),
  pencil: () => (
    <>
      <path d="M4 20h4L19 9l-4-4L4 16v4z" />
      <path d="M13.5 6.5l4 4" />
    </>
  ),
  trash: () => (
    <>
      <path d="M4 7h16M10 11v6M14 11v6" />
      <path d="M6 7l1 13h10l1-13M9 7V4h6v3" />
    </>
  ),
  logout: () => (
    <>
      <path d="M15 4h4v16h-4" />
      <path d="M10 8l-4 4 4 4M6 12h10" />
    </>
  ),
  shield: () => (
    <>
      <path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6l8-3z" />
      <path d="M9 12l2 2 4-4" />
    </>
  ),
  sun: () => (
    <>
      <circle cx="12" cy="12" r="4" />
      <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
    </>
  ),
  moon: () => <path d="M20 14.5A8 8 0 119.5 4a6.5 6.5 0 0010.5 10.5z" />,
  close: () => <path d="M6 6l12 12M18 6L6 18" />,
  join: () => (
    <>
      <path d="M10 17l5-5-5-5" />
      <path d="M15 12H3M14 4h5a1 1 0 011 1v14a1 1 0 01-1 1h-5" />
    </>
  ),
  server: () => (
    <>
      <rect x="3" y="4" width="18" height="7" rx="2" />
      <rect x="3" y="13" width="18" height="7" rx="2" />
      <path d="M7 7.5h.01M7 16.5h.01" />
    </>
  ),
  refresh: () => (
    <>
      <path d="M20 12a8 8 0 11-2.3-5.7" />
      <path d="M20 4v5h-5" />
    </>
  ),
  copy: () => (
    <>
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V5a1 1 0 00-1-1H5a1 1 0 00-1 1v10a1 1 0 001 1h3" />
    </>
  ),
  info: () => (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 11v5M12 8h.01" />
    </>
  ),
  warning: () => (
    <>
      <path d="M12 3l10 18H2L12 3z" />
      <path d="M12 10v4M12 17h.01" />
    </>
  ),
  check: () => <path d="M5 12l5 5 9-10" />,
  image: () => (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <circle cx="9" cy="10" r="1.6" />
      <path d="M4 17l5-4.5 3.5 3 3-2.5L20 17" />
    </>
  ),
  send: () => (
    <>
      <path d="M4 12l16-7-6 16-3-7-7-2z" />
      <path d="M11 14l9-9" />
    </>
  ),
  micOff: () => (
    <>
      <path d="M9 5a3 3 0 016 0v6a3 3 0 01-5.2 2" />
      <path d="M5.5 11a6.5 6.5 0 0010.6 5M18.5 11a6.5 6.5 0 01-.6 2.7M12 17.5V21" />
      <path d="M4 4l16 16" />
    </>
  ),
  mic: () => (
    <>
      <path d="M9 5a3 3 0 016 0v6a3 3 0 01-6 0z" />
      <path d="M5.5 11a6.5 6.5 0 0013 0M12 17.5V21" />
    </>
  ),
  volume: () => (
    <>
      <path d="M4 9h4l5-4v14l-5-4H4z" />
      <path d="M16.5 8.5a5 5 0 010 7M19 6a8.5 8.5 0 010 12" />
    </>
  ),
  settings: () => (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1" />
    </>
  ),
  headphonesOff: () => (
    <>
      <path d="M4 17v-4a8 8 0 0113.7-5.6M20 13v4" />
      <path d="M4 15h3v5H4zM17 15h3v5h-3z" />
      <path d="M4 4l16 16" />
    </>
  ),
  bell: () => (
    <>
      <path d="M6 16V11a6 6 0 0112 0v5l1.5 2h-15L6 16z" />
      <path d="M10 20.5a2.2 2.2 0 004 0" />
    </>
  ),
  key: () => (
    <>
      <circle cx="8" cy="14" r="4" />
      <path d="M11 11l8-8M16 6l2.5 2.5M14 8l2 2" />
    </>
  ),
  arrowDown: () => <path d="M12 5v14M6 13l6 6 6-6" />,
  more: () => <path d="M6 12h.01M12 12h.01M18 12h.01" />,
  lock: () => (
    <>
      <rect x="5" y="11" width="14" height="9" rx="2" />
      <path d="M8 11V8a4 4 0 018 0v3" />
    </>
  ),
};

export interface IconProps {
  name: IconName;
  size?: number;
  class?: string;
  /** When given, the icon is announced with this text; otherwise it is hidden from assistive tech. */
  title?: string;
}

export function Icon(props: IconProps): JSX.Element {
  return (
    <svg
      class={`lc-icon ${props.class ?? ''}`}
      width={props.size ?? 16}
      height={props.size ?? 16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden={props.title ? undefined : 'true'}
      role={props.title ? 'img' : undefined}
      aria-label={props.title}
    >
      {PATHS[props.name]()}
    </svg>
  );
}

/** The Lemon Chat mark: a lemon slice. */
export function LemonMark(props: { size?: number }): JSX.Element {
  return (
    <svg width={props.size ?? 28} height={props.size ?? 28} viewBox="0 0 32 32" aria-hidden="true" class="lc-mark">
      <circle cx="16" cy="16" r="14" fill="var(--lc-accent)" />
      <circle cx="16" cy="16" r="10.5" fill="#fff6c2" />
      <g stroke="var(--lc-accent)" stroke-width="1.6" stroke-linecap="round">
        <path d="M16 6.5v19M6.5 16h19M9.3 9.3l13.4 13.4M22.7 9.3L9.3 22.7" />
      </g>
      <circle cx="16" cy="16" r="2" fill="var(--lc-accent)" />
    </svg>
  );
}
