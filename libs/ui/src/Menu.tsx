import { For, Match, onCleanup, onMount, Switch, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { Icon, type IconName } from './icons';

export type MenuEntry =
  | { kind?: 'item'; label: string; icon?: IconName; danger?: boolean; disabled?: boolean; testId?: string; onSelect: () => void }
  | { kind: 'separator' }
  | { kind: 'heading'; label: string };

export interface ContextMenuProps {
  /** Viewport coordinates where the menu opens (it is kept inside the window). */
  x: number;
  y: number;
  /** Accessible name of the menu. */
  label: string;
  entries: MenuEntry[];
  onClose: () => void;
  'data-testid'?: string;
}

/** A right-click menu: arrow keys move, Enter selects, Escape or a click elsewhere closes. */
export function ContextMenu(props: ContextMenuProps): JSX.Element {
  let el!: HTMLDivElement;
  const items = () => [...el.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])')];

  onMount(() => {
    const rect = el.getBoundingClientRect();
    const left = Math.max(4, Math.min(props.x, window.innerWidth - rect.width - 4));
    const top = Math.max(4, Math.min(props.y, window.innerHeight - rect.height - 4));
    el.style.left = `${left}px`;
    el.style.top = `${top}px`;
    el.style.visibility = 'visible';
    items()[0]?.focus();
    const onPointerDown = (e: PointerEvent) => {
      if (!el.contains(e.target as Node)) props.onClose();
    };
    const onBlurWindow = () => props.onClose();
    document.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('blur', onBlurWindow);
    window.addEventListener('resize', onBlurWindow);
    onCleanup(() => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('blur', onBlurWindow);
      window.removeEventListener('resize', onBlurWindow);
    });
  });

  const onKeyDown = (e: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      e.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    if (e.key === 'ArrowDown') move(index + 1);
    else if (e.key === 'ArrowUp') move(index - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(list.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      props.onClose();
    }
  };

  return (
    <Portal>
      <div
        ref={el}
        class="lc-menu"
        role="menu"
        aria-label={props.label}
        style={{ left: `${props.x}px`, top: `${props.y}px`, visibility: 'hidden' }}
        onKeyDown={onKeyDown}
        onContextMenu={(e) => e.preventDefault()}
        data-testid={props['data-testid']}
      >
        <For each={props.entries}>
          {(entry) => (
            <Switch>
              <Match when={entry.kind === 'separator'}>
                <div class="lc-menu__separator" role="separator" />
              </Match>
              <Match when={entry.kind === 'heading' && entry}>
                {(heading) => (
                  <div class="lc-menu__heading" role="presentation">
                    {heading().label}
                  </div>
                )}
              </Match>
              <Match when={(entry.kind === undefined || entry.kind === 'item') && entry}>
                {(item) => {
                  const it = item() as Extract<MenuEntry, { onSelect: () => void }>;
                  return (
                    <button
                      type="button"
                      role="menuitem"
                      class={`lc-menu__item ${it.danger ? 'lc-menu__item--danger' : ''}`}
                      disabled={it.disabled}
                      data-testid={it.testId}
                      onClick={() => {
                        props.onClose();
                        it.onSelect();
                      }}
                    >
                      <span class="lc-menu__icon">{it.icon ? <Icon name={it.icon} /> : null}</span>
                      <span>{it.label}</span>
                    </button>
                  );
                }}
              </Match>
            </Switch>
          )}
        </For>
      </div>
    </Portal>
  );
}
