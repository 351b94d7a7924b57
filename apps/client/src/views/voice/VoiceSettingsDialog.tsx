import { createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { Button, Dialog } from '@lemon/ui';
import { usePreferences } from '../../preferences/PreferencesProvider';
import { listAudioDevices } from '../../voice/audio-io';
import { useVoice } from '../../voice/VoiceProvider';
import { THRESHOLD_RANGE, keyLabel } from '../../voice/voice-settings';
import { LevelMeter } from './LevelMeter';

const PATH_LABELS = { off: 'Not connected', websocket: 'WebSocket (TCP)', datachannel: 'Data channel (UDP)' } as const;

/** How one talks and with what: mode, sensitivity, key, devices, processing; and diagnostics. */
export function VoiceSettingsDialog(props: { onClose: () => void }): JSX.Element {
  const prefs = usePreferences();
  const voice = useVoice();
  const s = () => prefs.voice();
  const [devices] = createResource(() => listAudioDevices().catch(() => ({ inputs: [], outputs: [] })));
  const [capturing, setCapturing] = createSignal(false);
  const [stats, setStats] = createSignal(voice()?.diagnostics() ?? null);
  const timer = setInterval(() => setStats(voice()?.diagnostics() ?? null), 1000);
  onCleanup(() => clearInterval(timer));

  // The next key pressed becomes the push-to-talk key (Escape cancels, Backspace clears).
  let keyListener: ((event: KeyboardEvent) => void) | null = null;
  const stopCapture = () => {
    if (keyListener) window.removeEventListener('keydown', keyListener, true);
    keyListener = null;
    setCapturing(false);
  };
  const captureKey = () => {
    stopCapture();
    setCapturing(true);
    keyListener = (event: KeyboardEvent) => {
      event.preventDefault();
      event.stopPropagation();
      stopCapture();
      if (event.code === 'Escape') return;
      prefs.setVoice({ pushKey: event.code === 'Backspace' ? '' : event.code });
    };
    window.addEventListener('keydown', keyListener, true);
  };
  onCleanup(stopCapture);

  return (
    <Dialog
      title="Voice settings"
      onClose={props.onClose}
      width="md"
      data-testid="voice-settings-dialog"
      footer={
        <Button variant="primary" onClick={props.onClose}>
          Done
        </Button>
      }
    >
      <fieldset class="voice-settings">
        <legend class="details__label">Talk with</legend>
        <label class="voice-settings__toggle">
          <input type="radio" name="talk-mode" checked={s().mode === 'voice'} onChange={() => prefs.setVoice({ mode: 'voice' })} data-testid="mode-voice" />
          Voice activation
        </label>
        <label class="voice-settings__toggle">
          <input type="radio" name="talk-mode" checked={s().mode === 'push'} onChange={() => prefs.setVoice({ mode: 'push' })} data-testid="mode-push" />
          Push to talk
        </label>
        <Show when={s().mode === 'voice'}>
          <label class="voice-settings__bitrate">
            <span>{`Sensitivity: opens above ${s().thresholdDb} dB`}</span>
            <input
              type="range"
              min={THRESHOLD_RANGE.minDb}
              max={THRESHOLD_RANGE.maxDb}
              step={1}
              value={s().thresholdDb}
              onInput={(e) => prefs.setVoice({ thresholdDb: Number(e.currentTarget.value) })}
              data-testid="threshold-input"
            />
          </label>
          <LevelMeter levelDb={voice()?.inputLevel() ?? Number.NEGATIVE_INFINITY} thresholdDb={s().thresholdDb} open={voice()?.sending() ?? false} />
          <p class="voice-settings__hint">{voice()?.phase() === 'on' ? 'Speak: the bar turns green when you would be heard.' : 'Join a channel with voice to see your level.'}</p>
        </Show>
        <Show when={s().mode === 'push'}>
          <div class="voice-settings__row">
            <span>{`Key: ${capturing() ? 'press a key…' : keyLabel(s().pushKey)}`}</span>
            <Button size="sm" variant="ghost" onClick={captureKey} disabled={capturing()} data-testid="push-key-button">
              Change
            </Button>
          </div>
          <p class="voice-settings__hint">The key works while this page has focus; the button under your name works by touch.</p>
        </Show>
      </fieldset>

      <fieldset class="voice-settings">
        <legend class="details__label">Devices</legend>
        <label class="voice-settings__field">
          <span>Microphone</span>
          <select value={s().inputDeviceId} onChange={(e) => prefs.setVoice({ inputDeviceId: e.currentTarget.value })} data-testid="input-device-select">
            <option value="">System default</option>
            <For each={devices()?.inputs ?? []}>
              {(d) => (
                <option value={d.deviceId} selected={d.deviceId === s().inputDeviceId}>
                  {d.label}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="voice-settings__field">
          <span>Speaker</span>
          <select value={s().outputDeviceId} onChange={(e) => prefs.setVoice({ outputDeviceId: e.currentTarget.value })} data-testid="output-device-select">
            <option value="">System default</option>
            <For each={devices()?.outputs ?? []}>
              {(d) => (
                <option value={d.deviceId} selected={d.deviceId === s().outputDeviceId}>
                  {d.label}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="voice-settings__toggle">
          <input type="checkbox" checked={s().echoCancellation} onChange={(e) => prefs.setVoice({ echoCancellation: e.currentTarget.checked })} data-testid="echo-input" />
          Echo cancellation
        </label>
        <label class="voice-settings__toggle">
          <input type="checkbox" checked={s().noiseSuppression} onChange={(e) => prefs.setVoice({ noiseSuppression: e.currentTarget.checked })} data-testid="noise-input" />
          Noise suppression
        </label>
        <label class="voice-settings__toggle">
          <input type="checkbox" checked={s().autoGainControl} onChange={(e) => prefs.setVoice({ autoGainControl: e.currentTarget.checked })} data-testid="gain-input" />
          Automatic gain
        </label>
        <Show when={voice()?.problem()}>
          {(text) => (
            <div class="callout callout--error" role="alert">
              {text()}
            </div>
          )}
        </Show>
      </fieldset>

      <Show when={stats()}>
        {(d) => (
          <dl class="voice-settings__stats" data-testid="voice-diagnostics">
            <dt>Path</dt>
            <dd data-testid="voice-diagnostics-path">{PATH_LABELS[d().path]}</dd>
            <dt>Encoder</dt>
            <dd>{d().encoder === 'webcodecs' ? 'Opus (browser, WebCodecs)' : d().encoder ? 'Opus (WebAssembly)' : '—'}</dd>
            <dt>Frames sent / heard</dt>
            <dd>{`${d().framesSent} / ${d().received?.decrypted ?? 0}`}</dd>
            <dt>Could not decrypt</dt>
            <dd>{d().received?.undecryptable ?? 0}</dd>
            <dt>Playout gaps</dt>
            <dd>{d().underruns}</dd>
          </dl>
        )}
      </Show>
    </Dialog>
  );
}
