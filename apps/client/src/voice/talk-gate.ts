// When the microphone is sent: push-to-talk (while a key or the on-screen button is held) or
// voice activation (while the level is above the threshold). Both hold on a little after the
// trigger ends, so the last syllable is not cut; voice activation holds longer, because
// speech has short pauses that should not end a talk spurt.

export type TalkMode = 'voice' | 'push';

/** Voice activation stays open this long after the level last crossed the threshold. */
export const VOICE_HOLD_MS = 400;
/** Push-to-talk keeps sending this long after release. */
export const PUSH_HOLD_MS = 100;

export interface GateInput {
  mode: TalkMode;
  /** This frame's level, dBFS. */
  levelDb: number;
  thresholdDb: number;
  /** Push-to-talk key or button held. */
  pushed: boolean;
  /** Muted or deafened: nothing is sent, whatever else holds. */
  muted: boolean;
  nowMs: number;
}

export type GateChange = 'open' | 'close' | null;

export class TalkGate {
  private openUntil = Number.NEGATIVE_INFINITY;
  private isOpen = false;

  get open(): boolean {
    return this.isOpen;
  }

  /** Feeds one frame; says whether the gate opened or closed with it. */
  update(input: GateInput): GateChange {
    if (input.muted) {
      this.openUntil = Number.NEGATIVE_INFINITY;
    } else if (input.mode === 'push' ? input.pushed : input.levelDb >= input.thresholdDb) {
      this.openUntil = input.nowMs + (input.mode === 'push' ? PUSH_HOLD_MS : VOICE_HOLD_MS);
    }
    const open = input.nowMs < this.openUntil;
    if (open === this.isOpen) return null;
    this.isOpen = open;
    return open ? 'open' : 'close';
  }

  reset(): void {
    this.openUntil = Number.NEGATIVE_INFINITY;
    this.isOpen = false;
  }
}
