//! Bindings for SFrame (RFC 9605) with MLS-derived keys. Epochs and counters cross as `f64`
//! (exact below 2^53; counters never go above 2^53 - 1).

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::error::CryptoFailure;
use crate::error::CryptoError;
use crate::sframe::{CipherSuite, Decrypted, SframeContext};

fn epoch_from_js(epoch: f64) -> Result<u64, CryptoFailure> {
    if epoch.is_finite() && epoch >= 0.0 && epoch.fract() == 0.0 && epoch < 9_007_199_254_740_992.0
    {
        Ok(epoch as u64)
    } else {
        Err(CryptoError::SframeInvalidArgument.into())
    }
}

/// One decrypted frame; `free()` releases it (and `payload()` copies it out).
#[wasm_bindgen(js_name = SframeDecrypted)]
pub struct SframeDecrypted(Decrypted);

#[wasm_bindgen(js_class = SframeDecrypted)]
impl SframeDecrypted {
    /// The plaintext.
    #[wasm_bindgen(js_name = payload)]
    pub fn payload(&self) -> Vec<u8> {
        self.0.payload.clone()
    }

    /// The sender's MLS leaf index (from the KID).
    #[wasm_bindgen(js_name = senderLeafIndex)]
    pub fn sender_leaf_index(&self) -> u32 {
        self.0.sender_leaf_index
    }

    /// The full epoch of the frame.
    #[wasm_bindgen(js_name = epoch)]
    pub fn epoch(&self) -> f64 {
        self.0.epoch as f64
    }

    /// The frame's counter.
    #[wasm_bindgen(js_name = counter)]
    pub fn counter(&self) -> f64 {
        self.0.counter as f64
    }
}

/// One member's SFrame keys for a voice session (see rust/sframe/context.rs).
#[wasm_bindgen(js_name = SframeContextHandle)]
pub struct SframeContextHandle(SframeContext);

#[wasm_bindgen(js_class = SframeContextHandle)]
impl SframeContextHandle {
    /// An empty context for the cipher suite (0x0004 or 0x0005).
    #[wasm_bindgen(js_name = create)]
    pub fn create(cipher_suite: u16) -> Result<SframeContextHandle, CryptoFailure> {
        Ok(Self(SframeContext::new(CipherSuite::from_id(
            cipher_suite,
        )?)))
    }

    /// Enters an epoch; the copy of the secret made for WebAssembly is wiped.
    #[wasm_bindgen(js_name = setEpoch)]
    pub fn set_epoch(
        &mut self,
        epoch: f64,
        epoch_secret: Vec<u8>,
        own_leaf_index: u32,
    ) -> Result<(), CryptoFailure> {
        let epoch_secret = Zeroizing::new(epoch_secret);
        Ok(self
            .0
            .set_epoch(epoch_from_js(epoch)?, &epoch_secret, own_leaf_index)?)
    }

    /// Forgets every epoch older than `epoch` except the current one.
    #[wasm_bindgen(js_name = retireBefore)]
    pub fn retire_before(&mut self, epoch: f64) -> Result<(), CryptoFailure> {
        self.0.retire_before(epoch_from_js(epoch)?);
        Ok(())
    }

    /// The current epoch, if any.
    #[wasm_bindgen(js_name = currentEpoch)]
    pub fn current_epoch(&self) -> Option<f64> {
        self.0.current_epoch().map(|e| e as f64)
    }

    /// The kept epochs, oldest first.
    #[wasm_bindgen(js_name = keptEpochs)]
    pub fn kept_epochs(&self) -> Vec<f64> {
        self.0.kept_epochs().into_iter().map(|e| e as f64).collect()
    }

    /// header || ciphertext of one frame under the current epoch's sending key.
    #[wasm_bindgen(js_name = encrypt)]
    pub fn encrypt(&mut self, payload: &[u8], metadata: &[u8]) -> Result<Vec<u8>, CryptoFailure> {
        Ok(self.0.encrypt(payload, metadata)?)
    }

    /// Decrypts one frame of another member.
    #[wasm_bindgen(js_name = decrypt)]
    pub fn decrypt(
        &mut self,
        frame: &[u8],
        metadata: &[u8],
    ) -> Result<SframeDecrypted, CryptoFailure> {
        Ok(SframeDecrypted(self.0.decrypt(frame, metadata)?))
    }
}
