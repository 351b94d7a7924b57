import { Show, type JSX } from 'solid-js';
import { SafetyNumber } from '@lemon/crypto-wasm';
import { fromBase64Url } from '@lemon/protocol';
import { Dialog, SafetyNumberDialog } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { useIdentity } from '../../identity/IdentityProvider';

/** The safety number with one person (computed from both public keys) and the verified mark. */
export function SafetyNumberModal(props: { userId: string; onClose: () => void }): JSX.Element {
  const connection = useConnection();
  const identity = useIdentity();
  const chat = () => connection.chat();
  const number = () => {
    const own = identity.identity();
    const theirs = fromBase64Url(chat()?.publicKeyOf(props.userId) ?? '');
    return own && theirs ? SafetyNumber.of(own.publicKey, theirs) : null;
  };
  return (
    <Show
      when={number()}
      fallback={
        <Dialog title="Safety number" onClose={props.onClose} data-testid="safety-dialog">
          <p>This person's key is not known here yet.</p>
        </Dialog>
      }
    >
      {(n) => (
        <SafetyNumberDialog
          peerName={chat()?.nameOf(props.userId) ?? 'them'}
          digits={n().digits}
          qrPayload={n().qrPayload}
          verified={chat()?.isVerified(props.userId) ?? false}
          onMarkVerified={(verified) => chat()?.setVerified(props.userId, verified)}
          onClose={props.onClose}
        />
      )}
    </Show>
  );
}
