//! JavaScript bindings (wasm-bindgen), compiled only for `wasm32`.
//!
//! One file per concept, mirroring the crate's public modules. Every export has an explicit
//! JavaScript name. Bytes cross as `Uint8Array`, text as `string`; nothing is JSON-encoded.
//! Errors are thrown as `CryptoFailure` objects carrying the stable code of
//! [`crate::error::CryptoError`]; the TypeScript wrapper turns them into its `CryptoError`.

mod backup;
mod error;
mod identity;
mod mls;
mod safety_number;
mod sframe;
