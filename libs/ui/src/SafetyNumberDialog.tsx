import { createMemo, For, Show, type JSX } from 'solid-js';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { Icon } from './icons';
import { safetyDigitGroups } from './chat';
import { qrMatrix } from './qr';

export interface SafetyNumberDialogProps {
  /** Rendered as text. */
  peerName: string;
  /** The 60-digit safety number. */
  digits: string;
  /** What the QR code carries (encoded in QR byte mode). */
  qrPayload: Uint8Array;
  verified: boolean;
  onMarkVerified: (verified: boolean) => void;
  onClose: () => void;
}

/** The QR code as an SVG of <rect>s built from the module matrix (no HTML strings). */
export function QrCode(props: { payload: Uint8Array; label: string; 'data-testid'?: string; size?: number }): JSX.Element {
  const matrix = createMemo(() => {
    try {
      return qrMatrix(props.payload);
    } catch {
      return null;
    }
  });
  return (
    <Show when={matrix()} fallback={<p class="lc-field__error">The QR code could not be made.</p>}>
      {(m) => (
        <svg
          class="lc-qr"
          viewBox={`0 0 ${m().size} ${m().size}`}
          width={props.size ?? 200}
          height={props.size ?? 200}
          role="img"
          aria-label={props.label}
          shape-rendering="crispEdges"
          data-testid={props['data-testid']}
          data-modules={m().size}
        >
          <rect x="0" y="0" width={m().size} height={m().size} fill="#ffffff" />
          <For each={m().runs}>{(run) => <rect x={run.x} y={run.y} width={run.width} height="1" fill="#000000" />}</For>
        </svg>
      )}
    </Show>
  );
}

/** Compare safety numbers with a person, in digits or by scanning the QR code. */
export function SafetyNumberDialog(props: SafetyNumberDialogProps): JSX.Element {
  const groups = createMemo(() => safetyDigitGroups(props.digits));
  return (
    <Dialog
      title={`Safety number with ${props.peerName}`}
      onClose={() => props.onClose()}
      width="md"
      data-testid="safety-dialog"
      footer={
        <>
          <Button
            variant={props.verified ? 'secondary' : 'primary'}
            icon={props.verified ? undefined : 'shield'}
            onClick={() => props.onMarkVerified(!props.verified)}
            data-testid="mark-verified"
            data-verified={props.verified ? 'true' : 'false'}
          >
            {props.verified ? 'Mark as not verified' : 'Mark as verified'}
          </Button>
          <Button variant="ghost" onClick={() => props.onClose()} data-testid="safety-close">
            Close
          </Button>
        </>
      }
    >
      <p class="lc-safety__explain">
        {`Compare these numbers with ${props.peerName} in person or over a call you trust, or scan each other's QR code. ` +
          'If they match, your conversation is end-to-end encrypted with the right person and nobody is in between.'}
      </p>
      <div class="lc-safety">
        <div class="lc-safety__digits" data-testid="safety-digits" aria-label="Safety number" role="group">
          <For each={groups()}>{(group) => <span class="lc-safety__group">{group}</span>}</For>
        </div>
        <QrCode payload={props.qrPayload} label={`QR code of the safety number with ${props.peerName}`} data-testid="safety-qr" />
      </div>
      <div class={`lc-safety__status ${props.verified ? 'is-verified' : ''}`} data-testid="safety-status" role="status">
        <Icon name={props.verified ? 'shield' : 'info'} />
        <span>{props.verified ? `You have verified ${props.peerName}.` : `${props.peerName} is not verified yet.`}</span>
      </div>
    </Dialog>
  );
}
