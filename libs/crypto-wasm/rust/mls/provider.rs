//! What OpenMLS needs from us: a provider (RustCrypto + an in-memory store that can be written
//! out and read back) and a signer backed by the identity key.

use std::collections::HashMap;
use std::sync::RwLock;

use openmls::prelude::{OpenMlsProvider, SignatureScheme};
use openmls_rust_crypto::{MemoryStorage, RustCrypto};
use openmls_traits::signatures::{Signer, SignerError};

use crate::identity::Identity;

/// OpenMLS's RustCrypto provider with our own [`MemoryStorage`] instance, so that the storage
/// contents can be serialized (the stock `OpenMlsRustCrypto` keeps its store private).
#[derive(Default)]
pub(crate) struct Provider {
    crypto: RustCrypto,
    storage: MemoryStorage,
}

impl Provider {
    /// A provider whose store starts with `values`.
    pub(crate) fn with_values(values: HashMap<Vec<u8>, Vec<u8>>) -> Self {
        Self {
            crypto: RustCrypto::default(),
            storage: MemoryStorage {
                values: RwLock::new(values),
            },
        }
    }

    /// Every (key, value) pair in the store, sorted by key so the output is deterministic.
    pub(crate) fn sorted_values(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let values = self
            .storage
            .values
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut entries: Vec<(Vec<u8>, Vec<u8>)> =
            values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        entries.sort();
        entries
    }
}

impl OpenMlsProvider for Provider {
    type CryptoProvider = RustCrypto;
    type RandProvider = RustCrypto;
    type StorageProvider = MemoryStorage;

    fn storage(&self) -> &Self::StorageProvider {
        &self.storage
    }

    fn crypto(&self) -> &Self::CryptoProvider {
        &self.crypto
    }

    fn rand(&self) -> &Self::RandProvider {
        &self.crypto
    }
}

/// Signs MLS structures with the identity key (Ed25519, RFC 8032 — what the ciphersuite's
/// signature scheme is).
pub(crate) struct IdentitySigner<'a>(pub(crate) &'a Identity);

impl Signer for IdentitySigner<'_> {
    fn sign(&self, payload: &[u8]) -> Result<Vec<u8>, SignerError> {
        Ok(self.0.sign(payload).to_vec())
    }

    fn signature_scheme(&self) -> SignatureScheme {
        SignatureScheme::ED25519
    }
}
