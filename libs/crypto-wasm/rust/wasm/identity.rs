//! Bindings for identity keys, user ids and fingerprints.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::error::CryptoFailure;
use crate::fingerprint::Fingerprint;
use crate::identity::{self, Identity, PublicKey};
use crate::user_id::UserId;

/// An identity key pair held inside WebAssembly memory.
#[wasm_bindgen(js_name = IdentityKey)]
pub struct IdentityKey(Identity);

#[wasm_bindgen(js_class = IdentityKey)]
impl IdentityKey {
    /// A new key pair from `crypto.getRandomValues`.
    #[wasm_bindgen(js_name = generate)]
    pub fn generate() -> Result<IdentityKey, CryptoFailure> {
        Ok(Self(Identity::generate()?))
    }

    /// Restores a key pair from its 32-byte secret key. The copy made for WebAssembly is
    /// wiped before returning.
    #[wasm_bindgen(js_name = fromSecretKey)]
    pub fn from_secret_key(secret: Vec<u8>) -> Result<IdentityKey, CryptoFailure> {
        let secret = Zeroizing::new(secret);
        Ok(Self(Identity::from_secret_key(&secret)?))
    }

    /// The 32-byte public key.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().to_bytes().to_vec()
    }

    /// The user id (32 lowercase hex characters).
    #[wasm_bindgen(js_name = userId)]
    pub fn user_id(&self) -> String {
        self.0.user_id().into_string()
    }

    /// The fingerprint (6 groups of 5 digits).
    #[wasm_bindgen(js_name = fingerprint)]
    pub fn fingerprint(&self) -> String {
        self.0.fingerprint().into_string()
    }

    /// A 64-byte Ed25519 signature over `message`.
    #[wasm_bindgen(js_name = sign)]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).to_vec()
    }

    /// The 32-byte secret key, for the caller to store encrypted.
    #[wasm_bindgen(js_name = exportSecretKey)]
    pub fn export_secret_key(&self) -> Vec<u8> {
        self.0.secret_key().to_vec()
    }
}

/// Whether `signature` is a valid signature of `message` by `publicKey`.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, CryptoFailure> {
    Ok(identity::verify_signature(public_key, message, signature)?)
}

/// The user id of an encoded public key.
#[wasm_bindgen(js_name = userIdFromPublicKey)]
pub fn user_id_from_public_key(public_key: &[u8]) -> Result<String, CryptoFailure> {
    Ok(UserId::of(&PublicKey::from_bytes(public_key)?).into_string())
}

/// The fingerprint of an encoded public key.
#[wasm_bindgen(js_name = fingerprintFromPublicKey)]
pub fn fingerprint_from_public_key(public_key: &[u8]) -> Result<String, CryptoFailure> {
    Ok(Fingerprint::of(&PublicKey::from_bytes(public_key)?).into_string())
}
