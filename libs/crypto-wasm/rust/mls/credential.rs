//! Credentials: a member's MLS BasicCredential is its 32-byte identity public key, which is also
//! its leaf signature key. Checking that the two are equal (and a valid strict Ed25519 key) is
//! our authentication-service rule, so a credential always names the key that signs.

use openmls::prelude::{BasicCredential, Credential, CredentialWithKey, SignaturePublicKey};

use crate::error::CryptoError;
use crate::identity::{PublicKey, PUBLIC_KEY_LENGTH};

/// The credential (and signature key) for an identity public key.
pub(crate) fn credential_with_key(public_key: &PublicKey) -> CredentialWithKey {
    CredentialWithKey {
        credential: BasicCredential::new(public_key.to_bytes().to_vec()).into(),
        signature_key: SignaturePublicKey::from(public_key.to_bytes().to_vec()),
    }
}

/// The identity public key in a member credential; `MlsInvalidCredential` if it is not a basic
/// credential holding a valid public key.
pub(crate) fn member_public_key(
    credential: &Credential,
) -> Result<[u8; PUBLIC_KEY_LENGTH], CryptoError> {
    let basic = BasicCredential::try_from(credential.clone())
        .map_err(|_| CryptoError::MlsInvalidCredential)?;
    let key =
        PublicKey::from_bytes(basic.identity()).map_err(|_| CryptoError::MlsInvalidCredential)?;
    Ok(key.to_bytes())
}

/// Checks a leaf: its credential must hold exactly its signature key.
pub(crate) fn validate_leaf(
    credential: &Credential,
    signature_key: &[u8],
) -> Result<(), CryptoError> {
    if member_public_key(credential)?.as_slice() == signature_key {
        Ok(())
    } else {
        Err(CryptoError::MlsInvalidCredential)
    }
}
