//! SFrame keys from MLS (RFC 9605 §5.2) for one voice session.
//!
//! Per epoch the caller hands in `base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)`.
//! Every member derives its sending key and salt from that one base key and its own KID; the
//! KID differs per member, so the keys do (§4.4.2 puts the KID into the HKDF labels).
//!
//! KID layout (§5.2, Figure 8) with context 0 and E = [`EPOCH_BITS`] = 4:
//! `KID = (leaf_index << 4) | (epoch mod 16)`. With context 0 the S bits of the figure need not
//! be known: everything above the epoch bits is the sender's leaf index.

use std::collections::HashMap;

use zeroize::Zeroizing;

use super::cipher::{CipherSuite, FrameKey};
use super::header::Header;
use super::replay::ReplayWindow;
use crate::error::CryptoError;

/// E of §5.2: how many low-order epoch bits the KID carries. At most 2^E epochs can be told
/// apart at once; setting an epoch drops a kept one with the same low bits (§5.2's MUST).
pub const EPOCH_BITS: u32 = 4;
const EPOCH_MASK: u64 = (1 << EPOCH_BITS) - 1;

/// Highest CTR a sender uses (2^53 - 1, so counters stay exact as JavaScript numbers); after it
/// the sending key is exhausted until the next epoch. At 50 frames per second that is millions
/// of years, so in practice a new MLS epoch always comes first.
pub const MAX_COUNTER: u64 = (1 << 53) - 1;

/// The KID of `leaf_index`'s sending key in `epoch`.
pub const fn kid_for(leaf_index: u32, epoch: u64) -> u64 {
    ((leaf_index as u64) << EPOCH_BITS) | (epoch & EPOCH_MASK)
}

/// A decrypted frame and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    /// The plaintext (the encoded media frame).
    pub payload: Vec<u8>,
    /// The sender's MLS leaf index, from the KID. SFrame does not authenticate senders
    /// individually (RFC 9605 §7.2): any member of the epoch could have made the frame.
    pub sender_leaf_index: u32,
    /// The full MLS epoch the frame was encrypted in.
    pub epoch: u64,
    /// The frame's CTR.
    pub counter: u64,
}

struct Receiver {
    key: FrameKey,
    window: ReplayWindow,
}

struct EpochKeys {
    epoch: u64,
    base_key: Zeroizing<Vec<u8>>,
    own_leaf_index: u32,
    /// Senders seen in this epoch (only after a frame of theirs authenticated).
    receivers: HashMap<u32, Receiver>,
}

struct Sender {
    key: FrameKey,
    next_counter: u64,
}

/// The SFrame state of one member in one voice session: its sending key for the current epoch,
/// and the base keys of the current and not yet retired epochs for receiving. Sans-IO and
/// without clocks: the caller says when old epochs go (`retire_before`).
pub struct SframeContext {
    suite: CipherSuite,
    /// Oldest first; the last one is the current epoch.
    epochs: Vec<EpochKeys>,
    sender: Option<Sender>,
    max_counter: u64,
}

impl SframeContext {
    /// An empty context; `set_epoch` before encrypting or decrypting.
    pub fn new(suite: CipherSuite) -> Self {
        Self {
            suite,
            epochs: Vec::new(),
            sender: None,
            max_counter: MAX_COUNTER,
        }
    }

    /// The cipher suite.
    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// The current epoch, if one was set.
    pub fn current_epoch(&self) -> Option<u64> {
        self.epochs.last().map(|e| e.epoch)
    }

    /// The epochs whose frames still decrypt, oldest first.
    pub fn kept_epochs(&self) -> Vec<u64> {
        self.epochs.iter().map(|e| e.epoch).collect()
    }

    /// Enters `epoch`: `epoch_secret` is the MLS exporter output of §5.2 (AEAD.Nk bytes) and
    /// `own_leaf_index` this member's leaf index in that epoch. From now on frames are sent
    /// under the new key with counters from 0. Earlier epochs stay for receiving until retired,
    /// except one with the same low [`EPOCH_BITS`] bits, which is dropped.
    ///
    /// `SFRAME_INVALID_ARGUMENT` for a secret of the wrong length or an epoch not newer than the
    /// current one (entering an epoch twice would reuse counters under the same key).
    pub fn set_epoch(
        &mut self,
        epoch: u64,
        epoch_secret: &[u8],
        own_leaf_index: u32,
    ) -> Result<(), CryptoError> {
        if epoch_secret.len() != self.suite.key_length() {
            return Err(CryptoError::SframeInvalidArgument);
        }
        if self.current_epoch().is_some_and(|current| epoch <= current) {
            return Err(CryptoError::SframeInvalidArgument);
        }
        self.epochs
            .retain(|kept| kept.epoch & EPOCH_MASK != epoch & EPOCH_MASK);
        let base_key = Zeroizing::new(epoch_secret.to_vec());
        self.sender = Some(Sender {
            key: FrameKey::derive(self.suite, kid_for(own_leaf_index, epoch), &base_key),
            next_counter: 0,
        });
        self.epochs.push(EpochKeys {
            epoch,
            base_key,
            own_leaf_index,
            receivers: HashMap::new(),
        });
        Ok(())
    }

