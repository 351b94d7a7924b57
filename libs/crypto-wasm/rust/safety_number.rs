//! Safety numbers: one number two people compare to check that each holds the other's real key.
//!
//! In the spirit of Signal's numeric fingerprints (our own construction and encoding):
//!
//! * Each side's fingerprint is an iterated SHA-512 over the domain string, that side's public
//!   key and its user id: `h = SHA-512(DOMAIN || 0x00 || public key || user id)`, then
//!   `ITERATIONS - 1` more times `h = SHA-512(h || public key)`. The iterations make it costlier
//!   to search for a different key whose number looks alike.
//! * A side's 30 digits: the first 30 bytes of `h` as six 5-byte big-endian numbers, each
//!   modulo 100000, zero-padded to five digits.
//! * The safety number: the two 30-digit halves sorted (as strings) and concatenated, so both
//!   people see the same 60 digits, shown as 12 groups of 5.
//! * The QR payload: `VERSION || first 32 bytes of my h || first 32 bytes of your h`. The
//!   scanner checks that the payload's first half is the key it holds for the other person and
//!   the second half is its own key.
//!
//! The user id is derived from the public key (see [`crate::user_id`]), so the input is just the
//! two public keys; hashing it as well ties the number to the id people see in the client.

use core::fmt;

use sha2::{Digest, Sha512};

use crate::error::CryptoError;
use crate::identity::PublicKey;
use crate::user_id::UserId;

/// Domain-separation string hashed first.
pub const SAFETY_NUMBER_DOMAIN: &[u8] = b"lemon-chat/safety-number/v1";
/// SHA-512 iterations per side.
pub const ITERATIONS: usize = 5200;
/// Version byte that starts the QR payload.
pub const QR_VERSION: u8 = 1;
/// Bytes of each side's hash carried in the QR payload.
pub const QR_FINGERPRINT_BYTES: usize = 32;
/// Length of the QR payload: version + two fingerprints.
pub const QR_PAYLOAD_LENGTH: usize = 1 + 2 * QR_FINGERPRINT_BYTES;
/// Number of digit groups shown.
pub const SAFETY_NUMBER_GROUPS: usize = 12;

const DIGITS_PER_SIDE: usize = 30;
const BYTES_PER_GROUP: usize = 5;
const GROUP_MODULUS: u64 = 100_000;

/// One side's iterated hash.
struct SideFingerprint([u8; 64]);

impl SideFingerprint {
    fn of(key: &PublicKey) -> Self {
        let user_id = UserId::of(key);
        let mut h: [u8; 64] = Sha512::new()
            .chain_update(SAFETY_NUMBER_DOMAIN)
            .chain_update([0u8])
            .chain_update(key.as_bytes())
            .chain_update(user_id.as_str().as_bytes())
            .finalize()
            .into();
        for _ in 1..ITERATIONS {
            h = Sha512::new()
                .chain_update(h)
                .chain_update(key.as_bytes())
                .finalize()
                .into();
        }
        Self(h)
    }

    fn digits(&self) -> String {
        let mut out = String::with_capacity(DIGITS_PER_SIDE);
        for chunk in self.0[..DIGITS_PER_SIDE].chunks_exact(BYTES_PER_GROUP) {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            out.push_str(&format!("{:05}", value % GROUP_MODULUS));
        }
        out
    }

    fn qr_part(&self) -> &[u8] {
        &self.0[..QR_FINGERPRINT_BYTES]
    }
}

/// The safety number of a pair of identities, seen from one of them ("ours").
pub struct SafetyNumber {
    ours: SideFingerprint,
    theirs: SideFingerprint,
}

impl SafetyNumber {
    /// Computes the pair's fingerprints. `ours` and `theirs` matter only for the QR payload;
    /// the digits are the same either way round.
    pub fn new(ours: &PublicKey, theirs: &PublicKey) -> Self {
        Self {
            ours: SideFingerprint::of(ours),
            theirs: SideFingerprint::of(theirs),
        }
    }

