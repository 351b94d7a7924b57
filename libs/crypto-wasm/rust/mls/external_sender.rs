//! The server side of the external_senders extension: Add and Remove proposals signed with the
//! server's identity key, for the members of a channel's group to commit. Stateless: the caller
//! says which group and epoch the proposal is for (the server knows both from the commits it
//! relays).

use openmls::prelude::*;
use openmls_rust_crypto::RustCrypto;

use super::client::parse_message;
use super::credential::{member_public_key, validate_leaf};
use super::provider::{IdentitySigner, Provider};
use super::CIPHERSUITE;
use crate::error::CryptoError;
use crate::identity::{Identity, PublicKey, PUBLIC_KEY_LENGTH};

/// The server's signing key as a group's single external sender (sender index 0).
pub struct ExternalSenderKey {
    identity: Identity,
}

impl ExternalSenderKey {
    /// The external sender for the server identity whose 32-byte secret is given.
    pub fn new(identity_secret: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self {
            identity: Identity::from_secret_key(identity_secret)?,
        })
    }

    /// The public key to put in a group's external_senders extension.
    pub fn public_key(&self) -> PublicKey {
        self.identity.public_key()
    }

    /// An external Add proposal (an MLSMessage with a PublicMessage) for the KeyPackage
    /// (an MLSMessage) of the user joining. The KeyPackage is verified first: its signature,
    /// ciphersuite and our credential rule (`MlsInvalidKeyPackage` otherwise).
    pub fn propose_add(
        &self,
        group_id: &[u8],
        epoch: u64,
        key_package: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (_, key_package) = verify_key_package(key_package).map_err(|error| match error {
            CryptoError::MlsMalformedMessage => CryptoError::MlsMalformedMessage,
            _ => CryptoError::MlsInvalidKeyPackage,
        })?;
        let message = ExternalProposal::new_add::<Provider>(
            key_package,
            GroupId::from_slice(group_id),
            GroupEpoch::from(epoch),
            &IdentitySigner(&self.identity),
            SenderExtensionIndex::new(0),
        )
        .map_err(|_| CryptoError::MlsInternal)?;
        message.to_bytes().map_err(|_| CryptoError::MlsInternal)
    }

    /// An external Remove proposal for the member at `leaf_index`.
    pub fn propose_remove(
        &self,
        group_id: &[u8],
        epoch: u64,
        leaf_index: u32,
    ) -> Result<Vec<u8>, CryptoError> {
        let message = ExternalProposal::new_remove::<Provider>(
            LeafNodeIndex::new(leaf_index),
            GroupId::from_slice(group_id),
            GroupEpoch::from(epoch),
            &IdentitySigner(&self.identity),
            SenderExtensionIndex::new(0),
        )
        .map_err(|_| CryptoError::MlsInternal)?;
        message.to_bytes().map_err(|_| CryptoError::MlsInternal)
    }
}

/// Parses and verifies a KeyPackage (an MLSMessage): OpenMLS checks its signature, protocol
/// version, lifetime and that its init key differs from its leaf's encryption key; we add the
/// ciphersuite and the credential rule. Returns the identity public key it belongs to.
///
/// Errors: `MlsMalformedMessage` (not an MLSMessage holding a KeyPackage, or trailing bytes),
/// `MlsInvalidKeyPackage` (verification, ciphersuite), `MlsInvalidCredential` (credential is not
/// a valid identity key, or is not the leaf's signature key).
pub fn validate_key_package(bytes: &[u8]) -> Result<[u8; PUBLIC_KEY_LENGTH], CryptoError> {
    verify_key_package(bytes).map(|(key, _)| key)
}

pub(crate) fn verify_key_package(
    bytes: &[u8],
) -> Result<([u8; PUBLIC_KEY_LENGTH], KeyPackage), CryptoError> {
    let key_package = match parse_message(bytes)?.extract() {
        MlsMessageBodyIn::KeyPackage(key_package) => key_package,
        _ => return Err(CryptoError::MlsMalformedMessage),
    };
    let key_package = key_package
        .validate(&RustCrypto::default(), ProtocolVersion::Mls10)
        .map_err(|_| CryptoError::MlsInvalidKeyPackage)?;
    if key_package.ciphersuite() != CIPHERSUITE {
        return Err(CryptoError::MlsInvalidKeyPackage);
    }
    let leaf = key_package.leaf_node();
    validate_leaf(leaf.credential(), leaf.signature_key().as_slice())?;
    let key = member_public_key(leaf.credential())?;
    Ok((key, key_package))
}