    /// Forgets the keys of every epoch older than `epoch` (never the current one): their
    /// frames then fail with `SFRAME_UNKNOWN_KEY`.
    pub fn retire_before(&mut self, epoch: u64) {
        let current = self.current_epoch();
        self.epochs
            .retain(|kept| kept.epoch >= epoch || Some(kept.epoch) == current);
    }

    /// Encrypts one frame under this member's key of the current epoch: header || ciphertext.
    /// `metadata` is authenticated but not carried (the receiver passes the same bytes).
    /// `SFRAME_INVALID_STATE` before `set_epoch`; `SFRAME_COUNTER_EXHAUSTED` after
    /// [`MAX_COUNTER`] frames in one epoch.
    pub fn encrypt(&mut self, payload: &[u8], metadata: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let sender = self
            .sender
            .as_mut()
            .ok_or(CryptoError::SframeInvalidState)?;
        let ctr = sender.next_counter;
        if ctr > self.max_counter {
            return Err(CryptoError::SframeCounterExhausted);
        }
        sender.next_counter = ctr + 1;
        Ok(sender.key.encrypt(ctr, metadata, payload))
    }

    /// Decrypts one frame of another member.
    ///
    /// - `SFRAME_MALFORMED_HEADER`: the header does not parse, or its counter is above
    ///   [`MAX_COUNTER`];
    /// - `SFRAME_UNKNOWN_KEY`: no kept epoch has the KID's epoch bits (not entered yet, retired,
    ///   or a removed member that never got the epoch), or the KID is this member's own
    ///   (sending keys never decrypt, RFC 9605 §4.4.1);
    /// - `SFRAME_REPLAY`: the counter was already accepted from that sender in that epoch, or
    ///   is more than the replay window (128) below the highest one accepted;
    /// - `SFRAME_AUTHENTICATION_FAILED`: the AEAD refuses (modified header, ciphertext or
    ///   metadata, or a key the sender did not have).
    pub fn decrypt(&mut self, frame: &[u8], metadata: &[u8]) -> Result<Decrypted, CryptoError> {
        let (header, header_len) = Header::decode(frame)?;
        if header.ctr > MAX_COUNTER {
            return Err(CryptoError::SframeMalformedHeader);
        }
        let sender =
            u32::try_from(header.kid >> EPOCH_BITS).map_err(|_| CryptoError::SframeUnknownKey)?;
        let suite = self.suite;
        let keys = self
            .epochs
            .iter_mut()
            .find(|kept| kept.epoch & EPOCH_MASK == header.kid & EPOCH_MASK)
            .ok_or(CryptoError::SframeUnknownKey)?;
        if sender == keys.own_leaf_index {
            return Err(CryptoError::SframeUnknownKey);
        }
        let (aad, ciphertext) = frame.split_at(header_len);
        let epoch = keys.epoch;
        let payload = match keys.receivers.get_mut(&sender) {
            Some(receiver) => {
                if !receiver.window.check(header.ctr) {
                    return Err(CryptoError::SframeReplay);
                }
                let payload = receiver
                    .key
                    .decrypt(aad, header.ctr, metadata, ciphertext)?;
                receiver.window.accept(header.ctr);
                payload
            }
            None => {
                // Derive on demand; keep the key only once a frame authenticated, so forged
                // KIDs cannot fill memory.
                let key = FrameKey::derive(suite, header.kid, &keys.base_key);
                let payload = key.decrypt(aad, header.ctr, metadata, ciphertext)?;
                let mut window = ReplayWindow::default();
                window.accept(header.ctr);
                keys.receivers.insert(sender, Receiver { key, window });
                payload
            }
        };
        Ok(Decrypted {
            payload,
            sender_leaf_index: sender,
            epoch,
            counter: header.ctr,
        })
    }

