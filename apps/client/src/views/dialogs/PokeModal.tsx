import { createSignal, type JSX } from 'solid-js';
import { LIMITS } from '@lemon/protocol';
import { PokeDialog } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError } from '../../connection/errors';
import { useNotices } from '../../notices/NoticesProvider';

/** Poke someone: an end-to-end encrypted DM that pops up with a sound on their side. */
export function PokeModal(props: { userId: string; onClose: () => void }): JSX.Element {
  const connection = useConnection();
  const notices = useNotices();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const name = () => connection.chat()?.nameOf(props.userId) ?? 'them';
  const send = (text: string) => {
    const chat = connection.chat();
    if (!chat) return;
    setBusy(true);
    setError(null);
    chat.poke(props.userId, text).then(
      () => {
        notices.show(`Poked ${name()}.`, 'ok');
        props.onClose();
      },
      (e) => {
        setBusy(false);
        setError(describeError(e));
      },
    );
  };
  return <PokeDialog targetName={name()} maxChars={LIMITS.pokeTextMaxChars} onSend={send} onCancel={props.onClose} busy={busy()} error={error()} />;
}
