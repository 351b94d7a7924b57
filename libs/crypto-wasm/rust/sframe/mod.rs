//! SFrame (RFC 9605): end-to-end encryption of media frames, keyed from MLS (§5.2).
//!
//! - [`header`]: the SFrame header (KID and CTR, §4.3);
//! - [`cipher`]: cipher suites, `derive_key_salt` (§4.4.2), frame encryption (§4.4.3/§4.4.4);
//! - [`replay`]: the receiver's sliding anti-replay window;
//! - [`context`]: one member's keys per MLS epoch, KIDs and counters ([`SframeContext`]).
//!
//! Sans-IO like the rest of the crate: bytes in, bytes out, no clocks.

pub mod cipher;
pub mod context;
pub mod header;
pub mod replay;

pub use cipher::CipherSuite;
pub use context::{kid_for, Decrypted, SframeContext, EPOCH_BITS, MAX_COUNTER};
pub use header::Header;
pub use replay::REPLAY_WINDOW;

/// The MLS exporter label of RFC 9605 §5.2 (context empty, length AEAD.Nk).
pub const EXPORTER_LABEL: &str = "SFrame 1.0 Base Key";

#[cfg(test)]
pub(crate) mod test_util {
    /// Hex (no separators) to bytes; panics on bad input (test data only).
    pub fn hex(s: &str) -> Vec<u8> {
        assert!(s.len().is_multiple_of(2), "odd hex length: {s}");
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }
}
