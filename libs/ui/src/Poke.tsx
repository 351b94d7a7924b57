import { createSignal, createUniqueId, onMount, Show, type JSX } from 'solid-js';
import { Button, IconButton } from './Button';
import { Dialog } from './Dialog';
import { Icon } from './icons';
import { TextArea } from './TextField';
import { charCount, formatTime } from './chat';

export { playPokeSound } from './sound';

export interface PokeDialogProps {
  /** Who is poked; rendered as text. */
  targetName: string;
  maxChars: number;
  onSend: (text: string) => void;
  onCancel: () => void;
  busy?: boolean;
  error?: string | null;
}

/** Compose a poke: a short message that pops up (with a sound) on the other side. */
export function PokeDialog(props: PokeDialogProps): JSX.Element {
  const [text, setText] = createSignal('');
  const over = () => charCount(text()) > props.maxChars;
  const send = () => {
    if (over() || props.busy) return;
    props.onSend(text());
  };
  return (
    <Dialog
      title={`Poke ${props.targetName}`}
      description="They get a popup and a short sound."
      onClose={() => props.onCancel()}
      onSubmit={send}
      data-testid="poke-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={() => props.onCancel()} data-testid="poke-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="bell" busy={props.busy} disabled={over()} data-testid="poke-send">
            Poke
          </Button>
        </>
      }
    >
      <TextArea
        label="Message (optional)"
        value={text()}
        onValue={setText}
        rows={3}
        hint={`${charCount(text())} / ${props.maxChars}`}
        error={over() ? `At most ${props.maxChars} characters.` : props.error}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        data-testid="poke-input"
        autofocus
      />
    </Dialog>
  );
}

export interface PokePopupProps {
  from: { id: string; name: string };
  /** Rendered as text; may be empty. */
  text: string;
  /** Milliseconds since the epoch. */
  at: number;
  onDismiss: () => void;
  /** Called once when the popup appears, e.g. () => playPokeSound(). */
  playSound?: () => void;
}

/**
 * An incoming poke: who, what and when, until dismissed. Announced as an alert; it does not take
 * the focus, so a keystroke meant for the composer cannot dismiss it unseen.
 */
export function PokePopup(props: PokePopupProps): JSX.Element {
  const titleId = createUniqueId();
  const textId = createUniqueId();
  onMount(() => {
    try {
      props.playSound?.();
    } catch {
      // A missing sound must not hide the poke.
    }
  });
  return (
    <div class="lc-poke" role="alert" aria-labelledby={titleId} aria-describedby={props.text ? textId : undefined} data-testid="poke-popup">
      <div class="lc-poke__icon">
        <Icon name="bell" size={20} />
      </div>
      <div class="lc-poke__body">
        <div id={titleId} class="lc-poke__title">
          <strong data-testid="poke-from">{props.from.name}</strong>
          {' poked you'}
          <time class="lc-msg__time" dateTime={new Date(props.at).toISOString()}>
            {formatTime(props.at)}
          </time>
        </div>
        <Show when={props.text}>
          <p id={textId} class="lc-poke__text" data-testid="poke-text">
            {props.text}
          </p>
        </Show>
      </div>
      <Button size="sm" onClick={() => props.onDismiss()} data-testid="poke-dismiss">
        OK
      </Button>
      <IconButton icon="close" label="Dismiss" class="lc-poke__close" onClick={() => props.onDismiss()} tabIndex={-1} />
    </div>
  );
}
