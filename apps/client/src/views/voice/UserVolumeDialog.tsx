import type { JSX } from 'solid-js';
import { Button, Dialog } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { usePreferences } from '../../preferences/PreferencesProvider';
import { MAX_USER_VOLUME } from '../../voice/voice-settings';

/** How loud one person is for me (0–200 %), kept on this device only. */
export function UserVolumeDialog(props: { userId: string; onClose: () => void }): JSX.Element {
  const connection = useConnection();
  const prefs = usePreferences();
  const name = () => connection.world.users[props.userId]?.displayName ?? 'this person';
  const percent = () => Math.round((prefs.voice().volumes[props.userId] ?? 1) * 100);
  return (
    <Dialog
      title={`Volume of ${name()}`}
      description="Only for you, on this device."
      onClose={props.onClose}
      data-testid="user-volume-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={() => prefs.setUserVolume(props.userId, 1)} data-testid="user-volume-reset">
            Reset
          </Button>
          <Button variant="primary" onClick={props.onClose}>
            Done
          </Button>
        </>
      }
    >
      <label class="voice-settings__bitrate">
        <span>{percent() === 0 ? 'Muted for you' : `${percent()} %`}</span>
        <input
          type="range"
          min={0}
          max={MAX_USER_VOLUME * 100}
          step={5}
          value={percent()}
          onInput={(e) => prefs.setUserVolume(props.userId, Number(e.currentTarget.value) / 100)}
          data-testid="user-volume-input"
        />
      </label>
    </Dialog>
  );
}
