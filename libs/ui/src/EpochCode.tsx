import { createUniqueId, type JSX } from 'solid-js';
import { Icon } from './icons';

export interface EpochCodeProps {
  /** The channel's current epoch code, e.g. "4821 0937"; rendered as text. */
  code: string;
  'data-testid'?: string;
}

export const EPOCH_CODE_EXPLANATION = 'Everyone in this channel sees the same code; compare it to detect a man-in-the-middle.';

/** A small badge with the channel's epoch code; hover or focus shows what it is for. */
export function EpochCode(props: EpochCodeProps): JSX.Element {
  const tipId = createUniqueId();
  return (
    <span class="lc-epoch" tabIndex={0} aria-describedby={tipId} data-testid={props['data-testid'] ?? 'epoch-code'}>
      <Icon name="lock" size={12} />
      <span class="lc-visually-hidden">Epoch code </span>
      <span class="lc-epoch__code">{props.code}</span>
      <span id={tipId} role="tooltip" class="lc-epoch__tip">
        {EPOCH_CODE_EXPLANATION}
      </span>
    </span>
  );
}
