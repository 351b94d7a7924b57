//! User ids: a short, stable name for a public key.
//!
//! `user id = lowercase hex( SHA-256( "lemon-chat/user-id/v1" || public key )[0..16] )`,
//! 32 characters. The domain-separation prefix keeps this hash distinct from every other hash
//! of the same key (the fingerprint, future MLS uses).

use core::fmt;

use sha2::{Digest, Sha256};

use crate::identity::PublicKey;

/// Domain-separation prefix hashed before the key.
pub const USER_ID_DOMAIN: &[u8] = b"lemon-chat/user-id/v1";
/// Number of hash bytes kept (128 bits).
pub const USER_ID_BYTES: usize = 16;

/// A user id: 32 lowercase hex characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// The user id of `public_key`.
    pub fn of(public_key: &PublicKey) -> Self {
        let digest = Sha256::new()
            .chain_update(USER_ID_DOMAIN)
            .chain_update(public_key.as_bytes())
            .finalize();
        Self(lower_hex(&digest[..USER_ID_BYTES]))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({})", self.0)
    }
}

fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;

    fn id_of(secret_byte: u8) -> UserId {
        Identity::from_secret_key(&[secret_byte; 32])
            .unwrap()
            .user_id()
    }

    #[test]
    fn known_answer_for_secret_of_ones() {
        // Shared with the TypeScript tests: Rust and the WASM build must agree.
        assert_eq!(id_of(0x01).as_str(), KAT_USER_ID_ONES);
    }

    #[test]
    fn is_32_lowercase_hex_chars_and_deterministic() {
        let a = id_of(0x07);
        assert_eq!(a.as_str().len(), 32);
        assert!(a
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert_eq!(a, id_of(0x07));
    }

    #[test]
    fn different_keys_give_different_ids() {
        assert_ne!(id_of(0x01), id_of(0x02));
    }

    #[test]
    fn matches_the_definition() {
        // Recompute from the spelled-out definition, independently of `UserId::of`.
        let id = Identity::from_secret_key(&[0x01; 32]).unwrap();
        let mut input = b"lemon-chat/user-id/v1".to_vec();
        input.extend_from_slice(id.public_key().as_bytes());
        let digest = Sha256::digest(&input);
        let expected: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(id.user_id().as_str(), expected);
    }

    // Cross-checked once with Node's own Ed25519 and SHA-256 (node:crypto).
    const KAT_USER_ID_ONES: &str = "06e7d5f3d59ca558db70a6bfc289a055";
}
