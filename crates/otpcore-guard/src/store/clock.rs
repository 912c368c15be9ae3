//! The clock a [`MemoryStore`](super::MemoryStore) trusts to expire replay
//! records: its own, never a caller's.

use alloc::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Seconds a store keeps a TOTP replay record past its
/// [`Advance::expires_at`](super::Advance::expires_at): it forgets the record
/// only once its own clock (and the time of the call that sweeps, if earlier)
/// reaches `expires_at + EXPIRY_GRACE_SECS`.
///
/// The margin covers verifiers whose clocks run behind the store's by up to
/// five minutes: their windows can still reach a step after the store's clock
/// has passed its `expires_at`.
pub const EXPIRY_GRACE_SECS: u64 = 300;

/// Records whose `expires_at` is at or before the returned value are dead. A
/// caller's time can only lower it (a clock behind sweeps less); it can never
/// raise it past the store's own clock.
pub(crate) fn sweep_bound(caller_now: u64, store_now: u64) -> u64 {
    caller_now.min(store_now).saturating_sub(EXPIRY_GRACE_SECS)
}

/// A [`MemoryStore`](super::MemoryStore)'s clock, in unix seconds.
#[derive(Clone)]
pub(crate) enum Clock {
    /// The system clock, never ahead of where it stood when the store was made
    /// plus the monotonic time elapsed since: a forward step of the wall clock
    /// after that is ignored until the monotonic clock catches up, and a
    /// backward step is honoured (it only sweeps less).
    System { wall_at_start: u64, start: Instant },
    /// A clock injected with [`MemoryStore::with_clock`](super::MemoryStore::with_clock).
    Custom(Arc<dyn Fn() -> u64 + Send + Sync>),
}

impl Clock {
    pub(crate) fn system() -> Self {
        Clock::System {
            wall_at_start: wall_now(),
            start: Instant::now(),
        }
    }

    pub(crate) fn now(&self) -> u64 {
        match self {
            Clock::System {
                wall_at_start,
                start,
            } => wall_now().min(wall_at_start.saturating_add(start.elapsed().as_secs())),
            Clock::Custom(clock) => clock(),
        }
    }
}

/// The wall clock in unix seconds; 0 (which sweeps nothing) before 1970.
fn wall_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_time_never_raises_the_bound_past_the_store_clock() {
        assert_eq!(sweep_bound(u64::MAX, 10_000), 10_000 - EXPIRY_GRACE_SECS);
        assert_eq!(sweep_bound(5_000, 10_000), 5_000 - EXPIRY_GRACE_SECS);
        assert_eq!(sweep_bound(0, 10_000), 0);
    }

    #[test]
    fn the_system_clock_is_never_ahead_of_its_start_plus_elapsed_time() {
        let clock = Clock::System {
            wall_at_start: 1_000,
            start: Instant::now(),
        };
        // The wall clock reads ~2026 but the store started at 1_000: a forward
        // step since the start is ignored.
        assert!(clock.now() < 1_000 + 60);
        assert!(Clock::system().now().abs_diff(wall_now()) <= 1);
    }
}
