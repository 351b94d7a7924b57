import { DEFAULT_VOICE_SETTINGS, MAX_SAVED_VOLUMES, THRESHOLD_RANGE, cleanVoiceSettings, keyLabel } from './voice-settings';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('voice settings', () => {
  it('defaults to voice activation with the browser processing on', () => {
    for (const input of [undefined, null, 'x', [], { mode: 'shout' }]) {
      expect(cleanVoiceSettings(input)).toEqual({ ...DEFAULT_VOICE_SETTINGS, volumes: {} });
    }
  });

  it('keeps a valid choice and clamps what is out of range', () => {
    const clean = cleanVoiceSettings({
      mode: 'push',
      thresholdDb: -500,
      pushKey: 'ControlRight',
      inputDeviceId: 'mic-1',
      outputDeviceId: 'x'.repeat(300),
      echoCancellation: false,
      noiseSuppression: 'yes',
      autoGainControl: false,
      volumes: { [id(1)]: 0.5, [id(2)]: 9, [id(3)]: 1, 'not-a-user': 0.2, [id(4)]: 'loud' },
    });
    expect(clean).toEqual({
      mode: 'push',
      thresholdDb: THRESHOLD_RANGE.minDb,
      pushKey: 'ControlRight',
      inputDeviceId: 'mic-1',
      outputDeviceId: '',
      echoCancellation: false,
      noiseSuppression: true,
      autoGainControl: false,
      volumes: { [id(1)]: 0.5, [id(2)]: 2 },
    });
  });

  it('refuses a push-to-talk key that is not a key code', () => {
    expect(cleanVoiceSettings({ pushKey: '<img src=x>' }).pushKey).toBe('');
  });

  it('keeps only the most recent volumes', () => {
    const volumes = Object.fromEntries(Array.from({ length: MAX_SAVED_VOLUMES + 5 }, (_, i) => [id(i + 1), 0.5]));
    const kept = Object.keys(cleanVoiceSettings({ volumes }).volumes);
    expect(kept).toHaveLength(MAX_SAVED_VOLUMES);
    expect(kept[0]).toBe(id(6));
  });

  it('names keys readably', () => {
    expect(keyLabel('KeyV')).toBe('V');
    expect(keyLabel('ControlRight')).toBe('Right Ctrl');
    expect(keyLabel('Digit4')).toBe('4');
    expect(keyLabel('F13')).toBe('F13');
    expect(keyLabel('')).toBe('None');
  });
});
