//! What a batch is made of: [`GenerateRequest`], [`VerifyRequest`], and
//! [`BatchError`] for a batch refused as a whole.

use core::fmt;

use crate::format::Format;
use crate::mac::KeyedMac;
use crate::scan::{scan, Scan};
use crate::{Algorithm, Code, Digits, Hotp, Match, Steam, TimeError, Totp, VerifyError, Window};

/// Why a batch was refused before anything was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchError {
    /// The result slice is not as long as the request slice.
    LengthMismatch {
        /// Number of requests.
        requests: usize,
        /// Number of result slots.
        results: usize,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::LengthMismatch { requests, results } => {
                write!(f, "{requests} requests but {results} result slots")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BatchError {}

/// One code to generate in [`generate_batch`](crate::generate_batch).
#[derive(Clone, Copy)]
pub struct GenerateRequest<'a> {
    pub(super) mac: &'a KeyedMac,
    /// `mac`'s hash function, copied here so a batch sorts its requests into
    /// passes without reading every key.
    pub(super) algorithm: Algorithm,
    /// Generated codes are decimal: [`generate_batch`](crate::generate_batch)
    /// returns [`Code`]s.
    pub(super) digits: Digits,
    pub(super) step: Result<u64, TimeError>,
}

impl<'a> GenerateRequest<'a> {
    /// The HOTP code for `counter`, as [`Hotp::generate`].
    #[must_use]
    pub fn hotp(hotp: &'a Hotp, counter: u64) -> Self {
        GenerateRequest {
            mac: hotp.keyed_mac(),
            algorithm: hotp.keyed_mac().algorithm(),
            digits: hotp.config().digits,
            step: Ok(counter),
        }
    }

    /// The TOTP code at unix time `at`, as [`Totp::generate_at`]; a time before
    /// `t0` yields [`TimeError::BeforeT0`] in its result slot.
    #[must_use]
    pub fn totp(totp: &'a Totp, at: u64) -> Self {
        GenerateRequest {
            mac: totp.keyed_mac(),
            algorithm: totp.keyed_mac().algorithm(),
            digits: totp.config().digits,
            step: totp.step_at(at),
        }
    }

    /// The code of `digits` digits for `counter` on any key: the batch's
    /// calibration (`calibrate`) makes up its own.
    #[cfg(all(feature = "std", not(miri)))]
    pub(super) fn made_up(mac: &'a KeyedMac, digits: Digits, counter: u64) -> Self {
        GenerateRequest {
            mac,
            algorithm: mac.algorithm(),
            digits,
            step: Ok(counter),
        }
    }
}

impl GenerateRequest<'_> {
    /// The code alone, as the single call computes it.
    #[inline]
    pub(super) fn generate_alone(&self) -> Result<Code, TimeError> {
        let step = self.step?;
        let value = self.mac.truncated(step);
        Ok(Code::new(self.digits.reduce(value), self.digits))
    }
}

impl fmt::Debug for GenerateRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateRequest")
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// One code to check in [`verify_batch`](crate::verify_batch).
#[derive(Clone, Copy)]
pub struct VerifyRequest<'a> {
    pub(super) mac: &'a KeyedMac,
    /// `mac`'s hash function, copied here so a batch sorts its requests into
    /// passes without reading every key.
    pub(super) algorithm: Algorithm,
    /// How `input` is written and how candidates are reduced to compare with it.
    pub(super) format: &'a Format,
    input: &'a str,
    expected: Result<u64, TimeError>,
    window: Window,
    last_used: Option<u64>,
}

