//! What the pages show as authenticator apps show it: the seconds left in the
//! current step (the core's [`Totp::step_window`]) and the manual-entry key in
//! groups of four.

use otpcore::Totp;
use zeroize::Zeroizing;

/// Seconds until the step containing `now` ends (1 to the period): what an
/// authenticator app shows next to a code. `None` before `t0` or where the
/// step's end does not fit in a `u64`.
pub fn seconds_left(totp: &Totp, now: u64) -> Option<u64> {
    totp.step_window(now).ok().map(|w| w.remaining)
}

/// `text` in groups of four separated by spaces (`"JBSW Y3DP EHPK 3PXP"`), as
/// apps show a key for manual entry; the copy is wiped on drop.
pub fn grouped(text: &str) -> Zeroizing<String> {
    // Room for every space up front: a reallocation would leave an unwiped copy.
    let mut out = Zeroizing::new(String::with_capacity(text.len().saturating_mul(5) / 4 + 1));
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use otpcore::{Secret, TotpConfig};

    #[test]
    fn seconds_left_counts_down_to_the_next_step() {
        let totp = Totp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            TotpConfig::default(),
        );
        assert_eq!(seconds_left(&totp, 0), Some(30));
        assert_eq!(seconds_left(&totp, 59), Some(1));
        assert_eq!(seconds_left(&totp, 60), Some(30));
        // The last step is cut short by the end of `u64`; the core saturates, never panics.
        assert_eq!(seconds_left(&totp, u64::MAX), Some(0));
    }

    #[test]
    fn groups_of_four() {
        assert_eq!(grouped("JBSWY3DPEHPK3PXP").as_str(), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(grouped("ABCDE").as_str(), "ABCD E");
        assert_eq!(grouped("").as_str(), "");
    }
}