    /// The 60 digits in 12 groups of five, separated by single spaces.
    pub fn digits(&self) -> String {
        let mut halves = [self.ours.digits(), self.theirs.digits()];
        halves.sort();
        let all = halves.concat();
        let mut out = String::with_capacity(all.len() + SAFETY_NUMBER_GROUPS);
        for (i, group) in all.as_bytes().chunks(BYTES_PER_GROUP).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // The string is ASCII digits only.
            out.extend(group.iter().map(|&b| char::from(b)));
        }
        out
    }

    /// The bytes to show as a QR code: `QR_VERSION || ours || theirs`.
    pub fn qr_payload(&self) -> [u8; QR_PAYLOAD_LENGTH] {
        let mut out = [0u8; QR_PAYLOAD_LENGTH];
        out[0] = QR_VERSION;
        out[1..1 + QR_FINGERPRINT_BYTES].copy_from_slice(self.ours.qr_part());
        out[1 + QR_FINGERPRINT_BYTES..].copy_from_slice(self.theirs.qr_part());
        out
    }

    /// Checks a payload scanned from the other person's screen. Their payload starts with their
    /// fingerprint and continues with ours. `Ok(false)` when the keys differ;
    /// `Err(InvalidSafetyNumberPayload)` when the payload has the wrong length or version.
    pub fn matches_scanned(&self, scanned: &[u8]) -> Result<bool, CryptoError> {
        if scanned.len() != QR_PAYLOAD_LENGTH || scanned[0] != QR_VERSION {
            return Err(CryptoError::InvalidSafetyNumberPayload);
        }
        let (their_part, our_part) = scanned[1..].split_at(QR_FINGERPRINT_BYTES);
        Ok(their_part == self.theirs.qr_part() && our_part == self.ours.qr_part())
    }
}

impl fmt::Debug for SafetyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SafetyNumber").field(&self.digits()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;

    fn key(byte: u8) -> PublicKey {
        Identity::from_secret_key(&[byte; 32]).unwrap().public_key()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    // Known answers for the keys of secrets [1; 32] and [2; 32], also read by the jest tests.
    // Derived independently with a short node:crypto script (SHA-512, SHA-256) from the
    // description at the top of this file.
    const NUMBER_ONES_TWOS: &str = include_str!("../testdata/safety-number-01-02.txt");
    const QR_ONES_TWOS: &str = include_str!("../testdata/safety-qr-01-02.txt");

    #[test]
    fn known_answer() {
        let n = SafetyNumber::new(&key(1), &key(2));
        assert_eq!(n.digits(), NUMBER_ONES_TWOS.trim());
        assert_eq!(hex(&n.qr_payload()), QR_ONES_TWOS.trim());
    }

    #[test]
    fn format_is_twelve_groups_of_five_digits() {
        let digits = SafetyNumber::new(&key(3), &key(4)).digits();
        let groups: Vec<&str> = digits.split(' ').collect();
        assert_eq!(groups.len(), SAFETY_NUMBER_GROUPS);
        assert!(groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn both_sides_see_the_same_number() {
        let (a, b) = (key(1), key(2));
        assert_eq!(
            SafetyNumber::new(&a, &b).digits(),
            SafetyNumber::new(&b, &a).digits()
        );
    }

    #[test]
    fn different_pairs_differ() {
        let ab = SafetyNumber::new(&key(1), &key(2)).digits();
        let ac = SafetyNumber::new(&key(1), &key(3)).digits();
        let cb = SafetyNumber::new(&key(3), &key(2)).digits();
        assert_ne!(ab, ac);
        assert_ne!(ab, cb);
        assert_ne!(ac, cb);
    }

    #[test]
    fn scanned_payload_of_the_other_side_matches() {
        let (a, b) = (key(1), key(2));
        let shown_by_b = SafetyNumber::new(&b, &a).qr_payload();
        assert_eq!(
            SafetyNumber::new(&a, &b).matches_scanned(&shown_by_b),
            Ok(true)
        );
        // Our own payload read back is not the other side's.
        let own = SafetyNumber::new(&a, &b).qr_payload();
        assert_eq!(SafetyNumber::new(&a, &b).matches_scanned(&own), Ok(false));
    }

    #[test]
    fn scanned_payload_with_another_key_does_not_match() {
        let (a, b, mallory) = (key(1), key(2), key(3));
        // A shows the QR code for (A, Mallory): B must see a mismatch.
        let shown_by_a = SafetyNumber::new(&a, &mallory).qr_payload();
        assert_eq!(
            SafetyNumber::new(&b, &a).matches_scanned(&shown_by_a),
            Ok(false)
        );
        let mut flipped = SafetyNumber::new(&a, &b).qr_payload();
        flipped[40] ^= 1;
        assert_eq!(
            SafetyNumber::new(&b, &a).matches_scanned(&flipped),
            Ok(false)
        );
    }

    #[test]
    fn malformed_payloads_are_errors() {
        let n = SafetyNumber::new(&key(1), &key(2));
        let good = SafetyNumber::new(&key(2), &key(1)).qr_payload();
        let mut other_version = good;
        other_version[0] = 2;
        for bad in [&good[..64], &[][..], &[good.as_slice(), &[0]].concat()[..]] {
            assert_eq!(
                n.matches_scanned(bad),
                Err(CryptoError::InvalidSafetyNumberPayload)
            );
        }
        assert_eq!(
            n.matches_scanned(&other_version),
            Err(CryptoError::InvalidSafetyNumberPayload)
        );
    }
}
