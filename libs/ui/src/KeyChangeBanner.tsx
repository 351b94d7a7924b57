import type { JSX } from 'solid-js';
import { Button, IconButton } from './Button';
import { Icon } from './icons';

export interface KeyChangeBannerProps {
  /** Whose key changed; rendered as text. */
  name: string;
  onVerify: () => void;
  onDismiss: () => void;
}

/** Warns that a person's identity key changed, with a way to verify or dismiss. */
export function KeyChangeBanner(props: KeyChangeBannerProps): JSX.Element {
  return (
    <div class="lc-banner lc-banner--warn" role="alert" data-testid="key-change-banner">
      <Icon name="warning" class="lc-banner__icon" />
      <p class="lc-banner__text">
        <strong>{`${props.name}'s key changed`}</strong>
        {' since you last talked. Verify their safety number before trusting new messages.'}
      </p>
      <div class="lc-banner__actions">
        <Button size="sm" variant="primary" icon="shield" onClick={() => props.onVerify()} data-testid="key-change-verify">
          Verify
        </Button>
        <IconButton icon="close" label="Dismiss" onClick={() => props.onDismiss()} data-testid="key-change-dismiss" />
      </div>
    </div>
  );
}
