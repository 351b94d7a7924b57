//! Fingerprints: a key rendered as 30 digits that two people can read to each other.
//!
//! `h = SHA-256( "lemon-chat/fingerprint/v1" || public key )`; the first 30 bytes of `h` are
//! read as six 5-byte big-endian numbers, each reduced modulo 100000 and written as five
//! zero-padded digits; the six groups are joined with single spaces.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::identity::PublicKey;

/// Domain-separation prefix hashed before the key.
pub const FINGERPRINT_DOMAIN: &[u8] = b"lemon-chat/fingerprint/v1";
/// Number of five-digit groups.
pub const FINGERPRINT_GROUPS: usize = 6;
const BYTES_PER_GROUP: usize = 5;
const GROUP_MODULUS: u64 = 100_000;

/// A fingerprint, e.g. `"12345 67890 …"` (6 groups of 5 digits).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of `public_key`.
    pub fn of(public_key: &PublicKey) -> Self {
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_DOMAIN)
            .chain_update(public_key.as_bytes())
            .finalize();
        let mut out = String::with_capacity(FINGERPRINT_GROUPS * (BYTES_PER_GROUP + 1));
        for (i, chunk) in digest
            .chunks_exact(BYTES_PER_GROUP)
            .take(FINGERPRINT_GROUPS)
            .enumerate()
        {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&format!("{:05}", value % GROUP_MODULUS));
        }
        Self(out)
    }

    /// The fingerprint as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The fingerprint as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;

    fn fp_of(secret_byte: u8) -> Fingerprint {
        Identity::from_secret_key(&[secret_byte; 32])
            .unwrap()
            .fingerprint()
    }

    #[test]
    fn known_answer_for_secret_of_ones() {
        // Shared with the TypeScript tests: Rust and the WASM build must agree.
        assert_eq!(fp_of(0x01).as_str(), KAT_FINGERPRINT_ONES);
    }

    #[test]
    fn is_six_groups_of_five_digits_and_deterministic() {
        let fp = fp_of(0x07);
        let groups: Vec<&str> = fp.as_str().split(' ').collect();
        assert_eq!(groups.len(), 6);
        assert!(groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|c| c.is_ascii_digit())));
        assert_eq!(fp, fp_of(0x07));
    }

    #[test]
    fn different_keys_give_different_fingerprints() {
        assert_ne!(fp_of(0x01), fp_of(0x02));
    }

    #[test]
    fn matches_the_definition() {
        // Recompute with u128 arithmetic and explicit slicing, independently of `of`.
        let id = Identity::from_secret_key(&[0x01; 32]).unwrap();
        let mut input = b"lemon-chat/fingerprint/v1".to_vec();
        input.extend_from_slice(id.public_key().as_bytes());
        let h = Sha256::digest(&input);
        let groups: Vec<String> = (0..6)
            .map(|g| {
                let mut n: u128 = 0;
                for k in 0..5 {
                    n = n * 256 + u128::from(h[g * 5 + k]);
                }
                format!("{:05}", n % 100_000)
            })
            .collect();
        assert_eq!(id.fingerprint().as_str(), groups.join(" "));
    }

    // Cross-checked once with Node's own Ed25519 and SHA-256 (node:crypto).
    const KAT_FINGERPRINT_ONES: &str = "69956 40267 05077 89933 31299 93547";
}