    #[cfg(test)]
    fn set_max_counter(&mut self, max: u64) {
        self.max_counter = max;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUITE: CipherSuite = CipherSuite::Aes128GcmSha256_128;

    fn secret(byte: u8) -> [u8; 16] {
        [byte; 16]
    }

    fn pair(epoch: u64) -> (SframeContext, SframeContext) {
        let mut alice = SframeContext::new(SUITE);
        let mut bob = SframeContext::new(SUITE);
        alice.set_epoch(epoch, &secret(1), 0).unwrap();
        bob.set_epoch(epoch, &secret(1), 1).unwrap();
        (alice, bob)
    }

    #[test]
    fn kid_layout_matches_rfc_figure_9() {
        // Figure 9 of RFC 9605 (E = 4, context 0).
        assert_eq!(kid_for(3, 14), 0x3e);
        assert_eq!(kid_for(7, 14), 0x7e);
        assert_eq!(kid_for(20, 14), 0x14e);
        assert_eq!(kid_for(3, 15), 0x3f);
        assert_eq!(kid_for(5, 15), 0x5f);
        assert_eq!(kid_for(33, 17), 0x211);
        assert_eq!(kid_for(51, 17), 0x331);
    }

    #[test]
    fn round_trip_and_header() {
        let (mut alice, mut bob) = pair(0x23);
        for i in 0..20u64 {
            let frame = alice.encrypt(b"opus frame", b"meta").unwrap();
            let (header, _) = Header::decode(&frame).unwrap();
            assert_eq!(
                header,
                Header {
                    kid: kid_for(0, 0x23),
                    ctr: i
                }
            );
            let got = bob.decrypt(&frame, b"meta").unwrap();
            assert_eq!(
                got,
                Decrypted {
                    payload: b"opus frame".to_vec(),
                    sender_leaf_index: 0,
                    epoch: 0x23,
                    counter: i
                }
            );
        }
        // Bob to Alice as well; nobody decrypts their own frames.
        let frame = bob.encrypt(b"x", b"").unwrap();
        assert_eq!(alice.decrypt(&frame, b"").unwrap().sender_leaf_index, 1);
        let own = alice.encrypt(b"x", b"").unwrap();
        assert_eq!(alice.decrypt(&own, b""), Err(CryptoError::SframeUnknownKey));
    }

    #[test]
    fn members_have_distinct_keys() {
        // Same epoch secret, different leaf: different KID and so different key and salt.
        let (mut alice, mut bob) = pair(1);
        let a = alice.encrypt(b"same", b"").unwrap();
        let b = bob.encrypt(b"same", b"").unwrap();
        assert_ne!(a[1..], b[1..]);
    }

    #[test]
    fn errors() {
        let mut fresh = SframeContext::new(SUITE);
        assert_eq!(
            fresh.encrypt(b"x", b""),
            Err(CryptoError::SframeInvalidState)
        );
        assert_eq!(
            fresh.set_epoch(1, &[0; 15], 0),
            Err(CryptoError::SframeInvalidArgument)
        );
        let (mut alice, mut bob) = pair(5);
        assert_eq!(
            alice.set_epoch(5, &secret(2), 0),
            Err(CryptoError::SframeInvalidArgument)
        );
        assert_eq!(
            alice.set_epoch(4, &secret(2), 0),
            Err(CryptoError::SframeInvalidArgument)
        );

        let frame = alice.encrypt(b"hello", b"").unwrap();
        assert_eq!(
            bob.decrypt(&[], b""),
            Err(CryptoError::SframeMalformedHeader)
        );
        assert_eq!(
            bob.decrypt(&[0x80], b""),
            Err(CryptoError::SframeMalformedHeader)
        );
        let mut bad = frame.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            bob.decrypt(&bad, b""),
            Err(CryptoError::SframeAuthenticationFailed)
        );
        assert_eq!(
            bob.decrypt(&frame, b"x"),
            Err(CryptoError::SframeAuthenticationFailed)
        );
        // A KID of another epoch, and a header rewritten to another sender.
        let mut other_epoch = frame.clone();
        other_epoch[0] = 0x06 << 4 | (other_epoch[0] & 0x0f);
        assert_eq!(
            bob.decrypt(&other_epoch, b""),
            Err(CryptoError::SframeUnknownKey)
        );
        let mut other_sender = frame.clone();
        other_sender[0] = 0x80 | (other_sender[0] & 0x0f);
        other_sender.insert(1, 0x25); // leaf 2, epoch 5
        assert_eq!(
            bob.decrypt(&other_sender, b""),
            Err(CryptoError::SframeAuthenticationFailed)
        );
        // Still fine, once; then a replay.
        assert_eq!(bob.decrypt(&frame, b"").unwrap().payload, b"hello");
        assert_eq!(bob.decrypt(&frame, b""), Err(CryptoError::SframeReplay));
    }

