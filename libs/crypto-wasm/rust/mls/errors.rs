//! OpenMLS errors mapped onto our stable codes. Only the kind of failure crosses: OpenMLS's
//! messages are never passed on (they could echo message content).

use openmls::framing::errors::{MessageDecryptionError, SecretTreeError};
use openmls::prelude::*;

use crate::error::CryptoError;

/// `other_epoch`: the message is not for the group's current epoch. OpenMLS reports a missing
/// epoch (not kept, or from before this client joined) and a too-old generation in the same
/// way; we call the first a wrong epoch and the second a replay.
fn validation_error(error: ValidationError, other_epoch: bool) -> CryptoError {
    match error {
        ValidationError::WrongEpoch | ValidationError::NoPastEpochData => {
            CryptoError::MlsWrongEpoch
        }
        ValidationError::UnknownMember
        | ValidationError::MissingMembershipTag
        | ValidationError::InvalidMembershipTag
        | ValidationError::NonMemberApplicationMessage => CryptoError::MlsNotAMember,
        ValidationError::InvalidSignature | ValidationError::InvalidLeafNodeSignature => {
            CryptoError::MlsInvalidSignature
        }
        ValidationError::UnauthorizedExternalSender
        | ValidationError::NoExternalSendersExtension => CryptoError::MlsUnauthorizedSender,
        ValidationError::UnableToDecrypt(MessageDecryptionError::SecretTreeError(
            SecretTreeError::TooDistantInThePast,
        )) if other_epoch => CryptoError::MlsWrongEpoch,
        ValidationError::UnableToDecrypt(MessageDecryptionError::SecretTreeError(
            SecretTreeError::SecretReuseError | SecretTreeError::TooDistantInThePast,
        )) => CryptoError::MlsReplay,
        ValidationError::UnableToDecrypt(_) => CryptoError::MlsDecryptionFailed,
        ValidationError::WrongGroupId | ValidationError::WrongWireFormat => {
            CryptoError::MlsMalformedMessage
        }
        ValidationError::LibraryError(_) => CryptoError::MlsInternal,
        _ => CryptoError::MlsInvalidMessage,
    }
}

pub(crate) fn process_error<E>(error: ProcessMessageError<E>, other_epoch: bool) -> CryptoError {
    match error {
        ProcessMessageError::ValidationError(error) => validation_error(error, other_epoch),
        ProcessMessageError::IncompatibleWireFormat => CryptoError::MlsMalformedMessage,
        ProcessMessageError::GroupStateError(_) => CryptoError::MlsInvalidState,
        ProcessMessageError::InvalidCommit(_) => CryptoError::MlsInvalidMessage,
        ProcessMessageError::UnauthorizedExternalApplicationMessage
        | ProcessMessageError::UnauthorizedExternalCommitMessage
        | ProcessMessageError::UnsupportedProposalType => CryptoError::MlsUnauthorizedSender,
        _ => CryptoError::MlsInternal,
    }
}

pub(crate) fn welcome_error<E>(error: WelcomeError<E>) -> CryptoError {
    match error {
        WelcomeError::NoMatchingKeyPackage | WelcomeError::NoMatchingEncryptionKey => {
            CryptoError::MlsNoMatchingKeyPackage
        }
        WelcomeError::LibraryError(_) | WelcomeError::StorageError(_) => CryptoError::MlsInternal,
        _ => CryptoError::MlsInvalidMessage,
    }
}

pub(crate) fn commit_error<E>(error: CommitToPendingProposalsError<E>) -> CryptoError {
    match error {
        CommitToPendingProposalsError::GroupStateError(_) => CryptoError::MlsInvalidState,
        CommitToPendingProposalsError::CreateCommitError(_) => CryptoError::MlsInvalidState,
        _ => CryptoError::MlsInternal,
    }
}

pub(crate) fn add_members_error<E>(error: AddMembersError<E>) -> CryptoError {
    match error {
        AddMembersError::GroupStateError(_) => CryptoError::MlsInvalidState,
        AddMembersError::EmptyInput(_) => CryptoError::MlsInvalidArgument,
        // E.g. a key package of someone already in the group.
        AddMembersError::CreateCommitError(CreateCommitError::ProposalValidationError(_)) => {
            CryptoError::MlsInvalidKeyPackage
        }
        AddMembersError::CreateCommitError(_) => CryptoError::MlsInvalidState,
        _ => CryptoError::MlsInternal,
    }
}

pub(crate) fn merge_error<E>(_error: MergeCommitError<E>) -> CryptoError {
    CryptoError::MlsInternal
}

pub(crate) fn create_message_error(error: CreateMessageError) -> CryptoError {
    match error {
        CreateMessageError::GroupStateError(_) => CryptoError::MlsInvalidState,
        CreateMessageError::LibraryError(_) => CryptoError::MlsInternal,
    }
}

pub(crate) fn public_process_error(
    error: PublicProcessMessageError,
    other_epoch: bool,
) -> CryptoError {
    match error {
        PublicProcessMessageError::ValidationError(error) => validation_error(error, other_epoch),
        PublicProcessMessageError::IncompatibleWireFormat => CryptoError::MlsMalformedMessage,
        PublicProcessMessageError::InvalidCommit(_) => CryptoError::MlsInvalidMessage,
        PublicProcessMessageError::UnauthorizedExternalApplicationMessage
        | PublicProcessMessageError::UnauthorizedExternalCommitMessage
        | PublicProcessMessageError::UnsupportedProposalType => CryptoError::MlsUnauthorizedSender,
        _ => CryptoError::MlsInternal,
    }
}
