//! [`Hotp`]: RFC 4226 counter-based one-time passwords.

use core::fmt;

use crate::format::Format;
use crate::mac::KeyedMac;
use crate::resync::scan_consecutive;
use crate::scan::scan;
use crate::{Algorithm, Code, Digits, Match, Secret, VerifyError, Window};

/// HOTP parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HotpConfig {
    /// HMAC hash; RFC 4226 specifies SHA-1.
    pub algorithm: Algorithm,
    /// Code length.
    pub digits: Digits,
}

/// An HOTP generator and verifier (RFC 4226) for one secret.
///
/// ```
/// use otpcore::{Hotp, HotpConfig, Secret, Window};
/// let secret = Secret::from_bytes(b"12345678901234567890")?;
/// let hotp = Hotp::new(&secret, HotpConfig::default());
/// assert_eq!(hotp.generate(0).to_string(), "755224"); // RFC 4226 Appendix D
/// let m = hotp.verify("287 082", 0, Window::look_ahead(5), None)?;
/// assert_eq!((m.step, m.offset), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Hotp {
    mac: KeyedMac,
    config: HotpConfig,
    /// `config.digits` as a code format, with its modulus.
    format: Format,
}

impl Hotp {
    /// Keys HMAC once; every later code reuses the keyed state.
    #[must_use]
    pub fn new(secret: &Secret, config: HotpConfig) -> Self {
        Hotp {
            mac: KeyedMac::new(secret, config.algorithm),
            config,
            format: Format::decimal(config.digits),
        }
    }

    /// The format of this HOTP's codes: decimal, `config.digits` long.
    pub(crate) fn format(&self) -> &Format {
        &self.format
    }

    /// The keyed HMAC, for the batch functions.
    pub(crate) fn keyed_mac(&self) -> &KeyedMac {
        &self.mac
    }

    /// The parameters.
    #[must_use]
    pub fn config(&self) -> HotpConfig {
        self.config
    }

    /// The code for `counter`. Never panics; no allocation.
    #[must_use]
    pub fn generate(&self, counter: u64) -> Code {
        Code::new(
            self.config.digits.reduce(self.mac.truncated(counter)),
            self.config.digits,
        )
    }

    /// Checks `input` against the counters in `window` around `counter` (usually
    /// [`Window::look_ahead`]), refusing counters `<= last_used`.
    ///
    /// Counters beyond `u64::MAX` or below 0 do not exist and are not tried.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`], [`VerifyError::Mismatch`],
    /// [`VerifyError::Replayed`], [`VerifyError::WindowTooLarge`].
    ///
    /// # Security
    /// Constant time in the secret and the code: every counter in the window is
    /// computed and compared with `subtle`, without early exit. Persist
    /// `Match::step + 1` as the next counter (RFC 4226 §7.2) before accepting.
    pub fn verify(
        &self,
        input: &str,
        counter: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        scan(&self.mac, &self.format, input, counter, window, last_used)
    }

    /// RFC 4226 §7.4 resynchronisation: finds a counter `c` in `window` around
    /// `counter` (usually a large [`Window::look_ahead`]) such that `first` is the
    /// code for `c` and `second` the code for `c + 1`, with `c > last_used`.
    ///
    /// Returns the match of the **second** code: persist `Match::step` as the last
    /// counter used, so the next expected counter is `Match::step + 1`. Two
    /// consecutive codes make a chance hit in a window of `w` counters about
    /// `w / 10^(2·digits)` likely, which is why the window may be much larger than
    /// the everyday look-ahead.
    ///
    /// # Errors
    /// As [`Hotp::verify`] ([`VerifyError::Replayed`] when the pair matches only
    /// counters at or before `last_used`).
    ///
    /// # Security
    /// Constant time in the secret and the codes: every pair in the window is
    /// computed and compared with `subtle`, without early exit, and the outcome
    /// (accepted, replayed or not, the offset's sign) is decided by the same
    /// branch-free scan as [`Hotp::verify`]. Checked in the release build
    /// (rustc 1.95, x86-64, `objdump -d` of `resync::scan_consecutive`): after the
    /// loop's exit test on the public counter, the tail is a `cmp`/`setb` for
    /// whether the matching pair is above `last_used`, an `sbb` choosing
    /// `Replayed` or `Mismatch`, a `sete` for the `Result`'s tag, and
    /// unconditional stores of tag, error, step and offset: no conditional branch
    /// on the outcome. Measured by the dudect pairs
    /// `otpcore_resync_*` in `ct/src/resync.rs`.
    pub fn verify_consecutive(
        &self,
        first: &str,
        second: &str,
        counter: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        scan_consecutive(
            &self.mac,
            self.config.digits,
            (first, second),
            counter,
            window,
            last_used,
        )
    }
}

impl fmt::Debug for Hotp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hotp")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
