//! The mock's notion of "now". Expiry is tested by moving this clock, never by sleeping, so it is
//! the wall clock plus an offset that only grows.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) type Timestamp = i64;

/// The largest single step: ten years, far more than any lifetime a fixture allows, and far from
/// overflowing.
pub(crate) const MAX_ADVANCE_SECS: u64 = 10 * 365 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooFar;

#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    pub(crate) fn now(&self) -> Timestamp {
        // A system clock before 1970 is a broken host, not a reason to panic.
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        wall.saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward and returns the new "now". Never backwards: an expired ticket or
    /// token coming back to life is not something any scenario should be able to arrange.
    pub(crate) fn advance(&self, secs: u64) -> Result<Timestamp, TooFar> {
        if secs > MAX_ADVANCE_SECS {
            return Err(TooFar);
        }
        let secs = i64::try_from(secs).map_err(|_| TooFar)?;
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
        Ok(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        let after = clock.advance(3600).unwrap();
        assert!(after - before >= 3600 && after - before < 3700);
        assert_eq!(clock.advance(MAX_ADVANCE_SECS + 1), Err(TooFar));
        assert!(clock.advance(0).unwrap() >= after);
    }
}
