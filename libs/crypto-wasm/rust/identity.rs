//! Identity keys: an Ed25519 key pair made on the user's device (ed25519-dalek).
//!
//! The same key will sign the user's MLS leaf nodes, so a user has exactly one long-term key.

use core::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::fingerprint::Fingerprint;
use crate::user_id::UserId;

/// Length of an encoded public key in bytes.
pub const PUBLIC_KEY_LENGTH: usize = ed25519_dalek::PUBLIC_KEY_LENGTH;
/// Length of a secret key (the Ed25519 seed) in bytes.
pub const SECRET_KEY_LENGTH: usize = ed25519_dalek::SECRET_KEY_LENGTH;
/// Length of a signature in bytes.
pub const SIGNATURE_LENGTH: usize = ed25519_dalek::SIGNATURE_LENGTH;

/// A user's long-term signing key pair.
///
/// The secret half is wiped from memory when the value is dropped (ed25519-dalek's
/// `ZeroizeOnDrop`). `Debug` prints only the public key.
pub struct Identity {
    signing_key: SigningKey,
}

impl Identity {
    /// Makes a new identity from the platform's secure random source.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut seed = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
        getrandom::fill(seed.as_mut()).map_err(|_| CryptoError::RandomnessUnavailable)?;
        Ok(Self {
            signing_key: SigningKey::from_bytes(&seed),
        })
    }

    /// Restores an identity from its 32-byte secret key (as returned by
    /// [`secret_key`](Identity::secret_key)).
    pub fn from_secret_key(secret: &[u8]) -> Result<Self, CryptoError> {
        let seed: Zeroizing<[u8; SECRET_KEY_LENGTH]> =
            Zeroizing::new(secret.try_into().map_err(|_| CryptoError::InvalidKey)?);
        Ok(Self {
            signing_key: SigningKey::from_bytes(&seed),
        })
    }

    /// The public half, to publish.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.signing_key.verifying_key())
    }

    /// The 32-byte secret key. The caller must store it encrypted; the returned buffer is
    /// wiped when dropped.
    pub fn secret_key(&self) -> Zeroizing<[u8; SECRET_KEY_LENGTH]> {
        Zeroizing::new(self.signing_key.to_bytes())
    }

    /// Signs `message` (pure Ed25519, RFC 8032; deterministic).
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LENGTH] {
        self.signing_key.sign(message).to_bytes()
    }

    /// This identity's user id.
    pub fn user_id(&self) -> UserId {
        UserId::of(&self.public_key())
    }

    /// This identity's human-comparable fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.public_key())
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// A validated Ed25519 public key.
///
/// Parsing is strict: besides the length and curve-point checks it rejects small-order
/// ("weak") points, which any signature could verify against, and non-canonical encodings,
/// so that one key has exactly one byte form (and therefore one user id).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses and validates an encoded public key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: &[u8; PUBLIC_KEY_LENGTH] =
            bytes.try_into().map_err(|_| CryptoError::InvalidKey)?;
        let key = VerifyingKey::from_bytes(array).map_err(|_| CryptoError::InvalidKey)?;
        if key.is_weak() {
            return Err(CryptoError::InvalidKey);
        }
        // Decompression accepts a y coordinate >= p; re-encoding the point reveals that.
        if key.to_edwards().compress().as_bytes() != array {
            return Err(CryptoError::InvalidKey);
        }
        Ok(Self(key))
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LENGTH] {
        self.0.to_bytes()
    }

    /// The encoding, borrowed.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LENGTH] {
        self.0.as_bytes()
    }

    /// Checks `signature` over `message` with `verify_strict` (rejects small-order R and
    /// non-canonical s as well as plain forgeries).
    ///
    /// Returns `Ok(false)` for a signature that does not verify and
    /// `Err(InvalidSignatureFormat)` only when it is not 64 bytes long.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<bool, CryptoError> {
        let signature =
            Signature::from_slice(signature).map_err(|_| CryptoError::InvalidSignatureFormat)?;
        Ok(self.0.verify_strict(message, &signature).is_ok())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Parses `public_key` and verifies `signature` over `message` with it.
