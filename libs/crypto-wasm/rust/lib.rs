//! Lemon Chat's end-to-end encryption core.
//!
//! Sans-IO: nothing in here touches the network, storage or clocks. Callers hand bytes in and
//! get bytes out, so the same code serves the browser client, Node bots and the server.
//!
//! One public module per concept. The JavaScript bindings live in the private `wasm` module and
//! are compiled only for `wasm32`, so `cargo test` runs the pure logic on the host.

pub mod backup;
pub mod error;
pub mod fingerprint;
pub mod identity;
pub mod mls;
pub mod safety_number;
pub mod sframe;
pub mod user_id;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::CryptoError;
pub use fingerprint::Fingerprint;
pub use identity::{verify_signature, Identity, PublicKey};
pub use safety_number::SafetyNumber;
pub use user_id::UserId;
