//! Bindings for the passphrase-encrypted identity backup.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::error::CryptoFailure;
use crate::backup::{self, BackupContents, KdfParams};

/// What `importIdentityBackup` found in a backup.
#[wasm_bindgen(js_name = IdentityBackupContents)]
pub struct IdentityBackupContents(BackupContents);

#[wasm_bindgen(js_class = IdentityBackupContents)]
impl IdentityBackupContents {
    /// The 32-byte identity secret key.
    #[wasm_bindgen(js_name = secretKey)]
    pub fn secret_key(&self) -> Vec<u8> {
        self.0.secret_key.to_vec()
    }

    /// The metadata stored with it (possibly empty).
    #[wasm_bindgen(js_name = metadata)]
    pub fn metadata(&self) -> Vec<u8> {
        self.0.metadata.clone()
    }
}

/// Encrypts the identity secret and metadata under the passphrase (UTF-8 bytes). Missing cost
/// parameters take the defaults (64 MiB, 3 iterations, 1 lane). The copies of the secret and
/// passphrase made for WebAssembly are wiped before returning.
#[wasm_bindgen(js_name = exportIdentityBackup)]
pub fn export_identity_backup(
    secret_key: Vec<u8>,
    metadata: &[u8],
    passphrase: Vec<u8>,
    memory_kib: Option<u32>,
    iterations: Option<u32>,
    parallelism: Option<u32>,
) -> Result<Vec<u8>, CryptoFailure> {
    let secret_key = Zeroizing::new(secret_key);
    let passphrase = Zeroizing::new(passphrase);
    let params = KdfParams {
        memory_kib: memory_kib.unwrap_or(KdfParams::DEFAULT.memory_kib),
        iterations: iterations.unwrap_or(KdfParams::DEFAULT.iterations),
        parallelism: parallelism.unwrap_or(KdfParams::DEFAULT.parallelism),
    };
    Ok(backup::export(&secret_key, metadata, &passphrase, params)?)
}

/// Decrypts a backup made by `exportIdentityBackup`.
#[wasm_bindgen(js_name = importIdentityBackup)]
pub fn import_identity_backup(
    file: &[u8],
    passphrase: Vec<u8>,
) -> Result<IdentityBackupContents, CryptoFailure> {
    let passphrase = Zeroizing::new(passphrase);
    Ok(IdentityBackupContents(backup::import(file, &passphrase)?))
}
