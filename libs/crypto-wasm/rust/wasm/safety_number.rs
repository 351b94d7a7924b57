//! Bindings for safety numbers.

use wasm_bindgen::prelude::*;

use super::error::CryptoFailure;
use crate::identity::PublicKey;
use crate::safety_number::SafetyNumber;

/// The safety number of (our key, their key), computed once.
#[wasm_bindgen(js_name = SafetyNumberPair)]
pub struct SafetyNumberPair(SafetyNumber);

#[wasm_bindgen(js_class = SafetyNumberPair)]
impl SafetyNumberPair {
    /// Computes the number for our public key and theirs (32 bytes each).
    #[wasm_bindgen(js_name = fromPublicKeys)]
    pub fn from_public_keys(ours: &[u8], theirs: &[u8]) -> Result<SafetyNumberPair, CryptoFailure> {
        Ok(Self(SafetyNumber::new(
            &PublicKey::from_bytes(ours)?,
            &PublicKey::from_bytes(theirs)?,
        )))
    }

    /// 60 digits in 12 groups of five.
    #[wasm_bindgen(js_name = digits)]
    pub fn digits(&self) -> String {
        self.0.digits()
    }

    /// The bytes to show as a QR code.
    #[wasm_bindgen(js_name = qrPayload)]
    pub fn qr_payload(&self) -> Vec<u8> {
        self.0.qr_payload().to_vec()
    }

    /// Whether a payload scanned from the other person's screen shows the same two keys.
    #[wasm_bindgen(js_name = matchesScanned)]
    pub fn matches_scanned(&self, scanned: &[u8]) -> Result<bool, CryptoFailure> {
        Ok(self.0.matches_scanned(scanned)?)
    }
}
