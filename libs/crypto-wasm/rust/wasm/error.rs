//! The error object thrown across the boundary.

use wasm_bindgen::prelude::*;

use crate::error::CryptoError;

/// What a failing export throws: the error's stable `code` and a short English `message`.
#[wasm_bindgen(js_name = CryptoFailure)]
pub struct CryptoFailure(CryptoError);

#[wasm_bindgen(js_class = CryptoFailure)]
impl CryptoFailure {
    /// Stable code, e.g. `"INVALID_KEY"`.
    #[wasm_bindgen(getter, js_name = code)]
    pub fn code(&self) -> String {
        self.0.code().to_owned()
    }

    /// Short English description (never contains key material).
    #[wasm_bindgen(getter, js_name = message)]
    pub fn message(&self) -> String {
        self.0.description().to_owned()
    }
}

/// The codes of every [`CryptoError`], so the TypeScript tests can check they know them all.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    CryptoError::ALL
        .iter()
        .map(|e| e.code().to_owned())
        .collect()
}

impl From<CryptoError> for CryptoFailure {
    fn from(error: CryptoError) -> Self {
        Self(error)
    }
}
