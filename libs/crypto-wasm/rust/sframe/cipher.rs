//! SFrame cipher suites, key derivation (RFC 9605 §4.4.2) and frame encryption (§4.4.3/§4.4.4).
//!
//! Only the AES-GCM suites are implemented: AES_128_GCM_SHA256_128 (0x0004, what voice uses)
//! and AES_256_GCM_SHA512_128 (0x0005). AES, GCM and HKDF are RustCrypto's.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Aes256Gcm, KeyInit, Nonce, Tag};
use hkdf::Hkdf;
use sha2::{Sha256, Sha512};
use zeroize::Zeroizing;

use super::header::Header;
use crate::error::CryptoError;

/// AEAD.Nn: nonce (and salt) length of both suites.
pub const NONCE_LENGTH: usize = 12;
/// AEAD.Nt: tag length of both suites.
pub const TAG_LENGTH: usize = 16;

const KEY_LABEL: &[u8] = b"SFrame 1.0 Secret key ";
const SALT_LABEL: &[u8] = b"SFrame 1.0 Secret salt ";

/// An SFrame cipher suite (IANA "SFrame Cipher Suites").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherSuite {
    /// 0x0004: AES-128-GCM, HKDF-SHA256, 16-byte tag.
    Aes128GcmSha256_128,
    /// 0x0005: AES-256-GCM, HKDF-SHA512, 16-byte tag.
    Aes256GcmSha512_128,
}

impl CipherSuite {
    /// The suite for its registry value; `SFRAME_INVALID_ARGUMENT` for any other value.
    pub fn from_id(id: u16) -> Result<Self, CryptoError> {
        match id {
            0x0004 => Ok(CipherSuite::Aes128GcmSha256_128),
            0x0005 => Ok(CipherSuite::Aes256GcmSha512_128),
            _ => Err(CryptoError::SframeInvalidArgument),
        }
    }

    /// The registry value.
    pub const fn id(self) -> u16 {
        match self {
            CipherSuite::Aes128GcmSha256_128 => 0x0004,
            CipherSuite::Aes256GcmSha512_128 => 0x0005,
        }
    }

    /// AEAD.Nk: key length, also the length of the MLS-exported base key (§5.2).
    pub const fn key_length(self) -> usize {
        match self {
            CipherSuite::Aes128GcmSha256_128 => 16,
            CipherSuite::Aes256GcmSha512_128 => 32,
        }
    }

    /// `label || KID as 8 bytes || suite as 2 bytes`, big-endian (§4.4.2).
    fn label(self, prefix: &[u8], kid: u64) -> Vec<u8> {
        let mut label = Vec::with_capacity(prefix.len() + 10);
        label.extend_from_slice(prefix);
        label.extend_from_slice(&kid.to_be_bytes());
        label.extend_from_slice(&self.id().to_be_bytes());
        label
    }

    /// `derive_key_salt(KID, base_key)` of §4.4.2: (sframe_key, sframe_salt).
    pub fn derive_key_salt(
        self,
        kid: u64,
        base_key: &[u8],
    ) -> (Zeroizing<Vec<u8>>, Zeroizing<[u8; NONCE_LENGTH]>) {
        let mut key = Zeroizing::new(vec![0u8; self.key_length()]);
        let mut salt = Zeroizing::new([0u8; NONCE_LENGTH]);
        let key_label = self.label(KEY_LABEL, kid);
        let salt_label = self.label(SALT_LABEL, kid);
        // HKDF-Extract with an empty salt, then two Expands; the lengths are far below HKDF's
        // limit of 255 hash outputs, so expand cannot fail.
        match self {
            CipherSuite::Aes128GcmSha256_128 => {
                let hkdf = Hkdf::<Sha256>::new(Some(&[]), base_key);
                hkdf.expand(&key_label, &mut key)
                    .expect("short HKDF output");
                hkdf.expand(&salt_label, &mut *salt)
                    .expect("short HKDF output");
            }
            CipherSuite::Aes256GcmSha512_128 => {
                let hkdf = Hkdf::<Sha512>::new(Some(&[]), base_key);
                hkdf.expand(&key_label, &mut key)
                    .expect("short HKDF output");
                hkdf.expand(&salt_label, &mut *salt)
                    .expect("short HKDF output");
            }
        }
        (key, salt)
    }
}