impl<'a> VerifyRequest<'a> {
    /// As [`Hotp::verify`]`(input, counter, window, last_used)`.
    ///
    /// # Errors
    /// None here: [`verify_batch`](crate::verify_batch) writes the outcome into
    /// this request's result slot, with the errors of [`Hotp::verify`].
    #[must_use]
    pub fn hotp(
        hotp: &'a Hotp,
        input: &'a str,
        counter: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Self {
        VerifyRequest {
            mac: hotp.keyed_mac(),
            algorithm: hotp.keyed_mac().algorithm(),
            format: hotp.format(),
            input,
            expected: Ok(counter),
            window,
            last_used,
        }
    }

    /// As [`Totp::verify_at`]`(input, at, window, last_used)`.
    ///
    /// # Errors
    /// None here: [`verify_batch`](crate::verify_batch) writes the outcome into
    /// this request's result slot, with the errors of [`Totp::verify_at`] (a
    /// time before `t0` is [`VerifyError::Time`] there).
    #[must_use]
    pub fn totp(
        totp: &'a Totp,
        input: &'a str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Self {
        VerifyRequest {
            mac: totp.keyed_mac(),
            algorithm: totp.keyed_mac().algorithm(),
            format: totp.format(),
            input,
            expected: totp.step_at(at),
            window,
            last_used,
        }
    }

    /// As [`Steam::verify_at`]`(input, at, window, last_used)`. Steam is
    /// HMAC-SHA-1, so its candidates share groups of lanes with SHA-1 TOTP and
    /// HOTP requests in the same batch.
    ///
    /// # Errors
    /// None here: [`verify_batch`](crate::verify_batch) writes the outcome into
    /// this request's result slot, with the errors of [`Steam::verify_at`] (a
    /// decimal code is [`VerifyError::Malformed`] there).
    #[must_use]
    pub fn steam(
        steam: &'a Steam,
        input: &'a str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Self {
        // A `Steam` is a SHA-1 `Totp` whose codes are in Steam's format.
        VerifyRequest {
            format: &Format::STEAM,
            ..VerifyRequest::totp(steam.totp(), input, at, window, last_used)
        }
    }

    /// A request for `input` at step `expected`, with no `last_used`, on any
    /// key: the batch's calibration (`calibrate`) makes up its own.
    #[cfg(all(feature = "std", not(miri)))]
    pub(super) fn made_up(
        mac: &'a KeyedMac,
        format: &'a Format,
        input: &'a str,
        expected: u64,
        window: Window,
    ) -> Self {
        VerifyRequest {
            mac,
            algorithm: mac.algorithm(),
            format,
            input,
            expected: Ok(expected),
            window,
            last_used: None,
        }
    }

    /// The request's scan, or its refusal when the time has no step, the window
    /// is too large or the input is malformed (public facts, decided before any
    /// HMAC).
    ///
    /// # Errors
    /// As [`Scan::start`], and [`VerifyError::Time`].
    pub(super) fn start(&self) -> Result<Scan, VerifyError> {
        let expected = self.expected?;
        let format = self.format;
        Scan::start(
            self.input,
            |text| format.parse(text),
            expected,
            self.window,
            self.last_used,
        )
    }
}

impl VerifyRequest<'_> {
    /// The number of candidate steps the window asks for (0 if it is too large:
    /// such a request is refused before any HMAC). Public: the window's size.
    pub(super) fn candidates(&self) -> usize {
        self.window
            .candidates()
            .and_then(|c| usize::try_from(c).ok())
            .unwrap_or(0)
    }

    /// The outcome alone, as the single call computes it.
    ///
    /// # Errors
    /// As [`VerifyRequest::start`], and [`VerifyError::Mismatch`] /
    /// [`VerifyError::Replayed`] from the scan.
    #[inline]
    pub(super) fn verify_alone(&self) -> Result<Match, VerifyError> {
        // The single call's own function, not an inlined copy of it: a batch
        // that makes single calls runs the code `Totp::verify_at` runs.
        scan(
            self.mac,
            self.format,
            self.input,
            self.expected?,
            self.window,
            self.last_used,
        )
    }
}

impl fmt::Debug for VerifyRequest<'_> {
    /// Leaves out the code the user typed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("expected", &self.expected)
            .field("window", &self.window)
            .field("last_used", &self.last_used)
            .finish_non_exhaustive()
    }
}

/// Refuses a batch whose result slice does not match its requests.
///
/// # Errors
/// [`BatchError::LengthMismatch`] if `requests != results`.
pub(super) fn check_lengths(requests: usize, results: usize) -> Result<(), BatchError> {
    if requests == results {
        Ok(())
    } else {
        Err(BatchError::LengthMismatch { requests, results })
    }
}
