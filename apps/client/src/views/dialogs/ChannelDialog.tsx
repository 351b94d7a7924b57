import { createSignal, Show, type JSX } from 'solid-js';
import { LIMITS, normalizeChannelName } from '@lemon/protocol';
import { Button, Dialog, TextArea, TextField } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError, nameProblemText } from '../../connection/errors';
import { channelDepth } from '../../connection/world-view';

export type ChannelDialogProps =
  | { mode: 'create'; parentId: number | null; onClose: () => void }
  | { mode: 'edit'; channelId: number; onClose: () => void };

/** Create a channel (top level or below another) or edit its name, description and voice settings. */
export function ChannelDialog(props: ChannelDialogProps): JSX.Element {
  const connection = useConnection();
  const world = connection.world;
  const existing = props.mode === 'edit' ? world.channels[props.channelId] : undefined;
  const parent = props.mode === 'create' && props.parentId !== null ? world.channels[props.parentId] : undefined;
  const [name, setName] = createSignal(existing?.name ?? '');
  const [description, setDescription] = createSignal(existing?.description ?? '');
  const [voice, setVoice] = createSignal(existing?.voice ?? true);
  const [kbps, setKbps] = createSignal(Math.round((existing?.bitrate ?? LIMITS.voiceBitrateDefault) / 1000));
  const [touched, setTouched] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [serverError, setServerError] = createSignal<string | null>(null);

  const check = () => normalizeChannelName(name());
  const nameError = () => {
    const c = check();
    if (c.ok || (!touched() && c.problem === 'empty')) return null;
    return nameProblemText(c.problem, LIMITS.channelNameMaxChars);
  };
  const descriptionError = () => (description().length > LIMITS.channelDescriptionMaxChars ? `Keep it to ${LIMITS.channelDescriptionMaxChars} characters or fewer.` : null);
  const tooDeep = () => props.mode === 'create' && props.parentId !== null && channelDepth(world, props.parentId) >= LIMITS.channelMaxDepth;

  const submit = async () => {
    setTouched(true);
    setServerError(null);
    const c = check();
    if (!c.ok || descriptionError() || tooDeep()) return;
    setBusy(true);
    try {
      if (props.mode === 'create') {
        await connection.createChannel({ parentId: props.parentId, name: c.name, description: description(), voice: voice(), bitrate: kbps() * 1000 });
      } else {
        const patch: { name?: string; description?: string; voice?: boolean; bitrate?: number } = {};
        if (c.name !== existing?.name) patch.name = c.name;
        if (description().trim() !== (existing?.description ?? '')) patch.description = description();
        if (voice() !== existing?.voice) patch.voice = voice();
        if (kbps() * 1000 !== existing?.bitrate) patch.bitrate = kbps() * 1000;
        if (Object.keys(patch).length > 0) await connection.updateChannel(props.channelId, patch);
      }
      props.onClose();
    } catch (error) {
      setServerError(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const title = props.mode === 'edit' ? 'Edit channel' : parent ? 'Create sub-channel' : 'Create channel';
  const subtitle = props.mode === 'edit' ? (existing ? `Changing “${existing.name}”.` : undefined) : parent ? `Inside “${parent.name}”.` : 'At the top level of the tree.';

  return (
    <Dialog
      title={title}
      description={subtitle}
      onClose={props.onClose}
      onSubmit={() => void submit()}
      width="md"
      data-testid="channel-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy()} data-testid="channel-dialog-submit">
            {props.mode === 'edit' ? 'Save' : 'Create'}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={name()} onValue={setName} error={nameError()} maxLength={LIMITS.channelNameMaxChars * 4} autofocus data-testid="channel-name-input" />
      <TextArea
        label="Description"
        value={description()}
        onValue={setDescription}
        error={descriptionError()}
        hint={`Shown when someone clicks the channel. ${description().length}/${LIMITS.channelDescriptionMaxChars}`}
        maxLength={LIMITS.channelDescriptionMaxChars}
        data-testid="channel-description-input"
      />
      <fieldset class="voice-settings" data-testid="channel-voice-settings">
        <legend class="details__label">Voice</legend>
        <label class="voice-settings__toggle">
          <input type="checkbox" checked={voice()} onChange={(e) => setVoice(e.currentTarget.checked)} data-testid="channel-voice-input" />
          People can talk in this channel
        </label>
        <label class="voice-settings__bitrate">
          <span>{`Quality: ${kbps()} kbit/s`}</span>
          <input
            type="range"
            min={LIMITS.voiceBitrateMin / 1000}
            max={LIMITS.voiceBitrateMax / 1000}
            step={8}
            value={kbps()}
            disabled={!voice()}
            onInput={(e) => setKbps(Number(e.currentTarget.value))}
            data-testid="channel-bitrate-input"
          />
        </label>
      </fieldset>
      <Show when={tooDeep()}>
        <div class="callout callout--error" role="alert">
          Channels can nest at most {LIMITS.channelMaxDepth} levels deep.
        </div>
      </Show>
      <Show when={serverError()}>
        {(text) => (
          <div class="callout callout--error" role="alert" data-testid="channel-dialog-error">
            {text()}
          </div>
        )}
      </Show>
    </Dialog>
  );
}
