//! Identity backup: the 32-byte identity secret (and a little metadata, e.g. a display name)
//! in a file encrypted under a passphrase.
//!
//! Argon2id (RFC 9106, crate `argon2`) turns the passphrase and a random salt into 64 bytes:
//! the first 32 are the XChaCha20-Poly1305 key (crate `chacha20poly1305`), the last 32 are a
//! passphrase check stored in the file. The check lets import tell a wrong passphrase from a
//! damaged file; it costs an attacker the same Argon2id run per guess as the AEAD tag does, so
//! it gives away nothing the ciphertext does not.
//!
//! File format, version 1 (integers big-endian):
//!
//! ```text
//! offset size
//!      0    8  magic "LEMONBAK"
//!      8    1  version = 1
//!      9    1  KDF = 1 (Argon2id, version 0x13)
//!     10    4  memory cost m in KiB
//!     14    4  time cost t (iterations)
//!     18    4  parallelism p
//!     22   16  salt (random)
//!     38   32  passphrase check (Argon2id output bytes 32..64)
//!     70   24  XChaCha20 nonce (random)
//!     94    4  ciphertext length n
//!     98    n  ciphertext = XChaCha20-Poly1305(secret(32) || metadata), 16-byte tag included
//! ```
//!
//! The 98 header bytes are the AEAD's associated data, so every header field is authenticated.
//! A changed salt or cost parameter yields another key and check, and therefore reads as a
//! wrong passphrase.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::identity::SECRET_KEY_LENGTH;

/// The 8 bytes every backup starts with.
pub const MAGIC: &[u8; 8] = b"LEMONBAK";
/// The format version written by [`export`].
pub const VERSION: u8 = 1;
/// The KDF id for Argon2id v0x13.
const KDF_ARGON2ID: u8 = 1;
/// Largest metadata accepted, in bytes.
pub const MAX_METADATA_LENGTH: usize = 4096;

const SALT_LENGTH: usize = 16;
const CHECK_LENGTH: usize = 32;
const KEY_LENGTH: usize = 32;
const NONCE_LENGTH: usize = 24;
const TAG_LENGTH: usize = 16;
const HEADER_LENGTH: usize = 8 + 1 + 1 + 4 + 4 + 4 + SALT_LENGTH + CHECK_LENGTH + NONCE_LENGTH + 4;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// The defaults for real backups: 64 MiB, 3 iterations, 1 lane.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    /// Upper bounds accepted on export and import, so a hostile file cannot make import use
    /// gigabytes of memory or minutes of time.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// See [`MAX_MEMORY_KIB`](Self::MAX_MEMORY_KIB).
    pub const MAX_ITERATIONS: u32 = 16;
    /// See [`MAX_MEMORY_KIB`](Self::MAX_MEMORY_KIB).
    pub const MAX_PARALLELISM: u32 = 16;

    fn to_argon2(self) -> Result<Argon2<'static>, CryptoError> {
        if self.memory_kib > Self::MAX_MEMORY_KIB
            || self.iterations > Self::MAX_ITERATIONS
            || self.parallelism > Self::MAX_PARALLELISM
        {
            return Err(CryptoError::InvalidBackupParameters);
        }
        // Params::new enforces the lower bounds (t >= 1, p >= 1, m >= 8 p).
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LENGTH + CHECK_LENGTH),
        )
        .map_err(|_| CryptoError::InvalidBackupParameters)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What a backup holds.
pub struct BackupContents {
    /// The identity secret key.
    pub secret_key: Zeroizing<[u8; SECRET_KEY_LENGTH]>,
    /// The metadata given at export (possibly empty).
    pub metadata: Vec<u8>,
}

/// The Argon2id output: key then check; wiped when dropped.
fn derive(
    argon2: &Argon2<'_>,
    passphrase: &[u8],
    salt: &[u8],
) -> Result<Zeroizing<[u8; KEY_LENGTH + CHECK_LENGTH]>, CryptoError> {
    let mut out = Zeroizing::new([0u8; KEY_LENGTH + CHECK_LENGTH]);
    argon2
        .hash_password_into(passphrase, salt, out.as_mut())
        .map_err(|_| CryptoError::InvalidBackupParameters)?;
    Ok(out)
}

