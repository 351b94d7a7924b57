//! Receiver-side anti-replay (RFC 9605 §9.3 leaves it to the application): a sliding window over
//! the CTR values of one sender key, in the manner of SRTP's (RFC 3711 §3.3.2).

/// How many counters below the highest one seen are still accepted (once each).
pub const REPLAY_WINDOW: u64 = 128;

/// The counters seen for one key: the highest, and a bitmap of the `REPLAY_WINDOW` below and
/// including it (bit i = highest - i was seen).
#[derive(Debug, Default, Clone)]
pub struct ReplayWindow {
    highest: Option<u64>,
    seen: u128,
}

impl ReplayWindow {
    /// Whether `ctr` would be accepted: newer than everything in the window, or inside it and
    /// not seen yet. Changes nothing: call [`accept`](Self::accept) once the frame authenticated.
    pub fn check(&self, ctr: u64) -> bool {
        match self.highest {
            None => true,
            Some(highest) if ctr > highest => true,
            Some(highest) => {
                let age = highest - ctr;
                age < REPLAY_WINDOW && self.seen & (1u128 << age) == 0
            }
        }
    }

    /// Records `ctr` as seen (after [`check`](Self::check) said yes and the frame authenticated).
    pub fn accept(&mut self, ctr: u64) {
        match self.highest {
            Some(highest) if ctr <= highest => {
                let age = highest - ctr;
                if age < REPLAY_WINDOW {
                    self.seen |= 1u128 << age;
                }
            }
            Some(highest) => {
                let shift = ctr - highest;
                self.seen = if shift >= REPLAY_WINDOW {
                    0
                } else {
                    self.seen << shift
                } | 1;
                self.highest = Some(ctr);
            }
            None => {
                self.seen = 1;
                self.highest = Some(ctr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(w: &mut ReplayWindow, ctr: u64) -> bool {
        let ok = w.check(ctr);
        if ok {
            w.accept(ctr);
        }
        ok
    }

    #[test]
    fn in_order_then_replays() {
        let mut w = ReplayWindow::default();
        for ctr in 0..300 {
            assert!(take(&mut w, ctr));
            assert!(!take(&mut w, ctr));
        }
        assert!(!take(&mut w, 0));
    }

    #[test]
    fn reordering_inside_the_window() {
        let mut w = ReplayWindow::default();
        assert!(take(&mut w, 200));
        assert!(take(&mut w, 73)); // age 127: the oldest still accepted
        assert!(!take(&mut w, 72)); // age 128: too old
        assert!(take(&mut w, 150));
        assert!(!take(&mut w, 150));
        assert!(take(&mut w, 201));
        assert!(!take(&mut w, 200));
        assert!(!take(&mut w, 73)); // now age 128
        assert!(take(&mut w, 10_000)); // a jump clears the window
        assert!(!take(&mut w, 201));
        assert!(take(&mut w, 9_999));
    }

    #[test]
    fn first_counter_may_be_anything() {
        let mut w = ReplayWindow::default();
        assert!(take(&mut w, u64::MAX));
        assert!(!take(&mut w, u64::MAX));
        assert!(take(&mut w, u64::MAX - 127));
        assert!(!take(&mut w, u64::MAX - 128));
    }
}
