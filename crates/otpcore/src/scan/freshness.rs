//! [`Freshness`]: which steps of a window may still be accepted, from the
//! caller's `last_used` (public) alone.

/// Which steps were not used yet (`step > last_used`): public, from the
/// caller's `last_used` alone. The fresh steps of a window are its newest (a
/// suffix), so this is one threshold.
#[derive(Clone, Copy)]
pub(super) struct Freshness {
    /// `last_used + 1`, the oldest step that may be accepted (0 with no
    /// `last_used`)…
    from: u64,
    /// …or 1 if that is past `u64::MAX` (`last_used == u64::MAX`): none may.
    none: u8,
}

impl Freshness {
    /// Written as arithmetic rather than a `match` (all of it public): a branch
    /// on whether there is a `last_used` made `None` and `Some` differ in time
    /// (dudect `diag_wrong_vs_replayed` |t| 11–15 where it is otherwise ~3).
    #[inline]
    pub(super) fn of(last_used: Option<u64>) -> Self {
        // `step > used` is `step >= used + 1`; with no `last_used`, `step >= 0`.
        let (from, none) = last_used
            .unwrap_or(0)
            .overflowing_add(u64::from(last_used.is_some()));
        Freshness {
            from,
            none: u8::from(none),
        }
    }

    /// 1 if `step` may be accepted, else 0, without a branch (`step` is the
    /// secret-derived matching step).
    ///
    /// # Security
    /// `step < from` is the borrow of a subtraction: on x86-64 a `cmp` and a
    /// `setb` into a byte, no branch; the byte is then only combined with
    /// other bytes and goes through the barrier of `opaque` in `Scan::finish`.
    /// `scripts/ct-branches.py` checks the machine code; the dudect pairs
    /// with a `last_used` (`otpcore_wrong_vs_replayed`,
    /// `otpcore_resync_wrong_vs_replayed`) time it.
    #[inline]
    pub(super) fn admits(self, step: u64) -> u8 {
        let (_, stale) = step.overflowing_sub(self.from);
        (u8::from(stale) | self.none) ^ 1
    }
}
