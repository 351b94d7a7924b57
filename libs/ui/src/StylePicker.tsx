import { createUniqueId, For, type JSX } from 'solid-js';
import { clampStyle, messageStyleCss, MESSAGE_SIZE_MAX_PX, MESSAGE_SIZE_MIN_PX, type MessageStyle } from './chat';

export interface StylePickerProps {
  /** The fonts to offer, e.g. { id: 'serif', label: 'Serif' }; ids without a known stack preview as the default font. */
  fonts: readonly { id: string; label: string }[];
  value: MessageStyle;
  onChange: (style: MessageStyle) => void;
  /** The preview line's text. */
  previewText?: string;
}

/** Font, size and colour for one's own messages, with a preview line. */
export function StylePicker(props: StylePickerProps): JSX.Element {
  const id = createUniqueId();
  const safe = () => clampStyle(props.value);
  const change = (patch: Partial<MessageStyle>) => {
    const next = { ...props.value, ...patch };
    const clamped = clampStyle(next);
    props.onChange({ font: next.font, sizePx: clamped.sizePx, color: clamped.color ?? props.value.color });
  };
  return (
    <div class="lc-style-picker" data-testid="style-picker">
      <div class="lc-field">
        <label class="lc-field__label" for={`${id}-font`}>
          Font
        </label>
        <select
          id={`${id}-font`}
          class="lc-input"
          value={props.value.font}
          onChange={(e) => change({ font: e.currentTarget.value })}
          data-testid="style-font"
        >
          <For each={props.fonts}>{(font) => <option value={font.id}>{font.label}</option>}</For>
        </select>
      </div>
      <div class="lc-field">
        <label class="lc-field__label" for={`${id}-size`}>
          Size
        </label>
        <div class="lc-style-picker__size">
          <input
            id={`${id}-size`}
            type="range"
            min={MESSAGE_SIZE_MIN_PX}
            max={MESSAGE_SIZE_MAX_PX}
            step={1}
            value={safe().sizePx}
            onInput={(e) => change({ sizePx: Number(e.currentTarget.value) })}
            data-testid="style-size-range"
          />
          <input
            type="number"
            class="lc-input lc-style-picker__number"
            min={MESSAGE_SIZE_MIN_PX}
            max={MESSAGE_SIZE_MAX_PX}
            step={1}
            value={safe().sizePx}
            aria-label="Size in pixels"
            onChange={(e) => {
              const raw = e.currentTarget.value.trim();
              const n = Number(raw);
              if (raw === '' || !Number.isFinite(n)) {
                e.currentTarget.value = String(safe().sizePx);
                return;
              }
              const sizePx = clampStyle({ ...props.value, sizePx: n }).sizePx;
              e.currentTarget.value = String(sizePx);
              change({ sizePx });
            }}
            data-testid="style-size"
          />
          <span class="lc-style-picker__unit">px</span>
        </div>
      </div>
      <div class="lc-field">
        <label class="lc-field__label" for={`${id}-color`}>
          Colour
        </label>
        <input
          id={`${id}-color`}
          type="color"
          class="lc-style-picker__color"
          value={safe().color ?? '#e7e9ee'}
          onInput={(e) => change({ color: e.currentTarget.value.toLowerCase() })}
          data-testid="style-color"
        />
      </div>
      <div class="lc-style-picker__preview" data-testid="style-preview">
        <span class="lc-field__label">Preview</span>
        <div style={messageStyleCss(props.value)}>{props.previewText ?? 'The quick brown fox jumps over the lazy dog.'}</div>
      </div>
    </div>
  );
}
