import { createContext, createEffect, createMemo, createSignal, on, onCleanup, untrack, useContext, type Accessor, type JSX } from 'solid-js';
import { LIMITS } from '@lemon/protocol';
import { useConnection } from '../connection/ConnectionProvider';
import { voiceDebugFromQuery } from '../connection/debug-options';
import { useNotices } from '../notices/NoticesProvider';
import { usePreferences } from '../preferences/PreferencesProvider';
import { VoiceModel } from './voice-model';

const VoiceContext = createContext<Accessor<VoiceModel | null>>();

/** Keys that type something: while a text field has focus, they type instead of talking. */
const TYPING_KEY = /^(Key[A-Z]|Digit\d|Space|Minus|Equal|Bracket(Left|Right)|Backslash|Semicolon|Quote|Comma|Period|Slash|Backquote|Enter|Backspace)$/;

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

/**
 * One VoiceModel per connection (it follows the chat, whose keys it uses), turned on while
 * the person is in a channel with voice on; plus the push-to-talk key.
 */
export function VoiceProvider(props: { children: JSX.Element }): JSX.Element {
  const connection = useConnection();
  const prefs = usePreferences();
  const notices = useNotices();
  const [model, setModel] = createSignal<VoiceModel | null>(null);
  const debug = voiceDebugFromQuery(window.location.search);

  createEffect(() => {
    const chat = connection.chat();
    if (!chat) {
      setModel(null);
      return;
    }
    const voice = new VoiceModel({
      session: chat.session,
      chat: chat.client,
      self: () => connection.self(),
      settings: () => prefs.voice(),
      notify: (text, tone) => notices.show(text, tone),
      recordOnsets: debug,
    });
    setModel(voice);
    onCleanup(() => voice.close());
  });

  // Voice is on while online in a channel with voice on. Only a change of that (or of the
  // bitrate) reaches the model: after a failed start it waits for the next change, it does
  // not retry in a loop.
  const wanted = createMemo(
    () => {
      const self = connection.self();
      const channel = self ? connection.world.channels[self.channelId] : undefined;
      return { active: connection.phase() === 'online' && channel?.voice === true, bitrate: channel?.bitrate ?? LIMITS.voiceBitrateDefault, channelId: self?.channelId };
    },
    undefined,
    { equals: (a, b) => a.active === b.active && a.bitrate === b.bitrate && a.channelId === b.channelId },
  );
  createEffect(() => {
    const voice = model();
    const { active, bitrate } = wanted();
    if (voice) untrack(() => voice.setActive(active, bitrate));
  });

  // Devices and processing: only when one of them changes (not the slider or a volume).
  const devices = createMemo(() => {
    const s = prefs.voice();
    return JSON.stringify([s.inputDeviceId, s.outputDeviceId, s.echoCancellation, s.noiseSuppression, s.autoGainControl]);
  });
  createEffect(on(devices, () => void untrack(model)?.applyDevices(), { defer: true }));

  const onKey = (down: boolean) => (event: KeyboardEvent) => {
    const key = prefs.voice().pushKey;
    if (!key || event.code !== key || event.repeat) return;
    if (down && isTyping(event.target) && TYPING_KEY.test(event.code)) return;
    model()?.setPushed('key', down);
  };
  const keyDown = onKey(true);
  const keyUp = onKey(false);
  // A key or button released while the window had no focus is never seen: stop talking.
  const blur = () => {
    model()?.setPushed('key', false);
    model()?.setPushed('button', false);
  };
  // Browsers hold audio until the page is used; any click or key starts it.
  const resume = () => model()?.resumeAudio();
  window.addEventListener('keydown', keyDown);
  window.addEventListener('keyup', keyUp);
  window.addEventListener('blur', blur);
  window.addEventListener('pointerdown', resume);
  onCleanup(() => {
    window.removeEventListener('keydown', keyDown);
    window.removeEventListener('keyup', keyUp);
    window.removeEventListener('blur', blur);
    window.removeEventListener('pointerdown', resume);
  });

  if (debug) {
    (window as unknown as { lemonVoiceDebug: unknown }).lemonVoiceDebug = {
      outputPeak: () => model()?.outputPeak() ?? null,
      diagnostics: () => model()?.diagnostics() ?? null,
      onsets: () => model()?.onsets ?? null,
    };
  }

  return <VoiceContext.Provider value={model}>{props.children}</VoiceContext.Provider>;
}

export function useVoice(): Accessor<VoiceModel | null> {
  const voice = useContext(VoiceContext);
  if (!voice) throw new Error('useVoice() outside <VoiceProvider>');
  return voice;
}
