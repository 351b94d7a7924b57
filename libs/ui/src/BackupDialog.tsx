import { createSignal, createUniqueId, Match, Show, Switch, type JSX } from 'solid-js';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { Icon } from './icons';
import { TextField } from './TextField';
import { exportPassphraseError, passphraseStrength } from './chat';

export interface BackupDialogProps {
  mode: 'export' | 'import';
  busy?: boolean;
  /** From the app (wrong passphrase, unreadable file…); rendered as text. */
  error?: string | null;
  onExport?: (passphrase: string) => void;
  onImport?: (file: File, passphrase: string) => void;
  onClose: () => void;
  /** Minimum export passphrase length; default 10. */
  minLength?: number;
}

/** Export the identity to an encrypted file, or import one (which replaces the identity here). */
export function BackupDialog(props: BackupDialogProps): JSX.Element {
  const min = () => props.minLength ?? 10;
  const [passphrase, setPassphrase] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [file, setFile] = createSignal<File | null>(null);
  const [tried, setTried] = createSignal(false);
  const fileId = createUniqueId();
  const strength = () => passphraseStrength(passphrase(), min());
  const exportError = () => exportPassphraseError(passphrase(), confirm(), min());
  const importReady = () => file() !== null && passphrase().length > 0;

  const submit = () => {
    setTried(true);
    if (props.busy) return;
    if (props.mode === 'export') {
      if (exportError() === null) props.onExport?.(passphrase());
    } else {
      const f = file();
      if (f && passphrase().length > 0) props.onImport?.(f, passphrase());
    }
  };

  return (
    <Dialog
      title={props.mode === 'export' ? 'Back up your identity' : 'Import an identity'}
      description={
        props.mode === 'export'
          ? 'Your identity key is encrypted with a passphrase and saved as a file. Keep both safe: anyone with the file and the passphrase can be you.'
          : 'Load an identity from a backup file made with Lemon Chat.'
      }
      onClose={() => props.onClose()}
      onSubmit={submit}
      width="md"
      data-testid={`backup-dialog-${props.mode}`}
      footer={
        <>
          <Button variant="ghost" onClick={() => props.onClose()} data-testid="backup-cancel">
            Cancel
          </Button>
          <Button
            type="submit"
            variant={props.mode === 'import' ? 'danger' : 'primary'}
            busy={props.busy}
            disabled={props.mode === 'export' ? tried() && exportError() !== null : !importReady()}
            data-testid="backup-submit"
          >
            {props.mode === 'export' ? 'Save backup file' : 'Replace identity'}
          </Button>
        </>
      }
    >
      <Switch>
        <Match when={props.mode === 'export'}>
          <TextField
            label="Passphrase"
            type="password"
            autocomplete="new-password"
            value={passphrase()}
            onValue={setPassphrase}
            disabled={props.busy}
            hint={passphrase() ? `${strength().label}: ${strength().hint}` : `At least ${min()} characters. A few random words work well.`}
            error={tried() && passphrase().length < min() ? `The passphrase must have at least ${min()} characters.` : null}
            data-testid="backup-passphrase"
            autofocus
          />
          <div class="lc-strength" data-score={strength().score} data-testid="backup-strength" aria-hidden="true">
            <span class="lc-strength__bar" style={{ width: `${(strength().score / 4) * 100}%` }} />
          </div>
          <TextField
            label="Confirm passphrase"
            type="password"
            autocomplete="new-password"
            value={confirm()}
            onValue={setConfirm}
            disabled={props.busy}
            error={(tried() || confirm().length >= passphrase().length) && confirm() && confirm() !== passphrase() ? 'The passphrases do not match.' : null}
            data-testid="backup-confirm"
          />
        </Match>
        <Match when={props.mode === 'import'}>
          <div class="lc-banner lc-banner--warn" role="note" data-testid="backup-import-warning">
            <Icon name="warning" class="lc-banner__icon" />
            <p class="lc-banner__text">
              Importing replaces the identity in this browser. Unless you have a backup of the current identity, it is lost for good.
            </p>
          </div>
          <div class="lc-field">
            <label class="lc-field__label" for={fileId}>
              Backup file (.lemon-identity)
            </label>
            <input
              id={fileId}
              class="lc-input lc-input--file"
              type="file"
              disabled={props.busy}
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              data-testid="backup-file"
            />
          </div>
          <TextField
            label="Passphrase"
            type="password"
            autocomplete="current-password"
            value={passphrase()}
            onValue={setPassphrase}
            disabled={props.busy}
            data-testid="backup-passphrase"
          />
        </Match>
      </Switch>
      <Show when={props.error}>
        <p class="lc-field__error" role="alert" data-testid="backup-error">
          {props.error}
        </p>
      </Show>
    </Dialog>
  );
}
