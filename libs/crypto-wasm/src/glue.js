// The wasm-bindgen glue that build.sh generates into ../pkg (not in git), re-exported here.
// TypeScript reads the hand-written glue.d.ts beside this file instead of following the import,
// so type checks pass before the first build; build.sh checks that glue.d.ts still matches the
// generated typings.
export {
  default,
  CryptoFailure,
  IdentityBackupContents,
  IdentityKey,
  MlsClientHandle,
  MlsDeliveryServiceHandle,
  MlsExternalSenderHandle,
  SafetyNumberPair,
  SframeContextHandle,
  errorCodes,
  exportIdentityBackup,
  fingerprintFromPublicKey,
  importIdentityBackup,
  inspectMlsMessage,
  userIdFromPublicKey,
  validateKeyPackage,
  verifySignature,
} from '../pkg/lemon_crypto.js';