/// Encrypts `secret_key` and `metadata` under `passphrase` with the given Argon2id costs.
pub fn export(
    secret_key: &[u8],
    metadata: &[u8],
    passphrase: &[u8],
    params: KdfParams,
) -> Result<Vec<u8>, CryptoError> {
    if secret_key.len() != SECRET_KEY_LENGTH {
        return Err(CryptoError::InvalidKey);
    }
    if metadata.len() > MAX_METADATA_LENGTH {
        return Err(CryptoError::InvalidBackupParameters);
    }
    let argon2 = params.to_argon2()?;
    let mut salt = [0u8; SALT_LENGTH];
    let mut nonce = [0u8; NONCE_LENGTH];
    getrandom::fill(&mut salt).map_err(|_| CryptoError::RandomnessUnavailable)?;
    getrandom::fill(&mut nonce).map_err(|_| CryptoError::RandomnessUnavailable)?;
    let derived = derive(&argon2, passphrase, &salt)?;

    let mut plaintext = Zeroizing::new(Vec::with_capacity(SECRET_KEY_LENGTH + metadata.len()));
    plaintext.extend_from_slice(secret_key);
    plaintext.extend_from_slice(metadata);
    let ciphertext_length = u32::try_from(plaintext.len() + TAG_LENGTH)
        .map_err(|_| CryptoError::InvalidBackupParameters)?;

    let mut file = Vec::with_capacity(HEADER_LENGTH + plaintext.len() + TAG_LENGTH);
    file.extend_from_slice(MAGIC);
    file.push(VERSION);
    file.push(KDF_ARGON2ID);
    file.extend_from_slice(&params.memory_kib.to_be_bytes());
    file.extend_from_slice(&params.iterations.to_be_bytes());
    file.extend_from_slice(&params.parallelism.to_be_bytes());
    file.extend_from_slice(&salt);
    file.extend_from_slice(&derived[KEY_LENGTH..]);
    file.extend_from_slice(&nonce);
    file.extend_from_slice(&ciphertext_length.to_be_bytes());
    debug_assert_eq!(file.len(), HEADER_LENGTH);

    let cipher = XChaCha20Poly1305::new_from_slice(&derived[..KEY_LENGTH])
        .map_err(|_| CryptoError::InvalidBackupParameters)?;
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: &file,
            },
        )
        .map_err(|_| CryptoError::InvalidBackupParameters)?;
    file.extend_from_slice(&ciphertext);
    Ok(file)
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Opens a backup made by [`export`].
///
/// Errors, checked in this order: `NotABackup` (no magic), `UnsupportedBackupVersion`,
/// `TruncatedBackup` (shorter than its header says), `InvalidBackupParameters` (unknown KDF,
/// costs out of bounds, trailing bytes), `WrongPassphrase`, `TamperedBackup` (the AEAD refused
/// the ciphertext or header).
pub fn import(file: &[u8], passphrase: &[u8]) -> Result<BackupContents, CryptoError> {
    if file.len() < MAGIC.len() || &file[..MAGIC.len()] != MAGIC {
        return Err(CryptoError::NotABackup);
    }
    match file.get(8) {
        None => return Err(CryptoError::TruncatedBackup),
        Some(&VERSION) => {}
        Some(_) => return Err(CryptoError::UnsupportedBackupVersion),
    }
    if file.len() < HEADER_LENGTH {
        return Err(CryptoError::TruncatedBackup);
    }
    let (header, ciphertext) = file.split_at(HEADER_LENGTH);
    let declared = be_u32(header, HEADER_LENGTH - 4) as usize;
    if ciphertext.len() < declared {
        return Err(CryptoError::TruncatedBackup);
    }
    if header[9] != KDF_ARGON2ID
        || ciphertext.len() > declared
        || declared < SECRET_KEY_LENGTH + TAG_LENGTH
    {
        return Err(CryptoError::InvalidBackupParameters);
    }
    let params = KdfParams {
        memory_kib: be_u32(header, 10),
        iterations: be_u32(header, 14),
        parallelism: be_u32(header, 18),
    };
    let salt = &header[22..22 + SALT_LENGTH];
    let check = &header[38..38 + CHECK_LENGTH];
    let nonce = &header[70..70 + NONCE_LENGTH];

    let derived = derive(&params.to_argon2()?, passphrase, salt)?;
    // Not secret-dependent timing in any useful way (the check is public), but compare in
    // full anyway.
    let differs = derived[KEY_LENGTH..]
        .iter()
        .zip(check)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differs != 0 {
        return Err(CryptoError::WrongPassphrase);
    }
    let cipher = XChaCha20Poly1305::new_from_slice(&derived[..KEY_LENGTH])
        .map_err(|_| CryptoError::InvalidBackupParameters)?;
    let plaintext = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: header,
                },
            )
            .map_err(|_| CryptoError::TamperedBackup)?,
    );
    let mut secret_key = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
    secret_key.copy_from_slice(&plaintext[..SECRET_KEY_LENGTH]);
    Ok(BackupContents {
        secret_key,
        metadata: plaintext[SECRET_KEY_LENGTH..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small costs so the tests stay fast; the format and code paths are the same.
    const FAST: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };
    const SECRET: [u8; 32] = [0x01; 32];

    fn backup() -> Vec<u8> {
        export(&SECRET, b"Alice", b"correct horse", FAST).unwrap()
    }

    fn import_err(file: &[u8], passphrase: &[u8]) -> CryptoError {
        import(file, passphrase).err().expect("import must fail")
    }

    #[test]
    fn round_trip() {
        let file = backup();
        assert_eq!(file.len(), HEADER_LENGTH + 32 + 5 + TAG_LENGTH);
        assert_eq!(&file[..8], b"LEMONBAK");
        let opened = import(&file, b"correct horse").unwrap();
        assert_eq!(*opened.secret_key, SECRET);
        assert_eq!(opened.metadata, b"Alice");
    }

    #[test]
    fn round_trip_without_metadata() {
        let file = export(&SECRET, b"", b"pw", FAST).unwrap();
        let opened = import(&file, b"pw").unwrap();
        assert_eq!(*opened.secret_key, SECRET);
        assert!(opened.metadata.is_empty());
    }

    #[test]
    fn parameters_are_stored_in_the_file() {
        let params = KdfParams {
            memory_kib: 256,
            iterations: 2,
            parallelism: 2,
        };
        let file = export(&SECRET, b"", b"pw", params).unwrap();
        assert_eq!(be_u32(&file, 10), 256);
        assert_eq!(be_u32(&file, 14), 2);
        assert_eq!(be_u32(&file, 18), 2);
        assert_eq!(*import(&file, b"pw").unwrap().secret_key, SECRET);
    }

    #[test]
    fn each_export_uses_fresh_salt_and_nonce() {
        let (a, b) = (backup(), backup());
        assert_ne!(a[22..38], b[22..38]);
        assert_ne!(a[70..94], b[70..94]);
        assert_ne!(a[HEADER_LENGTH..], b[HEADER_LENGTH..]);
    }

    #[test]
    fn wrong_passphrase() {
        assert_eq!(
            import_err(&backup(), b"wrong horse"),
            CryptoError::WrongPassphrase
        );
        assert_eq!(import_err(&backup(), b""), CryptoError::WrongPassphrase);
    }

    #[test]
    fn tampered_ciphertext_or_nonce() {
        let file = backup();
        for at in [70, 93, HEADER_LENGTH, file.len() - 1] {
            let mut bad = file.clone();
            bad[at] ^= 0x01;
            assert_eq!(
                import_err(&bad, b"correct horse"),
                CryptoError::TamperedBackup,
                "byte {at}"
            );
        }
    }

    #[test]
    fn tampered_salt_or_check_reads_as_wrong_passphrase() {
        let file = backup();
        for at in [22, 40] {
            let mut bad = file.clone();
            bad[at] ^= 0x01;
            assert_eq!(
                import_err(&bad, b"correct horse"),
                CryptoError::WrongPassphrase
            );
        }
    }

    #[test]
    fn truncated() {
        let file = backup();
        for len in [9, 20, HEADER_LENGTH - 1, HEADER_LENGTH, file.len() - 1] {
            assert_eq!(
                import_err(&file[..len], b"correct horse"),
                CryptoError::TruncatedBackup,
                "length {len}"
            );
        }
    }

    #[test]
    fn not_a_backup() {
        assert_eq!(import_err(b"", b"pw"), CryptoError::NotABackup);
        assert_eq!(import_err(b"LEMONBA", b"pw"), CryptoError::NotABackup);
        let mut file = backup();
        file[0] = b'X';
        assert_eq!(import_err(&file, b"pw"), CryptoError::NotABackup);
    }

    #[test]
    fn unknown_version() {
        let mut file = backup();
        file[8] = 2;
        assert_eq!(
            import_err(&file, b"correct horse"),
            CryptoError::UnsupportedBackupVersion
        );
    }

    #[test]
    fn bad_parameters_in_file() {
        let file = backup();
        let mut unknown_kdf = file.clone();
        unknown_kdf[9] = 2;
        let mut huge_memory = file.clone();
        huge_memory[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut zero_iterations = file.clone();
        zero_iterations[14..18].copy_from_slice(&0u32.to_be_bytes());
        let mut trailing = file.clone();
        trailing.push(0);
        for bad in [unknown_kdf, huge_memory, zero_iterations, trailing] {
            assert_eq!(
                import_err(&bad, b"correct horse"),
                CryptoError::InvalidBackupParameters
            );
        }
    }

    #[test]
    fn export_checks_its_inputs() {
        assert_eq!(
            export(&SECRET[..31], b"", b"pw", FAST).err(),
            Some(CryptoError::InvalidKey)
        );
        assert_eq!(
            export(&SECRET, &[0u8; MAX_METADATA_LENGTH + 1], b"pw", FAST).err(),
            Some(CryptoError::InvalidBackupParameters)
        );
        let too_costly = KdfParams {
            iterations: 17,
            ..FAST
        };
        assert_eq!(
            export(&SECRET, b"", b"pw", too_costly).err(),
            Some(CryptoError::InvalidBackupParameters)
        );
        let too_little_memory = KdfParams {
            memory_kib: 4,
            ..FAST
        };
        assert_eq!(
            export(&SECRET, b"", b"pw", too_little_memory).err(),
            Some(CryptoError::InvalidBackupParameters)
        );
    }

    #[test]
    fn defaults_are_64_mib_3_iterations_1_lane() {
        assert_eq!(
            KdfParams::default(),
            KdfParams {
                memory_kib: 65536,
                iterations: 3,
                parallelism: 1
            }
        );
    }
}
