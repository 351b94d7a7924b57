//! The one error type of this crate, with codes that stay stable across releases.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// The [`code`](CryptoError::code) strings cross the WebAssembly boundary and are matched by the
/// TypeScript wrapper (`CryptoErrorCode`), so they never change meaning once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// A public or secret key has the wrong length, is not a valid curve point, is a
    /// small-order ("weak") point, or is not in canonical encoding.
    InvalidKey,
    /// A signature does not have the length of an Ed25519 signature (64 bytes).
    /// A signature of the right length that does not verify is not an error: verification
    /// simply answers `false`.
    InvalidSignatureFormat,
    /// The platform offered no secure randomness (no `crypto.getRandomValues` in JavaScript,
    /// or the OS source failed).
    RandomnessUnavailable,
    /// A scanned safety-number QR payload has the wrong length or an unknown version.
    InvalidSafetyNumberPayload,
    /// The file does not start with the identity-backup magic bytes.
    NotABackup,
    /// The backup's format version is not one this build can read.
    UnsupportedBackupVersion,
    /// The backup is shorter than its header says.
    TruncatedBackup,
    /// Key-derivation costs out of bounds, an unknown KDF, oversized metadata or trailing bytes.
    InvalidBackupParameters,
    /// The passphrase does not open this backup.
    WrongPassphrase,
    /// The passphrase is right but the encrypted part or its header was modified.
    TamperedBackup,
    /// This client has no group with that id.
    MlsUnknownGroup,
    /// A group with that id already exists in this client.
    MlsGroupExists,
    /// An argument is out of range (group id length, key package count, export length).
    MlsInvalidArgument,
    /// The bytes are not an MLS message of the expected kind (or belong to another group).
    MlsMalformedMessage,
    /// The message is for an epoch that is not current (nor, for application messages, recent).
    MlsWrongEpoch,
    /// The sender is not a member of the group (or cannot prove it for this epoch).
    MlsNotAMember,
    /// The message's signature does not verify.
    MlsInvalidSignature,
    /// A sender outside the group that is not the group's external sender, or a message an external sender may not send.
    MlsUnauthorizedSender,
    /// A commit carries a proposal its committer may not make: in a channel group only the
    /// server (the external sender) changes membership, by proposals the commit references.
    MlsForbiddenProposal,
    /// The ciphertext does not decrypt (modified, or not for us).
    MlsDecryptionFailed,
    /// The message's key was already used and deleted: a replay.
    MlsReplay,
    /// A well-formed message that fails validation (invalid commit, proposal or Welcome).
    MlsInvalidMessage,
    /// A leaf's credential is not a valid identity public key equal to its signature key.
    MlsInvalidCredential,
    /// A KeyPackage fails verification (signature, ciphersuite or credential).
    MlsInvalidKeyPackage,
    /// The Welcome is not for any KeyPackage whose private key this client holds.
    MlsNoMatchingKeyPackage,
    /// The operation is not allowed now (e.g. merging without a pending commit, sending while a commit is pending).
    MlsInvalidState,
    /// Bytes given to restore are not an exported state of this identity.
    MlsCorruptState,
    /// An unexpected failure inside OpenMLS (a bug).
    MlsInternal,
    /// An SFrame argument is out of range (cipher suite, epoch secret length, epoch not newer than the current one, leaf index).
    SframeInvalidArgument,
    /// SFrame encryption before any epoch was set.
    SframeInvalidState,
    /// The SFrame header cannot be parsed (truncated, non-minimal, or a counter above 2^53 - 1).
    SframeMalformedHeader,
    /// No key for the frame's KID: its epoch is not (or no longer) kept, or it is this member's own sending key.
    SframeUnknownKey,
    /// The SFrame ciphertext, header or metadata was modified (the AEAD refuses it).
    SframeAuthenticationFailed,
    /// The SFrame counter was already received from that sender, or is older than the replay window.
    SframeReplay,
    /// The sending key used its last counter; a new epoch is needed.
    SframeCounterExhausted,
}

