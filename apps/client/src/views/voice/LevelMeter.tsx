import type { JSX } from 'solid-js';
import { THRESHOLD_RANGE } from '../../voice/voice-settings';

const span = THRESHOLD_RANGE.maxDb - THRESHOLD_RANGE.minDb;
const toPercent = (db: number) => (Number.isFinite(db) ? Math.min(100, Math.max(0, ((db - THRESHOLD_RANGE.minDb) / span) * 100)) : 0);

/** The microphone's live level on the same scale as the sensitivity slider, with its mark. */
export function LevelMeter(props: { levelDb: number; thresholdDb?: number; open?: boolean }): JSX.Element {
  return (
    <div class="level-meter" classList={{ 'is-open': props.open === true }} role="meter" aria-label="Microphone level" aria-valuemin={THRESHOLD_RANGE.minDb} aria-valuemax={THRESHOLD_RANGE.maxDb} aria-valuenow={Number.isFinite(props.levelDb) ? Math.round(props.levelDb) : THRESHOLD_RANGE.minDb} data-testid="level-meter">
      <div class="level-meter__bar" style={{ width: `${toPercent(props.levelDb)}%` }} />
      {props.thresholdDb !== undefined && <div class="level-meter__mark" style={{ left: `${toPercent(props.thresholdDb)}%` }} />}
    </div>
  );
}