    #[test]
    fn counter_exhaustion() {
        let (mut alice, mut bob) = pair(0);
        alice.set_max_counter(2);
        for _ in 0..3 {
            bob.decrypt(&alice.encrypt(b"x", b"").unwrap(), b"")
                .unwrap();
        }
        assert_eq!(
            alice.encrypt(b"x", b""),
            Err(CryptoError::SframeCounterExhausted)
        );
        assert_eq!(
            alice.encrypt(b"x", b""),
            Err(CryptoError::SframeCounterExhausted)
        );
        // A new epoch gives a new key and counters from 0.
        alice.set_epoch(1, &secret(2), 0).unwrap();
        bob.set_epoch(1, &secret(2), 1).unwrap();
        assert_eq!(
            bob.decrypt(&alice.encrypt(b"y", b"").unwrap(), b"")
                .unwrap()
                .counter,
            0
        );
        assert_eq!(MAX_COUNTER, 9_007_199_254_740_991);
    }

    #[test]
    fn epochs_are_kept_until_retired() {
        let (mut alice, mut bob) = pair(7);
        let old = alice.encrypt(b"old", b"").unwrap();
        alice.set_epoch(8, &secret(2), 0).unwrap();
        let new = alice.encrypt(b"new", b"").unwrap();
        // Bob has not processed the commit yet: unknown key (the caller may retry later).
        assert_eq!(bob.decrypt(&new, b""), Err(CryptoError::SframeUnknownKey));
        bob.set_epoch(8, &secret(2), 1).unwrap();
        assert_eq!(bob.kept_epochs(), [7, 8]);
        assert_eq!(bob.decrypt(&new, b"").unwrap().epoch, 8);
        assert_eq!(bob.decrypt(&old, b"").unwrap().epoch, 7);
        bob.retire_before(8);
        bob.retire_before(100); // never the current epoch
        assert_eq!(bob.kept_epochs(), [8]);
        let old2 = {
            let mut again = SframeContext::new(SUITE);
            again.set_epoch(7, &secret(1), 0).unwrap();
            again.encrypt(b"old", b"").unwrap();
            again.encrypt(b"old", b"").unwrap()
        };
        assert_eq!(bob.decrypt(&old2, b""), Err(CryptoError::SframeUnknownKey));
    }

    #[test]
    fn same_low_epoch_bits_replace_the_old_epoch() {
        let mut bob = SframeContext::new(SUITE);
        for epoch in 0..=16 {
            bob.set_epoch(epoch, &secret(epoch as u8), 1).unwrap();
        }
        // Epoch 16 shares its low four bits with epoch 0, which is dropped.
        assert_eq!(bob.kept_epochs(), (1..=16).collect::<Vec<_>>());
        let mut alice = SframeContext::new(SUITE);
        alice.set_epoch(16, &secret(16), 0).unwrap();
        assert_eq!(
            bob.decrypt(&alice.encrypt(b"x", b"").unwrap(), b"")
                .unwrap()
                .epoch,
            16
        );
    }

    #[test]
    fn replay_window_per_sender() {
        let mut alice = SframeContext::new(SUITE);
        let mut carol = SframeContext::new(SUITE);
        let mut bob = SframeContext::new(SUITE);
        alice.set_epoch(3, &secret(9), 0).unwrap();
        carol.set_epoch(3, &secret(9), 2).unwrap();
        bob.set_epoch(3, &secret(9), 1).unwrap();
        let frames: Vec<Vec<u8>> = (0..200)
            .map(|_| alice.encrypt(b"a", b"").unwrap())
            .collect();
        let c0 = carol.encrypt(b"c", b"").unwrap();
        // Out of order inside the window is fine.
        bob.decrypt(&frames[199], b"").unwrap();
        bob.decrypt(&frames[100], b"").unwrap();
        assert_eq!(
            bob.decrypt(&frames[71], b""),
            Err(CryptoError::SframeReplay)
        );
        assert_eq!(
            bob.decrypt(&frames[100], b""),
            Err(CryptoError::SframeReplay)
        );
        // Carol's counter 0 is hers, not Alice's.
        assert_eq!(bob.decrypt(&c0, b"").unwrap().sender_leaf_index, 2);
        // A forged frame does not advance the window.
        let mut forged = alice.encrypt(b"a", b"").unwrap();
        *forged.last_mut().unwrap() ^= 1;
        assert_eq!(
            bob.decrypt(&forged, b""),
            Err(CryptoError::SframeAuthenticationFailed)
        );
        bob.decrypt(&frames[150], b"").unwrap();
    }

    #[test]
    fn aes_256_suite_round_trips() {
        let suite = CipherSuite::Aes256GcmSha512_128;
        let mut alice = SframeContext::new(suite);
        let mut bob = SframeContext::new(suite);
        assert_eq!(
            alice.set_epoch(0, &[1; 16], 0),
            Err(CryptoError::SframeInvalidArgument)
        );
        alice.set_epoch(0, &[1; 32], 0).unwrap();
        bob.set_epoch(0, &[1; 32], 1).unwrap();
        let frame = alice.encrypt(b"hi", b"m").unwrap();
        assert_eq!(bob.decrypt(&frame, b"m").unwrap().payload, b"hi");
    }
}