enum Aead {
    Aes128(Box<Aes128Gcm>),
    Aes256(Box<Aes256Gcm>),
}

/// The key and salt of one KID, ready to encrypt or decrypt frames. The AES key schedule and the
/// GHASH key are wiped when it is dropped (the `zeroize` features of aes and polyval), the salt
/// too (`Zeroizing`).
pub struct FrameKey {
    kid: u64,
    aead: Aead,
    salt: Zeroizing<[u8; NONCE_LENGTH]>,
}

impl FrameKey {
    /// Derives the key and salt of `kid` from `base_key` (§4.4.2).
    pub fn derive(suite: CipherSuite, kid: u64, base_key: &[u8]) -> Self {
        let (key, salt) = suite.derive_key_salt(kid, base_key);
        let aead = match suite {
            CipherSuite::Aes128GcmSha256_128 => Aead::Aes128(Box::new(
                Aes128Gcm::new_from_slice(&key).expect("16-byte key"),
            )),
            CipherSuite::Aes256GcmSha512_128 => Aead::Aes256(Box::new(
                Aes256Gcm::new_from_slice(&key).expect("32-byte key"),
            )),
        };
        Self { kid, aead, salt }
    }

    /// The KID this key belongs to.
    pub fn kid(&self) -> u64 {
        self.kid
    }

    /// `sframe_salt XOR CTR` (CTR as a 12-byte big-endian integer).
    fn nonce(&self, ctr: u64) -> [u8; NONCE_LENGTH] {
        let mut nonce = *self.salt;
        for (n, c) in nonce[NONCE_LENGTH - 8..].iter_mut().zip(ctr.to_be_bytes()) {
            *n ^= c;
        }
        nonce
    }

    /// `encrypt(CTR, KID, metadata, plaintext)` of §4.4.3: header || ciphertext || tag. The
    /// caller guarantees that `ctr` is never used twice with this key.
    pub fn encrypt(&self, ctr: u64, metadata: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut frame = Vec::with_capacity(17 + plaintext.len() + TAG_LENGTH);
        Header { kid: self.kid, ctr }.encode_into(&mut frame);
        let header_len = frame.len();
        frame.extend_from_slice(plaintext);
        let nonce = self.nonce(ctr);
        let (header, body) = frame.split_at_mut(header_len);
        let aad = aad(header, metadata);
        let tag = match &self.aead {
            Aead::Aes128(c) => c.encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, body),
            Aead::Aes256(c) => c.encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, body),
        }
        // Only fails for inputs over GCM's length limit (~64 GiB), which wasm32 cannot hold.
        .expect("frame within AES-GCM's length limit");
        frame.extend_from_slice(&tag);
        frame
    }

    /// Decrypts the ciphertext after an already parsed header (§4.4.4).
    /// `SFRAME_AUTHENTICATION_FAILED` if the AEAD refuses (or the ciphertext is shorter than a tag).
    pub fn decrypt(
        &self,
        header: &[u8],
        ctr: u64,
        metadata: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let body_len = ciphertext
            .len()
            .checked_sub(TAG_LENGTH)
            .ok_or(CryptoError::SframeAuthenticationFailed)?;
        let (body, tag) = ciphertext.split_at(body_len);
        let mut plaintext = body.to_vec();
        let nonce = self.nonce(ctr);
        let aad = aad(header, metadata);
        let tag = Tag::from_slice(tag);
        let result = match &self.aead {
            Aead::Aes128(c) => {
                c.decrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, &mut plaintext, tag)
            }
            Aead::Aes256(c) => {
                c.decrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, &mut plaintext, tag)
            }
        };
        result.map_err(|_| CryptoError::SframeAuthenticationFailed)?;
        Ok(plaintext)
    }
}

