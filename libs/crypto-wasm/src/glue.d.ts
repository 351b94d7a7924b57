// Typings for glue.js: the subset of the generated pkg/lemon_crypto.d.ts that the wrapper uses.
// Internal to this library; import the public API from index.ts.

/** Thrown by every failing export (see rust/wasm/error.rs). */
export class CryptoFailure {
  private constructor();
  readonly code: string;
  readonly message: string;
}

/** An Ed25519 key pair living in WebAssembly memory (see rust/wasm/identity.rs). */
export class IdentityKey {
  private constructor();
  static generate(): IdentityKey;
  static fromSecretKey(secret: Uint8Array): IdentityKey;
  publicKey(): Uint8Array;
  userId(): string;
  fingerprint(): string;
  sign(message: Uint8Array): Uint8Array;
  exportSecretKey(): Uint8Array;
}

/** The safety number of two public keys (see rust/wasm/safety_number.rs). */
export class SafetyNumberPair {
  private constructor();
  static fromPublicKeys(ours: Uint8Array, theirs: Uint8Array): SafetyNumberPair;
  digits(): string;
  qrPayload(): Uint8Array;
  matchesScanned(scanned: Uint8Array): boolean;
}

/** A decrypted identity backup (see rust/wasm/backup.rs); `free()` wipes it. */
export class IdentityBackupContents {
  private constructor();
  free(): void;
  secretKey(): Uint8Array;
  metadata(): Uint8Array;
}

export function exportIdentityBackup(
  secretKey: Uint8Array,
  metadata: Uint8Array,
  passphrase: Uint8Array,
  memoryKib?: number | null,
  iterations?: number | null,
  parallelism?: number | null,
): Uint8Array;
export function importIdentityBackup(file: Uint8Array, passphrase: Uint8Array): IdentityBackupContents;

/** The result of processing one MLS message (see rust/wasm/mls.rs); `free()` releases it. */
export class MlsProcessedMessage {
  private constructor();
  free(): void;
  kind(): string;
  epoch(): number;
  plaintext(): Uint8Array;
  senderKind(): string;
  sender(): Uint8Array;
  proposalAction(): string;
  proposalSubject(): Uint8Array;
  memberKeys(): Uint8Array;
  memberIndices(): Uint32Array;
  removed(): boolean;
}

/** What to send after an MLS commit; `free()` releases it. */
export class MlsCommitOutput {
  private constructor();
  free(): void;
  commit(): Uint8Array;
  welcome(): Uint8Array | undefined;
  groupInfo(): Uint8Array | undefined;
}