impl CryptoError {
    /// Every variant, for exhaustive tests and for the bindings.
    pub const ALL: [CryptoError; 35] = [
        CryptoError::InvalidKey,
        CryptoError::InvalidSignatureFormat,
        CryptoError::RandomnessUnavailable,
        CryptoError::InvalidSafetyNumberPayload,
        CryptoError::NotABackup,
        CryptoError::UnsupportedBackupVersion,
        CryptoError::TruncatedBackup,
        CryptoError::InvalidBackupParameters,
        CryptoError::WrongPassphrase,
        CryptoError::TamperedBackup,
        CryptoError::MlsUnknownGroup,
        CryptoError::MlsGroupExists,
        CryptoError::MlsInvalidArgument,
        CryptoError::MlsMalformedMessage,
        CryptoError::MlsWrongEpoch,
        CryptoError::MlsNotAMember,
        CryptoError::MlsInvalidSignature,
        CryptoError::MlsUnauthorizedSender,
        CryptoError::MlsForbiddenProposal,
        CryptoError::MlsDecryptionFailed,
        CryptoError::MlsReplay,
        CryptoError::MlsInvalidMessage,
        CryptoError::MlsInvalidCredential,
        CryptoError::MlsInvalidKeyPackage,
        CryptoError::MlsNoMatchingKeyPackage,
        CryptoError::MlsInvalidState,
        CryptoError::MlsCorruptState,
        CryptoError::MlsInternal,
        CryptoError::SframeInvalidArgument,
        CryptoError::SframeInvalidState,
        CryptoError::SframeMalformedHeader,
        CryptoError::SframeUnknownKey,
        CryptoError::SframeAuthenticationFailed,
        CryptoError::SframeReplay,
        CryptoError::SframeCounterExhausted,
    ];

