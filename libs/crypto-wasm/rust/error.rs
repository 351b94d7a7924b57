//! The one error type of this crate, with codes that stay stable across releases.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// The [`code`](CryptoError::code) strings cross the WebAssembly boundary and are matched by the
/// TypeScript wrapper (`CryptoErrorCode`), so they never change meaning once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// A public or secret key has the wrong length, is not a valid curve point, is a
    /// small-order ("weak") point, or is not in canonical encoding.
    InvalidKey,
    /// A signature does not have the length of an Ed25519 signature (64 bytes).
    /// A signature of the right length that does not verify is not an error: verification
    /// simply answers `false`.
    InvalidSignatureFormat,
    /// The platform offered no secure randomness (no `crypto.getRandomValues` in JavaScript,
    /// or the OS source failed).
    RandomnessUnavailable,
}

impl CryptoError {
    /// Every variant, for exhaustive tests and for the bindings.
    pub const ALL: [CryptoError; 3] = [
        CryptoError::InvalidKey,
        CryptoError::InvalidSignatureFormat,
        CryptoError::RandomnessUnavailable,
    ];

    /// Stable machine-readable code.
    pub const fn code(self) -> &'static str {
        match self {
            CryptoError::InvalidKey => "INVALID_KEY",
            CryptoError::InvalidSignatureFormat => "INVALID_SIGNATURE_FORMAT",
            CryptoError::RandomnessUnavailable => "RANDOMNESS_UNAVAILABLE",
        }
    }

    /// Short English description, safe to show and to log (never contains key material).
    pub const fn description(self) -> &'static str {
        match self {
            CryptoError::InvalidKey => "the key is malformed",
            CryptoError::InvalidSignatureFormat => "the signature is not 64 bytes long",
            CryptoError::RandomnessUnavailable => "no secure random number source is available",
        }
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())
    }
}

impl std::error::Error for CryptoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_screaming_snake_case() {
        let codes: Vec<&str> = CryptoError::ALL.iter().map(|e| e.code()).collect();
        for (i, a) in codes.iter().enumerate() {
            assert!(a.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{a}");
            for b in &codes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn display_starts_with_code() {
        for e in CryptoError::ALL {
            assert!(e.to_string().starts_with(e.code()));
        }
    }
}
