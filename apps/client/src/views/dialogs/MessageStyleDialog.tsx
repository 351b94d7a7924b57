import { createSignal, type JSX } from 'solid-js';
import { CHAT_FONTS, type ChatFont, type ChatStyle } from '@lemon/protocol';
import { Button, Dialog, StylePicker } from '@lemon/ui';
import { DEFAULT_MESSAGE_STYLE, cleanMessageStyle } from '../../preferences/store';
import { usePreferences } from '../../preferences/PreferencesProvider';

/** A label for every font the protocol allows (a new one fails to type-check until named here). */
const FONT_LABELS: Record<ChatFont, string> = { sans: 'Sans-serif', serif: 'Serif', mono: 'Monospace', rounded: 'Rounded', handwriting: 'Handwriting' };
const FONTS = CHAT_FONTS.map((id) => ({ id, label: FONT_LABELS[id] }));

/** Font, size and colour of one's own messages, as everyone sees them. */
export function MessageStyleDialog(props: { onClose: () => void }): JSX.Element {
  const prefs = usePreferences();
  const [style, setStyle] = createSignal<ChatStyle>(prefs.messageStyle() ?? { ...DEFAULT_MESSAGE_STYLE });
  return (
    <Dialog
      title="Message style"
      description="How your messages look to everyone. Readers' apps clamp sizes and never load fonts from elsewhere."
      onClose={props.onClose}
      onSubmit={() => {
        prefs.setMessageStyle(style());
        props.onClose();
      }}
      data-testid="message-style-dialog"
      footer={
        <>
          <Button
            variant="ghost"
            onClick={() => {
              prefs.setMessageStyle(null);
              props.onClose();
            }}
            data-testid="message-style-reset"
          >
            Use the reader's theme
          </Button>
          <Button type="submit" variant="primary" data-testid="message-style-save">
            Save
          </Button>
        </>
      }
    >
      <StylePicker fonts={FONTS} value={style()} onChange={(next) => setStyle(cleanMessageStyle(next))} previewText="The quick brown fox jumps over the lazy dog" />
    </Dialog>
  );
}
