// A person's voice settings, kept with their preferences: how they talk (voice activation or
// push-to-talk), which devices, the browser's processing, and how loud each other user is.
import type { TalkMode } from './talk-gate';

export interface VoiceSettings {
  mode: TalkMode;
  /** Voice activation opens at this level, dBFS. */
  thresholdDb: number;
  /** KeyboardEvent.code of the push-to-talk key; '' = none (the on-screen button still works). */
  pushKey: string;
  /** '' = the system default. */
  inputDeviceId: string;
  outputDeviceId: string;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  /** Playback volume per user id, 0..2 (absent = 1). */
  volumes: Record<string, number>;
}

export const THRESHOLD_RANGE = { minDb: -80, maxDb: -10 } as const;
export const MAX_USER_VOLUME = 2;
/** Most per-user volumes kept (the oldest entries go first). */
export const MAX_SAVED_VOLUMES = 500;

export const DEFAULT_VOICE_SETTINGS: Readonly<VoiceSettings> = Object.freeze({
  mode: 'voice',
  thresholdDb: -50,
  pushKey: '',
  inputDeviceId: '',
  outputDeviceId: '',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  volumes: {},
});

const USER_ID = /^[0-9a-f]{32}$/;

export function clampUserVolume(volume: number): number {
  return Number.isFinite(volume) ? Math.min(MAX_USER_VOLUME, Math.max(0, volume)) : 1;
}

/** Settings the client can use, whatever was stored. */
export function cleanVoiceSettings(input: unknown): VoiceSettings {
  const v = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const d = DEFAULT_VOICE_SETTINGS;
  const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
  const id = (value: unknown) => (typeof value === 'string' && value.length <= 256 ? value : '');
  const threshold = typeof v.thresholdDb === 'number' && Number.isFinite(v.thresholdDb) ? v.thresholdDb : d.thresholdDb;
  const volumes: Record<string, number> = {};
  if (typeof v.volumes === 'object' && v.volumes !== null) {
    const entries = Object.entries(v.volumes as Record<string, unknown>).filter(([userId, volume]) => USER_ID.test(userId) && typeof volume === 'number' && volume !== 1);
    for (const [userId, volume] of entries.slice(-MAX_SAVED_VOLUMES)) volumes[userId] = clampUserVolume(volume as number);
  }
  return {
    mode: v.mode === 'push' ? 'push' : 'voice',
    thresholdDb: Math.round(Math.min(THRESHOLD_RANGE.maxDb, Math.max(THRESHOLD_RANGE.minDb, threshold))),
    pushKey: typeof v.pushKey === 'string' && /^[A-Za-z0-9]{1,32}$/.test(v.pushKey) ? v.pushKey : '',
    inputDeviceId: id(v.inputDeviceId),
    outputDeviceId: id(v.outputDeviceId),
    echoCancellation: flag(v.echoCancellation, d.echoCancellation),
    noiseSuppression: flag(v.noiseSuppression, d.noiseSuppression),
    autoGainControl: flag(v.autoGainControl, d.autoGainControl),
    volumes,
  };
}

/** A readable name for a KeyboardEvent.code ('KeyV' → 'V', 'ControlRight' → 'Right Ctrl'). */
export function keyLabel(code: string): string {
  if (!code) return 'None';
  const side = /^(.*)(Left|Right)$/.exec(code);
  const names: Record<string, string> = { Control: 'Ctrl', Alt: 'Alt', Shift: 'Shift', Meta: 'Meta' };
  if (side && names[side[1]!]) return `${side[2]} ${names[side[1]!]}`;
  if (/^Key[A-Z]$/.test(code)) return code.slice(3);
  if (/^Digit\d$/.test(code)) return code.slice(5);
  if (code === 'Backquote') return '`';
  return code;
}
