import { createSignal, Show, type JSX } from 'solid-js';
import { Button, Dialog } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError } from '../../connection/errors';
import { subtreeIds } from '../../connection/world-view';

export function DeleteChannelDialog(props: { channelId: number; onClose: () => void }): JSX.Element {
  const connection = useConnection();
  const world = connection.world;
  const channel = world.channels[props.channelId];
  const ids = subtreeIds(world, props.channelId);
  const below = ids.length - 1;
  const people = Object.values(world.users).filter((u) => u && ids.includes(u.channelId)).length;
  const fallback = world.channels[world.defaultChannelId]?.name ?? 'the default channel';
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await connection.deleteChannel(props.channelId);
      props.onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Delete channel"
      description={channel ? `“${channel.name}” will be deleted for everyone.` : undefined}
      onClose={props.onClose}
      onSubmit={() => void confirm()}
      data-testid="delete-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" busy={busy()} data-testid="delete-confirm">
            Delete
          </Button>
        </>
      }
    >
      <ul class="plain-list">
        <Show when={below > 0}>
          <li>{below === 1 ? 'Its sub-channel is deleted too.' : `Its ${below} sub-channels are deleted too.`}</li>
        </Show>
        <Show when={people > 0}>
          <li>{`${people === 1 ? 'The person' : `The ${people} people`} inside move to ${fallback}.`}</li>
        </Show>
        <li>This cannot be undone.</li>
      </ul>
      <Show when={error()}>
        {(text) => (
          <div class="callout callout--error" role="alert" data-testid="delete-error">
            {text()}
          </div>
        )}
      </Show>
    </Dialog>
  );
}
