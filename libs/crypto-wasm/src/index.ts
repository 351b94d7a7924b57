// @lemon/crypto-wasm: Lemon Chat's end-to-end encryption core (Rust → WebAssembly) behind a
// small typed API. Call `initCrypto()` once with the module bytes before anything else; in Node,
// `initCryptoFromFile()` from `@lemon/crypto-wasm/node` does that from disk.

export { initCrypto, isCryptoReady } from './runtime';
export { CryptoError, CRYPTO_ERROR_CODES } from './errors';
export type { CryptoErrorCode } from './errors';
export {
  Identity,
  verifySignature,
  userIdFromPublicKey,
  fingerprintFromPublicKey,
  PUBLIC_KEY_LENGTH,
  SECRET_KEY_LENGTH,
  SIGNATURE_LENGTH,
} from './identity';
export { SafetyNumber, SAFETY_NUMBER_QR_LENGTH } from './safety-number';
export { exportIdentityBackup, importIdentityBackup, DEFAULT_BACKUP_KDF_PARAMS } from './backup';
export type { BackupKdfParams, ExportBackupOptions, IdentityBackup } from './backup';
export {
  MlsClient,
  MlsExternalSender,
  MlsDeliveryService,
  validateKeyPackage,
  inspectMlsMessage,
  MLS_MAX_PAST_EPOCHS,
  MLS_MAX_KEY_PACKAGES_PER_CALL,
} from './mls';
export type {
  MlsMember,
  MlsSender,
  MlsProposalAction,
  MlsProcessed,
  MlsCommitMerged,
  MlsCommitBundle,
  MlsAcceptedCommit,
  MlsMessageInfo,
} from './mls';
export {
  SframeContext,
  sframeEpochSecretLength,
  SFRAME_AES_128_GCM_SHA256_128,
  SFRAME_AES_256_GCM_SHA512_128,
  SFRAME_EXPORTER_LABEL,
  SFRAME_EPOCH_BITS,
  SFRAME_REPLAY_WINDOW,
  SFRAME_MAX_COUNTER,
} from './sframe';
export type { SframeCipherSuite, SframeDecryptedFrame } from './sframe';
