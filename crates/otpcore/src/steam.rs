//! [`Steam`]: Steam Guard codes, TOTP (SHA-1, 30 s) shown as five characters of
//! Steam's 26-symbol alphabet instead of decimal digits. A `Steam` is a [`Totp`]
//! whose codes are in [`Format::STEAM`]: the steps, the HMACs and the window scan
//! are the `Totp`'s; only the code format is Steam's (`src/steam_code.rs`).

use core::fmt;

use crate::format::Format;
use crate::{
    Algorithm, Digits, Match, Period, Secret, SteamCode, TimeError, Totp, TotpConfig, VerifyError,
    Window,
};

/// A Steam Guard generator and verifier for one secret: TOTP with HMAC-SHA-1, a
/// 30-second step from the Unix epoch, and [`SteamCode`] output (what pyotp's
/// `contrib.Steam`, steamguard-cli and Aegis compute).
///
/// The secret is Steam's `shared_secret`; it is usually distributed in base64,
/// so decode it and use [`Secret::from_bytes`] (it is 20 bytes).
///
/// ```
/// use otpcore::{Secret, Steam, Window};
/// let secret = Secret::from_bytes(b"12345678901234567890")?;
/// let steam = Steam::new(&secret);
/// let code = steam.generate_at(59)?;
/// assert_eq!(code.to_string(), "PV9M4");
/// let m = steam.verify_at("pv9m4", 59 + 30, Window::default(), None)?;
/// assert_eq!((m.step, m.offset), (1, -1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Steam {
    /// SHA-1, 30 s, `t0 = 0`; its `digits` are unused (codes are
    /// [`Format::STEAM`]).
    totp: Totp,
}

impl Steam {
    /// Steam's fixed time step.
    pub const PERIOD: Period = Period::THIRTY;

    /// Steam's TOTP parameters. `digits` is never used: Steam codes are always
    /// five characters ([`SteamCode::LEN`]).
    const CONFIG: TotpConfig = TotpConfig {
        algorithm: Algorithm::Sha1,
        digits: Digits::SIX,
        period: Self::PERIOD,
        t0: 0,
    };

    /// Keys HMAC-SHA-1 once; every later code reuses the keyed state.
    #[must_use]
    pub fn new(secret: &Secret) -> Self {
        Steam {
            totp: Totp::new(secret, Self::CONFIG),
        }
    }

    /// The underlying TOTP, for the batch functions: it keys the lanes and turns
    /// times into steps.
    pub(crate) fn totp(&self) -> &Totp {
        &self.totp
    }

    /// The time step containing unix time `at`: `at / 30`. Never fails; the
    /// `Result` matches [`Totp::step_at`](crate::Totp::step_at).
    ///
    /// # Errors
    /// None today (Steam's epoch is 0).
    pub fn step_at(&self, at: u64) -> Result<u64, TimeError> {
        self.totp.step_at(at)
    }

    /// The code for time step `step`.
    #[must_use]
    pub fn generate_step(&self, step: u64) -> SteamCode {
        SteamCode::from_truncated(self.totp.keyed_mac().truncated(step))
    }

    /// The code at unix time `at`.
    ///
    /// # Errors
    /// As [`Steam::step_at`].
    pub fn generate_at(&self, at: u64) -> Result<SteamCode, TimeError> {
        Ok(self.generate_step(self.step_at(at)?))
    }

    /// Checks `input` (case-insensitive, see [`SteamCode::parse`]) at unix time
    /// `at` against the steps in `window`, refusing steps `<= last_used`.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`], [`VerifyError::Mismatch`],
    /// [`VerifyError::Replayed`], [`VerifyError::WindowTooLarge`].
    ///
    /// # Security
    /// The same scan as [`Totp::verify_at`](crate::Totp::verify_at): every step
    /// in the window is computed and compared with `subtle`, without early exit;
    /// the comparison is of numeric values, so no secret-derived value is ever
    /// turned into characters. A Steam code has `26^5 ≈ 2^23.5` values (a 6-digit
    /// code has `2^19.9`).
    pub fn verify_at(
        &self,
        input: &str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.totp
            .verify_step_in(&Format::STEAM, input, self.step_at(at)?, window, last_used)
    }

    /// The code now, by the system clock.
    ///
    /// # Errors
    /// [`TimeError::ClockBeforeUnixEpoch`].
    #[cfg(feature = "std")]
    pub fn generate_now(&self) -> Result<SteamCode, TimeError> {
        self.generate_at(crate::unix_now()?)
    }

    /// [`Steam::verify_at`] now, by the system clock.
    ///
    /// # Errors
    /// As [`Steam::verify_at`].
    #[cfg(feature = "std")]
    pub fn verify_now(
        &self,
        input: &str,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, VerifyError> {
        self.verify_at(input, crate::unix_now()?, window, last_used)
    }
}

impl fmt::Debug for Steam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Steam").finish_non_exhaustive()
    }
}
