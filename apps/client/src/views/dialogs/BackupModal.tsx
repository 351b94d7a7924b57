import { createSignal, type JSX } from 'solid-js';
import { CryptoError, exportIdentityBackup, importIdentityBackup } from '@lemon/crypto-wasm';
import { BackupDialog } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { useIdentity } from '../../identity/IdentityProvider';
import { useNotices } from '../../notices/NoticesProvider';

/** Backup files end in this; any name is accepted on import. */
export const BACKUP_EXTENSION = '.lemonid';

function importProblem(error: unknown): string {
  if (!(error instanceof CryptoError)) return 'The file could not be read.';
  switch (error.code) {
    case 'WRONG_PASSPHRASE':
      return 'Wrong passphrase for this backup.';
    case 'NOT_A_BACKUP':
    case 'TRUNCATED_BACKUP':
      return 'This is not a Lemon Chat identity backup (or it is incomplete).';
    case 'TAMPERED_BACKUP':
      return 'This backup was changed after it was made; it cannot be trusted.';
    default:
      return 'This backup cannot be opened here.';
  }
}

/** Lets the spinner paint before the deliberately slow Argon2id runs on this thread. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Export the identity to a passphrase-protected file, or replace it with one from a file. */
export function BackupModal(props: { mode: 'export' | 'import'; onClose: () => void }): JSX.Element {
  const identity = useIdentity();
  const connection = useConnection();
  const notices = useNotices();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const onExport = async (passphrase: string) => {
    const own = identity.identity();
    if (!own) return;
    setBusy(true);
    await nextFrame();
    const secret = own.exportSecretKey();
    try {
      const file = exportIdentityBackup(secret, passphrase);
      const url = URL.createObjectURL(new Blob([file as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `lemon-identity-${own.userId.slice(0, 8)}${BACKUP_EXTENSION}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      notices.show('Backup saved. Keep the file and its passphrase apart.', 'ok');
      props.onClose();
    } catch {
      setError('The backup could not be made.');
      setBusy(false);
    } finally {
      secret.fill(0);
    }
  };

  const onImport = async (file: File, passphrase: string) => {
    setBusy(true);
    setError(null);
    await nextFrame();
    let secret: Uint8Array;
    try {
      secret = importIdentityBackup(new Uint8Array(await file.arrayBuffer()), passphrase).secretKey;
    } catch (e) {
      setError(importProblem(e));
      setBusy(false);
      return;
    }
    // The old identity's connection ends; the imported one connects afresh.
    connection.disconnect();
    props.onClose();
    await identity.importSecret(secret);
    notices.show('Identity imported. Connect again to use it.', 'ok');
  };

  return (
    <BackupDialog
      mode={props.mode}
      busy={busy()}
      error={error()}
      onExport={(p) => void onExport(p)}
      onImport={(f, p) => void onImport(f, p)}
      onClose={props.onClose}
    />
  );
}
