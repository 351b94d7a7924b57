import { createSignal, Show, type JSX } from 'solid-js';
import { normalizeDisplayName } from '@lemon/protocol';
import { Avatar, Button, IconButton, TextField } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError, nameProblemText } from '../../connection/errors';
import { useNotices } from '../../notices/NoticesProvider';
import { useModals } from '../../modals/ModalsProvider';
import { usePreferences } from '../../preferences/PreferencesProvider';
import { useVoice } from '../../voice/VoiceProvider';
import { LevelMeter } from '../voice/LevelMeter';

const PATH_TEXT = { off: 'Voice connecting…', websocket: 'Voice over WebSocket', datachannel: 'Voice connected' } as const;

/** The person's own name (rename inline) and where they are. */
export function SelfPanel(): JSX.Element {
  const connection = useConnection();
  const modals = useModals();
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const notices = useNotices();
  const voice = useVoice();
  const prefs = usePreferences();
  const self = () => connection.self();
  const channelName = () => {
    const id = self()?.channelId;
    return id ? connection.world.channels[id]?.name : undefined;
  };

  const start = () => {
    setDraft(self()?.displayName ?? '');
    setError(null);
    setEditing(true);
  };
  const onDraft = (value: string) => {
    setDraft(value);
    const check = normalizeDisplayName(value);
    setError(!check.ok && check.problem !== 'empty' ? nameProblemText(check.problem) : null);
  };
  const save = async () => {
    const check = normalizeDisplayName(draft());
    if (!check.ok) {
      setError(nameProblemText(check.problem));
      return;
    }
    if (check.name === self()?.displayName) {
      setEditing(false);
      return;
    }
    setBusy(true);
    try {
      await connection.rename(check.name);
      setEditing(false);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  // As in Discord: deafening also mutes; unmuting or undeafening ends both.
  const toggleVoice = (which: 'muted' | 'deafened') => {
    const u = self();
    if (!u) return;
    const on = which === 'muted' ? (u.muted ?? false) : (u.deafened ?? false);
    const next = on ? { muted: false, deafened: false } : which === 'muted' ? { muted: true, deafened: u.deafened ?? false } : { muted: true, deafened: true };
    connection.setVoiceState(next).catch((error) => notices.show(describeError(error), 'error'));
  };

  return (
    <section class="self" aria-label="You" data-testid="self-panel">
      <Show
        when={editing()}
        fallback={
          <div class="self__row">
            <Show when={self()}>{(u) => <Avatar id={u().id} name={u().displayName} size="md" />}</Show>
            <div class="self__text">
              <span class="self__name" data-testid="self-name">
                {self()?.displayName ?? '…'}
              </span>
              <span class="self__where">{channelName() ? `in ${channelName()}` : ' '}</span>
            </div>
            <IconButton
              icon="micOff"
              label={self()?.muted ? 'Unmute' : 'Mute'}
              aria-pressed={self()?.muted ? 'true' : 'false'}
              class={self()?.muted ? 'is-on' : ''}
              onClick={() => toggleVoice('muted')}
              disabled={connection.phase() !== 'online'}
              data-testid="mute-button"
            />
            <IconButton
              icon="headphonesOff"
              label={self()?.deafened ? 'Undeafen' : 'Deafen'}
              aria-pressed={self()?.deafened ? 'true' : 'false'}
              class={self()?.deafened ? 'is-on' : ''}
              onClick={() => toggleVoice('deafened')}
              disabled={connection.phase() !== 'online'}
              data-testid="deafen-button"
            />
            <IconButton icon="pencil" label="Rename yourself" onClick={start} disabled={connection.phase() !== 'online'} data-testid="rename-button" />
            <IconButton icon="settings" label="Voice settings" onClick={() => modals.open({ kind: 'voiceSettings' })} data-testid="voice-settings-button" />
            <IconButton icon="shield" label="My identity" onClick={() => modals.open({ kind: 'identity' })} />
          </div>
        }
      >
        <form
          class="self__form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TextField
            label="Your name"
            value={draft()}
            onValue={onDraft}
            error={error()}
            autofocus
            maxLength={128}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setEditing(false);
              }
            }}
            ref={(el) => queueMicrotask(() => el.select())}
            data-testid="rename-input"
          />
          <div class="self__buttons">
            <Button size="sm" variant="ghost" onClick={() => setEditing(false)} data-testid="rename-cancel">
              Cancel
            </Button>
            <Button size="sm" variant="primary" type="submit" busy={busy()} data-testid="rename-save">
              Save
            </Button>
          </div>
        </form>
      </Show>
      <Show when={voice()?.phase() !== 'off' ? voice() : null}>
        {(v) => (
          <div class="self__voice" data-testid="voice-status" data-phase={v().phase()} data-path={v().path()} data-sending={v().sending() ? 'true' : 'false'}>
            <span class="self__voice-path" classList={{ 'is-fallback': v().path() === 'websocket' }} title={v().path() === 'websocket' ? 'UDP is not getting through: voice goes over the WebSocket, with a little more delay.' : undefined}>
              {v().phase() === 'failed' || v().problem() ? 'Voice problem' : PATH_TEXT[v().path()]}
            </span>
            <LevelMeter levelDb={v().inputLevel()} thresholdDb={prefs.voice().mode === 'voice' ? prefs.voice().thresholdDb : undefined} open={v().sending()} />
            <Show when={prefs.voice().mode === 'push'}>
              <button
                type="button"
                class="self__ptt"
                classList={{ 'is-on': v().sending() }}
                onPointerDown={(e) => {
                  e.currentTarget.setPointerCapture(e.pointerId);
                  v().setPushed('button', true);
                }}
                onPointerUp={() => v().setPushed('button', false)}
                onPointerCancel={() => v().setPushed('button', false)}
                onLostPointerCapture={() => v().setPushed('button', false)}
                onContextMenu={(e) => e.preventDefault()}
                data-testid="push-to-talk-button"
              >
                Hold to talk
              </button>
            </Show>
            <Show when={v().problem()}>
              {(text) => (
                <span class="self__voice-problem" role="status" data-testid="voice-problem">
                  {text()}
                </span>
              )}
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
