import { Match, Switch, type JSX } from 'solid-js';
import { useModals } from '../../modals/ModalsProvider';
import { BackupModal } from './BackupModal';
import { ChannelDialog } from './ChannelDialog';
import { DeleteChannelDialog } from './DeleteChannelDialog';
import { IdentityDialog } from './IdentityDialog';
import { MessageStyleDialog } from './MessageStyleDialog';
import { PokeModal } from './PokeModal';
import { SafetyNumberModal } from './SafetyNumberModal';
import { UserVolumeDialog } from '../voice/UserVolumeDialog';
import { VoiceSettingsDialog } from '../voice/VoiceSettingsDialog';

/** Renders the one open dialog, if any. */
export function ModalHost(): JSX.Element {
  const modals = useModals();
  const close = () => modals.close();
  const is = <K extends string>(kind: K) => {
    const m = modals.current();
    return m && m.kind === kind ? (m as Extract<NonNullable<typeof m>, { kind: K }>) : false;
  };
  return (
    <Switch>
      <Match when={is('createChannel')} keyed>
        {(m) => <ChannelDialog mode="create" parentId={m.parentId} onClose={close} />}
      </Match>
      <Match when={is('editChannel')} keyed>
        {(m) => <ChannelDialog mode="edit" channelId={m.channelId} onClose={close} />}
      </Match>
      <Match when={is('deleteChannel')} keyed>
        {(m) => <DeleteChannelDialog channelId={m.channelId} onClose={close} />}
      </Match>
      <Match when={is('identity')}>
        <IdentityDialog onClose={close} />
      </Match>
      <Match when={is('safetyNumber')} keyed>
        {(m) => <SafetyNumberModal userId={m.userId} onClose={close} />}
      </Match>
      <Match when={is('poke')} keyed>
        {(m) => <PokeModal userId={m.userId} onClose={close} />}
      </Match>
      <Match when={is('messageStyle')}>
        <MessageStyleDialog onClose={close} />
      </Match>
      <Match when={is('backup')} keyed>
        {(m) => <BackupModal mode={m.mode} onClose={close} />}
      </Match>
      <Match when={is('voiceSettings')}>
        <VoiceSettingsDialog onClose={close} />
      </Match>
      <Match when={is('userVolume')} keyed>
        {(m) => <UserVolumeDialog userId={m.userId} onClose={close} />}
      </Match>
    </Switch>
  );
}