/// `header || metadata`, borrowing the header when there is no metadata.
fn aad<'a>(header: &'a [u8], metadata: &[u8]) -> std::borrow::Cow<'a, [u8]> {
    if metadata.is_empty() {
        std::borrow::Cow::Borrowed(header)
    } else {
        let mut aad = Vec::with_capacity(header.len() + metadata.len());
        aad.extend_from_slice(header);
        aad.extend_from_slice(metadata);
        std::borrow::Cow::Owned(aad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sframe::test_util::hex;
    use std::collections::HashMap;

    /// RFC 9605 Appendix C.3, the cases of suites 0x0004 and 0x0005.
    const RFC_VECTORS: &str = include_str!("../../testdata/sframe-rfc9605-encryption.txt");

    fn rfc_vectors() -> Vec<HashMap<String, String>> {
        RFC_VECTORS
            .split("\n\n")
            .map(|block| {
                block
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split_once(": "))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect::<HashMap<_, _>>()
            })
            .filter(|m| !m.is_empty())
            .collect()
    }

    fn num(v: &HashMap<String, String>, k: &str) -> u64 {
        u64::from_str_radix(&v[k], 16).unwrap()
    }

    #[test]
    fn rfc9605_encryption_vectors() {
        let vectors = rfc_vectors();
        let suites: Vec<u64> = vectors.iter().map(|v| num(v, "cipher_suite")).collect();
        assert_eq!(suites, [4, 5]);
        for v in &vectors {
            let suite = CipherSuite::from_id(num(v, "cipher_suite") as u16).unwrap();
            let (kid, ctr) = (num(v, "kid"), num(v, "ctr"));
            let base_key = hex(&v["base_key"]);
            let (metadata, pt, ct) = (hex(&v["metadata"]), hex(&v["pt"]), hex(&v["ct"]));

            // Intermediate values: labels, sframe_secret, key, salt, nonce, aad.
            assert_eq!(suite.label(KEY_LABEL, kid), hex(&v["sframe_key_label"]));
            assert_eq!(suite.label(SALT_LABEL, kid), hex(&v["sframe_salt_label"]));
            let secret = match suite {
                CipherSuite::Aes128GcmSha256_128 => {
                    Hkdf::<Sha256>::extract(Some(&[]), &base_key).0.to_vec()
                }
                CipherSuite::Aes256GcmSha512_128 => {
                    Hkdf::<Sha512>::extract(Some(&[]), &base_key).0.to_vec()
                }
            };
            assert_eq!(secret, hex(&v["sframe_secret"]));
            let (key, salt) = suite.derive_key_salt(kid, &base_key);
            assert_eq!(*key, hex(&v["sframe_key"]));
            assert_eq!(salt.to_vec(), hex(&v["sframe_salt"]));
            let frame_key = FrameKey::derive(suite, kid, &base_key);
            assert_eq!(frame_key.nonce(ctr).to_vec(), hex(&v["nonce"]));
            let header = Header { kid, ctr }.encode();
            assert_eq!(aad(&header, &metadata).to_vec(), hex(&v["aad"]));

            // encrypt(ctr, kid, metadata, pt) == ct and decrypt(metadata, ct) == pt.
            assert_eq!(frame_key.encrypt(ctr, &metadata, &pt), ct);
            let (parsed, len) = Header::decode(&ct).unwrap();
            assert_eq!(parsed, Header { kid, ctr });
            assert_eq!(
                frame_key.decrypt(&ct[..len], ctr, &metadata, &ct[len..]),
                Ok(pt.clone())
            );

            // Any flipped bit, other metadata or a short ciphertext fails authentication.
            for i in len..ct.len() {
                let mut bad = ct.clone();
                bad[i] ^= 0x01;
                assert_eq!(
                    frame_key.decrypt(&bad[..len], ctr, &metadata, &bad[len..]),
                    Err(CryptoError::SframeAuthenticationFailed)
                );
            }
            assert_eq!(
                frame_key.decrypt(&ct[..len], ctr, b"other", &ct[len..]),
                Err(CryptoError::SframeAuthenticationFailed)
            );
            assert_eq!(
                frame_key.decrypt(&ct[..len], ctr, &metadata, &ct[len..len + TAG_LENGTH - 1]),
                Err(CryptoError::SframeAuthenticationFailed)
            );
        }
    }

    #[test]
    fn unknown_suites_are_refused() {
        for id in [0x0000, 0x0001, 0x0002, 0x0003, 0x0006, 0xffff] {
            assert_eq!(
                CipherSuite::from_id(id),
                Err(CryptoError::SframeInvalidArgument)
            );
        }
    }
}