    /// Stable machine-readable code.
    pub const fn code(self) -> &'static str {
        match self {
            CryptoError::InvalidKey => "INVALID_KEY",
            CryptoError::InvalidSignatureFormat => "INVALID_SIGNATURE_FORMAT",
            CryptoError::RandomnessUnavailable => "RANDOMNESS_UNAVAILABLE",
            CryptoError::InvalidSafetyNumberPayload => "INVALID_SAFETY_NUMBER_PAYLOAD",
            CryptoError::NotABackup => "NOT_A_BACKUP",
            CryptoError::UnsupportedBackupVersion => "UNSUPPORTED_BACKUP_VERSION",
            CryptoError::TruncatedBackup => "TRUNCATED_BACKUP",
            CryptoError::InvalidBackupParameters => "INVALID_BACKUP_PARAMETERS",
            CryptoError::WrongPassphrase => "WRONG_PASSPHRASE",
            CryptoError::TamperedBackup => "TAMPERED_BACKUP",
            CryptoError::MlsUnknownGroup => "MLS_UNKNOWN_GROUP",
            CryptoError::MlsGroupExists => "MLS_GROUP_EXISTS",
            CryptoError::MlsInvalidArgument => "MLS_INVALID_ARGUMENT",
            CryptoError::MlsMalformedMessage => "MLS_MALFORMED_MESSAGE",
            CryptoError::MlsWrongEpoch => "MLS_WRONG_EPOCH",
            CryptoError::MlsNotAMember => "MLS_NOT_A_MEMBER",
            CryptoError::MlsInvalidSignature => "MLS_INVALID_SIGNATURE",
            CryptoError::MlsUnauthorizedSender => "MLS_UNAUTHORIZED_SENDER",
            CryptoError::MlsForbiddenProposal => "MLS_FORBIDDEN_PROPOSAL",
            CryptoError::MlsDecryptionFailed => "MLS_DECRYPTION_FAILED",
            CryptoError::MlsReplay => "MLS_REPLAY",
            CryptoError::MlsInvalidMessage => "MLS_INVALID_MESSAGE",
            CryptoError::MlsInvalidCredential => "MLS_INVALID_CREDENTIAL",
            CryptoError::MlsInvalidKeyPackage => "MLS_INVALID_KEY_PACKAGE",
            CryptoError::MlsNoMatchingKeyPackage => "MLS_NO_MATCHING_KEY_PACKAGE",
            CryptoError::MlsInvalidState => "MLS_INVALID_STATE",
            CryptoError::MlsCorruptState => "MLS_CORRUPT_STATE",
            CryptoError::MlsInternal => "MLS_INTERNAL",
            CryptoError::SframeInvalidArgument => "SFRAME_INVALID_ARGUMENT",
            CryptoError::SframeInvalidState => "SFRAME_INVALID_STATE",
            CryptoError::SframeMalformedHeader => "SFRAME_MALFORMED_HEADER",
            CryptoError::SframeUnknownKey => "SFRAME_UNKNOWN_KEY",
            CryptoError::SframeAuthenticationFailed => "SFRAME_AUTHENTICATION_FAILED",
            CryptoError::SframeReplay => "SFRAME_REPLAY",
            CryptoError::SframeCounterExhausted => "SFRAME_COUNTER_EXHAUSTED",
        }
    }

    /// Short English description, safe to show and to log (never contains key material).
    pub const fn description(self) -> &'static str {
        match self {
            CryptoError::InvalidKey => "the key is malformed",
            CryptoError::InvalidSignatureFormat => "the signature is not 64 bytes long",
            CryptoError::RandomnessUnavailable => "no secure random number source is available",
            CryptoError::InvalidSafetyNumberPayload => {
                "the safety number code has the wrong length or an unknown version"
            }
            CryptoError::NotABackup => "the file is not a Lemon Chat identity backup",
            CryptoError::UnsupportedBackupVersion => {
                "the backup was written by a newer version of Lemon Chat"
            }
            CryptoError::TruncatedBackup => "the backup file is incomplete",
            CryptoError::InvalidBackupParameters => {
                "the backup's key-derivation parameters or sizes are not acceptable"
            }
            CryptoError::WrongPassphrase => "the passphrase is wrong",
            CryptoError::TamperedBackup => "the backup was modified or damaged",
            CryptoError::MlsUnknownGroup => "this client is not in that group",
            CryptoError::MlsGroupExists => "this client already has a group with that id",
            CryptoError::MlsInvalidArgument => "an argument is out of range",
            CryptoError::MlsMalformedMessage => {
                "the MLS message could not be decoded or is of the wrong kind"
            }
            CryptoError::MlsWrongEpoch => "the MLS message is for another epoch",
            CryptoError::MlsNotAMember => "the sender is not a member of the group",
            CryptoError::MlsInvalidSignature => "the MLS message's signature does not verify",
            CryptoError::MlsUnauthorizedSender => "the sender may not send this kind of message",
            CryptoError::MlsForbiddenProposal => {
                "the commit contains a proposal only the server may make"
            }
            CryptoError::MlsDecryptionFailed => "the MLS message could not be decrypted",
            CryptoError::MlsReplay => "the MLS message was already received",
            CryptoError::MlsInvalidMessage => "the MLS message is not valid for the group",
            CryptoError::MlsInvalidCredential => {
                "a member credential is not that member's identity key"
            }
            CryptoError::MlsInvalidKeyPackage => "the key package is not valid",
            CryptoError::MlsNoMatchingKeyPackage => {
                "the Welcome is for a key package this client does not hold"
            }
            CryptoError::MlsInvalidState => "the group is not in a state that allows this",
            CryptoError::MlsCorruptState => {
                "the saved MLS state is damaged or belongs to another identity"
            }
            CryptoError::MlsInternal => "unexpected failure inside MLS",
            CryptoError::SframeInvalidArgument => "an SFrame argument is out of range",
            CryptoError::SframeInvalidState => "no SFrame epoch has been set",
            CryptoError::SframeMalformedHeader => "the SFrame header is malformed",
            CryptoError::SframeUnknownKey => "no SFrame key for this frame",
            CryptoError::SframeAuthenticationFailed => "the SFrame frame failed authentication",
            CryptoError::SframeReplay => "the SFrame frame was already received or is too old",
            CryptoError::SframeCounterExhausted => {
                "the SFrame counter is exhausted; a new epoch is needed"
            }
        }
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())
    }
}

impl std::error::Error for CryptoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_screaming_snake_case() {
        let codes: Vec<&str> = CryptoError::ALL.iter().map(|e| e.code()).collect();
        for (i, a) in codes.iter().enumerate() {
            assert!(a.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{a}");
            for b in &codes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn display_starts_with_code() {
        for e in CryptoError::ALL {
            assert!(e.to_string().starts_with(e.code()));
        }
    }
}