/** One user's MLS client (see rust/wasm/mls.rs). */
export class MlsClientHandle {
  private constructor();
  static create(identitySecret: Uint8Array): MlsClientHandle;
  static restore(identitySecret: Uint8Array, state: Uint8Array): MlsClientHandle;
  publicKey(): Uint8Array;
  keyPackage(): Uint8Array;
  lastResortKeyPackage(): Uint8Array;
  createGroup(
    groupId: Uint8Array,
    externalSenderPublicKey?: Uint8Array | null,
    externalSenderCredential?: Uint8Array | null,
  ): void;
  addMembers(groupId: Uint8Array, keyPackages: Uint8Array, lengths: Uint32Array): MlsCommitOutput;
  externalSenders(groupId: Uint8Array): Uint8Array;
  processMessage(groupId: Uint8Array, message: Uint8Array): MlsProcessedMessage;
  commitPendingProposals(groupId: Uint8Array): MlsCommitOutput;
  mergePendingCommit(groupId: Uint8Array): MlsProcessedMessage;
  clearPendingCommit(groupId: Uint8Array): void;
  joinFromWelcome(welcome: Uint8Array, ratchetTree?: Uint8Array | null): Uint8Array;
  leaveGroup(groupId: Uint8Array): void;
  encrypt(groupId: Uint8Array, plaintext: Uint8Array): Uint8Array;
  groupCount(): number;
  groupIdAt(index: number): Uint8Array;
  epoch(groupId: Uint8Array): number;
  memberKeys(groupId: Uint8Array): Uint8Array;
  memberIndices(groupId: Uint8Array): Uint32Array;
  epochAuthenticator(groupId: Uint8Array): Uint8Array;
  exportSecret(groupId: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array;
  ratchetTree(groupId: Uint8Array): Uint8Array;
  groupInfo(groupId: Uint8Array): Uint8Array;
  exportState(): Uint8Array;
}

/** The clear facts of one MLSMessage (see rust/wasm/mls.rs); `free()` releases it. */
export class MlsMessageInspection {
  private constructor();
  free(): void;
  wireFormat(): string;
  groupId(): Uint8Array | undefined;
  epoch(): number | undefined;
  contentType(): string | undefined;
}

/** Parses one MLSMessage without state and reports its clear framing. */
export function inspectMlsMessage(message: Uint8Array): MlsMessageInspection;

/** The server's key as an MLS external sender (see rust/wasm/mls.rs). */
export class MlsExternalSenderHandle {
  private constructor();
  static fromSecretKey(secret: Uint8Array): MlsExternalSenderHandle;
  publicKey(): Uint8Array;
  proposeAdd(groupId: Uint8Array, epoch: number, keyPackage: Uint8Array): Uint8Array;
  proposeRemove(groupId: Uint8Array, epoch: number, leafIndex: number): Uint8Array;
}

/** A commit the delivery service accepted; `free()` releases it. */
export class MlsAcceptedCommit {
  private constructor();
  free(): void;
  epoch(): number;
  memberKeys(): Uint8Array;
  memberIndices(): Uint32Array;
  committer(): Uint8Array;
}

/** The server's tracking of its MLS groups (see rust/wasm/mls.rs). */
export class MlsDeliveryServiceHandle {
  private constructor();
  static fromSecretKey(secret: Uint8Array): MlsDeliveryServiceHandle;
  publicKey(): Uint8Array;
  trackGroup(groupInfo: Uint8Array, ratchetTree?: Uint8Array | null): Uint8Array;
  forgetGroup(groupId: Uint8Array): void;
  epoch(groupId: Uint8Array): number;
  memberKeys(groupId: Uint8Array): Uint8Array;
  memberIndices(groupId: Uint8Array): Uint32Array;
  acceptCommit(groupId: Uint8Array, commit: Uint8Array): MlsAcceptedCommit;
  proposeAdd(groupId: Uint8Array, keyPackage: Uint8Array): Uint8Array;
  proposeRemove(groupId: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

/** One decrypted SFrame frame (see rust/wasm/sframe.rs); `free()` releases it. */
export class SframeDecrypted {
  private constructor();
  free(): void;
  payload(): Uint8Array;
  senderLeafIndex(): number;
  epoch(): number;
  counter(): number;
}

/** One member's SFrame keys for a voice session (see rust/wasm/sframe.rs). */
export class SframeContextHandle {
  private constructor();
  free(): void;
  static create(cipherSuite: number): SframeContextHandle;
  setEpoch(epoch: number, epochSecret: Uint8Array, ownLeafIndex: number): void;
  retireBefore(epoch: number): void;
  currentEpoch(): number | undefined;
  keptEpochs(): Float64Array;
  encrypt(payload: Uint8Array, metadata: Uint8Array): Uint8Array;
  decrypt(frame: Uint8Array, metadata: Uint8Array): SframeDecrypted;
}

/** Verifies a KeyPackage and returns the 32-byte identity public key it belongs to. */
export function validateKeyPackage(keyPackage: Uint8Array): Uint8Array;

/** The codes of the Rust error enum, in declaration order. */
export function errorCodes(): string[];
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
export function userIdFromPublicKey(publicKey: Uint8Array): string;
export function fingerprintFromPublicKey(publicKey: Uint8Array): string;

/** Instantiates the module from bytes or a compiled module (never fetches). */
export default function init(options: { module_or_path: BufferSource | WebAssembly.Module }): Promise<unknown>;