///
/// `Err(InvalidKey)` for a malformed key, `Err(InvalidSignatureFormat)` for a signature of the
/// wrong length, otherwise whether the signature is valid.
pub fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<bool, CryptoError> {
    PublicKey::from_bytes(public_key)?.verify(message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_ONES: [u8; 32] = [0x01; 32];

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc8032_test_vector_1() {
        // RFC 8032 section 7.1, TEST 1 (empty message): proves we use plain Ed25519.
        let secret = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let id = Identity::from_secret_key(&secret).unwrap();
        assert_eq!(
            hex(id.public_key().as_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            hex(&id.sign(b"")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn known_public_key_for_secret_of_ones() {
        // Shared with the TypeScript tests; cross-checked once with node:crypto's Ed25519.
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        assert_eq!(
            hex(id.public_key().as_bytes()),
            "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
        );
    }

    #[test]
    fn secret_key_round_trips() {
        let id = Identity::generate().unwrap();
        let restored = Identity::from_secret_key(id.secret_key().as_ref()).unwrap();
        assert_eq!(restored.public_key(), id.public_key());
        assert_eq!(*restored.secret_key(), *id.secret_key());
    }

    #[test]
    fn public_key_round_trips() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let parsed = PublicKey::from_bytes(&id.public_key().to_bytes()).unwrap();
        assert_eq!(parsed, id.public_key());
    }

    #[test]
    fn generated_identities_differ() {
        let a = Identity::generate().unwrap();
        let b = Identity::generate().unwrap();
        assert_ne!(a.public_key(), b.public_key());
    }

    #[test]
    fn secret_key_of_wrong_length_is_invalid_key() {
        for len in [0, 31, 33, 64] {
            let err = Identity::from_secret_key(&vec![1u8; len]).unwrap_err();
            assert_eq!(err, CryptoError::InvalidKey, "length {len}");
        }
    }

    #[test]
    fn sign_then_verify() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let sig = id.sign(b"hello lemon");
        assert_eq!(id.public_key().verify(b"hello lemon", &sig), Ok(true));
        assert_eq!(
            verify_signature(id.public_key().as_bytes(), b"hello lemon", &sig),
            Ok(true)
        );
    }

    #[test]
    fn verify_rejects_modified_message() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let sig = id.sign(b"hello lemon");
        assert_eq!(id.public_key().verify(b"hello lemoN", &sig), Ok(false));
        assert_eq!(id.public_key().verify(b"", &sig), Ok(false));
    }

    #[test]
    fn verify_rejects_modified_signature() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let sig = id.sign(b"hello lemon");
        for i in [0, 31, 32, 63] {
            let mut bad = sig;
            bad[i] ^= 0x01;
            assert_eq!(
                id.public_key().verify(b"hello lemon", &bad),
                Ok(false),
                "byte {i}"
            );
        }
    }

    #[test]
    fn verify_rejects_wrong_key() {
        let signer = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let other = Identity::from_secret_key(&[0x02; 32]).unwrap();
        let sig = signer.sign(b"hello lemon");
        assert_eq!(other.public_key().verify(b"hello lemon", &sig), Ok(false));
    }

    #[test]
    fn verify_rejects_signature_of_wrong_length() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let sig = id.sign(b"m");
        for bad in [&sig[..63], &[][..], &[sig.as_slice(), &[0]].concat()[..]] {
            assert_eq!(
                id.public_key().verify(b"m", bad),
                Err(CryptoError::InvalidSignatureFormat)
            );
        }
    }

    #[test]
    fn public_key_of_wrong_length_is_invalid() {
        let pk = Identity::from_secret_key(&SECRET_ONES)
            .unwrap()
            .public_key()
            .to_bytes();
        assert_eq!(
            PublicKey::from_bytes(&pk[..31]),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            PublicKey::from_bytes(&[pk.as_slice(), &[0]].concat()),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(PublicKey::from_bytes(&[]), Err(CryptoError::InvalidKey));
    }

    #[test]
    fn small_order_public_keys_are_invalid() {
        // The identity point (y = 1) and the point of order 2 (y = -1): they have no
        // discrete log, so a "signature" under them proves nothing.
        let identity_point =
            unhex("0100000000000000000000000000000000000000000000000000000000000000");
        let order_two = unhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        // A point of order 8 (from the well-known list of Ed25519 small-order points).
        let order_eight = unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
        for key in [identity_point, order_two, order_eight] {
            // ed25519-dalek parses them (they are curve points); our strict parse must not.
            let array: [u8; 32] = key.as_slice().try_into().unwrap();
            assert!(VerifyingKey::from_bytes(&array).is_ok_and(|k| k.is_weak()));
            assert_eq!(
                PublicKey::from_bytes(&key),
                Err(CryptoError::InvalidKey),
                "{}",
                hex(&key)
            );
        }
    }

    #[test]
    fn non_canonical_public_key_is_invalid() {
        // y = p + 3, where p = 2^255 - 19: decompresses to the same point as y = 3 (a point of
        // large order), but is not the canonical encoding of it.
        let mut canonical = [0u8; 32];
        canonical[0] = 3;
        assert!(
            PublicKey::from_bytes(&canonical).is_ok(),
            "y = 3 must be a valid key"
        );
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xed + 3; // p's low byte is 0xed
        non_canonical[31] = 0x7f;
        // ed25519-dalek alone accepts this encoding; only our re-encoding check refuses it.
        assert!(VerifyingKey::from_bytes(&non_canonical).is_ok_and(|k| !k.is_weak()));
        assert_eq!(
            PublicKey::from_bytes(&non_canonical),
            Err(CryptoError::InvalidKey)
        );
    }

    #[test]
    fn bytes_that_are_not_a_curve_point_are_invalid() {
        // y = 2 has no x on the curve.
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        assert_eq!(
            PublicKey::from_bytes(&not_a_point),
            Err(CryptoError::InvalidKey)
        );
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let id = Identity::from_secret_key(&SECRET_ONES).unwrap();
        let printed = format!("{id:?}");
        assert!(printed.contains(&hex(id.public_key().as_bytes())));
        assert!(!printed.contains(&hex(&SECRET_ONES)));
    }
}
