//! The SFrame header (RFC 9605 §4.3): a config byte `X|KKK|Y|CCC`, then the KID and the CTR.
//!
//! A value from 0 to 7 lives in the config byte itself (flag 0); a larger one follows the config
//! byte as a big-endian integer of the fewest bytes that hold it (flag 1, the 3-bit field is the
//! length minus one). The KID comes before the CTR.

use crate::error::CryptoError;

/// Longest possible header: the config byte plus an 8-byte KID and an 8-byte CTR.
pub const MAX_HEADER_LENGTH: usize = 17;

/// The two values an SFrame header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Key ID: selects the base key.
    pub kid: u64,
    /// Counter: with the salt of the key, forms the nonce.
    pub ctr: u64,
}

/// Bytes needed for `value` in the compact big-endian form (at least one).
fn encoded_len(value: u64) -> usize {
    let bits = 64 - value.leading_zeros() as usize;
    bits.div_ceil(8).max(1)
}

/// The 4-bit half of the config byte for `value` (flag and 3-bit field), and the extra bytes.
fn encode_field(value: u64, out: &mut Vec<u8>) -> u8 {
    if value < 8 {
        return value as u8;
    }
    let len = encoded_len(value);
    out.extend_from_slice(&value.to_be_bytes()[8 - len..]);
    0b1000 | (len as u8 - 1)
}

/// Reads one field from its 4-bit half of the config byte and the bytes at `rest`; returns the
/// value and how many bytes of `rest` it used. Refuses truncated and non-minimal encodings, so
/// every (KID, CTR) has exactly one header.
fn decode_field(nibble: u8, rest: &[u8]) -> Result<(u64, usize), CryptoError> {
    if nibble & 0b1000 == 0 {
        return Ok((u64::from(nibble & 0b0111), 0));
    }
    let len = usize::from(nibble & 0b0111) + 1;
    let bytes = rest.get(..len).ok_or(CryptoError::SframeMalformedHeader)?;
    let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if value < 8 || encoded_len(value) != len {
        return Err(CryptoError::SframeMalformedHeader);
    }
    Ok((value, len))
}

impl Header {
    /// Appends the encoded header to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.push(0);
        let k = encode_field(self.kid, out);
        let c = encode_field(self.ctr, out);
        out[start] = (k << 4) | c;
    }

    /// The encoded header.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAX_HEADER_LENGTH);
        self.encode_into(&mut out);
        out
    }

    /// Parses the header at the start of `frame`; returns it and its length in bytes.
    /// `SFRAME_MALFORMED_HEADER` if `frame` is empty, too short for the lengths its config byte
    /// announces, or uses more bytes than a value needs.
    pub fn decode(frame: &[u8]) -> Result<(Header, usize), CryptoError> {
        let (&config, rest) = frame
            .split_first()
            .ok_or(CryptoError::SframeMalformedHeader)?;
        let (kid, kid_len) = decode_field(config >> 4, rest)?;
        let (ctr, ctr_len) = decode_field(config & 0x0f, &rest[kid_len..])?;
        Ok((Header { kid, ctr }, 1 + kid_len + ctr_len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sframe::test_util::hex;

    /// RFC 9605 Appendix C.1: every (kid, ctr, header) case.
    const RFC_VECTORS: &str = include_str!("../../testdata/sframe-rfc9605-header.txt");

    fn rfc_vectors() -> Vec<(u64, u64, Vec<u8>)> {
        RFC_VECTORS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (
                    u64::from_str_radix(f[0], 16).unwrap(),
                    u64::from_str_radix(f[1], 16).unwrap(),
                    hex(f[2]),
                )
            })
            .collect()
    }

    #[test]
    fn rfc9605_header_vectors_encode() {
        let vectors = rfc_vectors();
        assert_eq!(vectors.len(), 289);
        for (kid, ctr, header) in vectors {
            assert_eq!(
                Header { kid, ctr }.encode(),
                header,
                "kid {kid:#x} ctr {ctr:#x}"
            );
        }
    }

    #[test]
    fn rfc9605_header_vectors_decode() {
        for (kid, ctr, header) in rfc_vectors() {
            assert_eq!(
                Header::decode(&header),
                Ok((Header { kid, ctr }, header.len()))
            );
            // Trailing ciphertext is not part of the header.
            let mut frame = header.clone();
            frame.extend_from_slice(&[0xaa; 20]);
            assert_eq!(
                Header::decode(&frame),
                Ok((Header { kid, ctr }, header.len()))
            );
        }
    }

    #[test]
    fn truncated_headers_are_refused() {
        for (_, _, header) in rfc_vectors() {
            for cut in 0..header.len() {
                assert_eq!(
                    Header::decode(&header[..cut]),
                    Err(CryptoError::SframeMalformedHeader)
                );
            }
        }
    }

    #[test]
    fn non_minimal_encodings_are_refused() {
        // KID 5 in one extra byte; CTR 0x10 in two bytes; KID 0x0100 with a leading zero byte.
        for bad in [
            &[0x80, 0x05][..],
            &[0x09, 0x00, 0x10],
            &[0xa0, 0x00, 0x01, 0x00],
        ] {
            assert_eq!(Header::decode(bad), Err(CryptoError::SframeMalformedHeader));
        }
    }

    #[test]
    fn largest_values_round_trip() {
        let h = Header {
            kid: u64::MAX,
            ctr: u64::MAX,
        };
        let bytes = h.encode();
        assert_eq!(bytes.len(), MAX_HEADER_LENGTH);
        assert_eq!(bytes[0], 0xff);
        assert_eq!(Header::decode(&bytes), Ok((h, MAX_HEADER_LENGTH)));
    }
}
