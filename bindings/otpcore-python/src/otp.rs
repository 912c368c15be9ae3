//! `Secret`, `Hotp`, `Totp` and `Steam`: handles on otpcore-ffi's objects. Each
//! method is one call into otpcore-ffi.

use std::sync::Arc;

use otpcore_ffi as ffi;
use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::values::{
    window_or_default, Algorithm, CodeDisplay, HotpConfig, Match, SecretPolicy, StepWindow,
    TotpConfig, Window,
};

/// An HOTP/TOTP shared secret, in native memory wiped when the object is released.
/// Printing it shows `Secret(..)`; `==` compares in constant time.
#[pyclass(frozen, eq, module = "otpcore_ffi")]
pub struct Secret(pub(crate) Arc<ffi::Secret>);

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // otpcore-ffi's `==`: constant time in the key bytes.
        *self.0 == *other.0
    }
}

#[pymethods]
impl Secret {
    /// A secret from raw key bytes (at least 16).
    #[staticmethod]
    fn from_bytes(bytes: &[u8]) -> PyResult<Self> {
        ffi::Secret::from_bytes(bytes.to_vec()).or_raise().map(Self)
    }

    /// A secret from raw key bytes under a length policy.
    #[staticmethod]
    fn from_bytes_with_policy(bytes: &[u8], policy: SecretPolicy) -> PyResult<Self> {
        ffi::Secret::from_bytes_with_policy(bytes.to_vec(), policy.into())
            .or_raise()
            .map(Self)
    }

    /// A secret from base32 text as users paste it.
    #[staticmethod]
    fn from_base32(text: &str) -> PyResult<Self> {
        ffi::Secret::from_base32(text.to_owned())
            .or_raise()
            .map(Self)
    }

    /// As `from_base32`, under a length policy.
    #[staticmethod]
    fn from_base32_with_policy(text: &str, policy: SecretPolicy) -> PyResult<Self> {
        ffi::Secret::from_base32_with_policy(text.to_owned(), policy.into())
            .or_raise()
            .map(Self)
    }

    /// A fresh random secret from the OS CSPRNG, as long as the hash output.
    #[staticmethod]
    fn generate(algorithm: Algorithm) -> PyResult<Self> {
        ffi::Secret::generate(algorithm.into()).or_raise().map(Self)
    }

    /// The key length in bytes (not secret).
    fn byte_count(&self) -> u32 {
        self.0.byte_count()
    }

    /// The secret as unpadded upper-case base32. This is the secret: never log it.
    fn expose_base32(&self) -> String {
        self.0.expose_base32()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Counter-based one-time passwords (HOTP, RFC 4226) for one secret.
#[pyclass(frozen, module = "otpcore_ffi")]
pub struct Hotp(pub(crate) Arc<ffi::Hotp>);

#[pymethods]
impl Hotp {
    /// HOTP with SHA-1 and 6 digits.
    #[new]
    fn new(secret: &Secret) -> Self {
        Hotp(ffi::Hotp::new(Arc::clone(&secret.0)))
    }

    /// HOTP with explicit parameters.
    #[staticmethod]
    fn with_config(secret: &Secret, config: &HotpConfig) -> PyResult<Self> {
        ffi::Hotp::with_config(Arc::clone(&secret.0), config.into())
            .or_raise()
            .map(Self)
    }

    /// The parameters.
    fn config(&self) -> HotpConfig {
        self.0.config().into()
    }

    /// The code for `counter`, zero-padded.
    fn generate(&self, counter: u64) -> String {
        self.0.generate(counter)
    }

    /// Checks a code against counters `counter - window.behind ..= counter + window.ahead`,
    /// refusing counters `<= last_used`. Raises `OtpError.Mismatch`, `Replayed`,
    /// `MalformedCode` or `WindowTooLarge`.
    #[pyo3(signature = (code, counter, window, last_used = None))]
    fn verify(
        &self,
        code: &str,
        counter: u64,
        window: PyRef<'_, Window>,
        last_used: Option<u64>,
    ) -> PyResult<Match> {
        self.0
            .verify(code.to_owned(), counter, (&*window).into(), last_used)
            .or_raise()
            .map(Match::from)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Time-based one-time passwords (TOTP, RFC 6238) for one secret.
#[pyclass(frozen, module = "otpcore_ffi")]
pub struct Totp(pub(crate) Arc<ffi::Totp>);

#[pymethods]
impl Totp {
    /// TOTP with SHA-1, 6 digits, 30 s.
    #[new]
    fn new(secret: &Secret) -> Self {
        Totp(ffi::Totp::new(Arc::clone(&secret.0)))
    }

    /// TOTP with explicit parameters.
    #[staticmethod]
    fn with_config(secret: &Secret, config: &TotpConfig) -> PyResult<Self> {
        ffi::Totp::with_config(Arc::clone(&secret.0), config.into())
            .or_raise()
            .map(Self)
    }

    /// The parameters.
    fn config(&self) -> TotpConfig {
        self.0.config().into()
    }

    /// The time step containing Unix time `at`.
    fn step_at(&self, at: u64) -> PyResult<u64> {
        self.0.step_at(at).or_raise()
    }

    /// The code at Unix time `at`, zero-padded.
    fn generate_at(&self, at: u64) -> PyResult<String> {
        self.0.generate_at(at).or_raise()
    }

    /// The code now, by the system clock.
    fn generate_now(&self) -> PyResult<String> {
        self.0.generate_now().or_raise()
    }

    /// Checks a code at Unix time `at` in `window` (default ±1), refusing steps
    /// `<= last_used`. Raises `OtpError.Mismatch`, `Replayed`, `MalformedCode`,
    /// `WindowTooLarge` or `BeforeT0`.
    #[pyo3(signature = (code, at, window = None, last_used = None))]
    fn verify_at(
        &self,
        code: &str,
        at: u64,
        window: Option<PyRef<'_, Window>>,
        last_used: Option<u64>,
    ) -> PyResult<Match> {
        self.0
            .verify_at(code.to_owned(), at, window_or_default(window), last_used)
            .or_raise()
            .map(Match::from)
    }

    /// As `verify_at`, at the current time by the system clock.
    #[pyo3(signature = (code, window = None, last_used = None))]
    fn verify_now(
        &self,
        code: &str,
        window: Option<PyRef<'_, Window>>,
        last_used: Option<u64>,
    ) -> PyResult<Match> {
        self.0
            .verify_now(code.to_owned(), window_or_default(window), last_used)
            .or_raise()
            .map(Match::from)
    }

    /// The step containing `at`, its bounds and the seconds left.
    fn step_window(&self, at: u64) -> PyResult<StepWindow> {
        self.0.step_window(at).or_raise().map(StepWindow::from)
    }

    /// The code at `at` as an app shows it, with its countdown.
    fn display_at(&self, at: u64) -> PyResult<CodeDisplay> {
        self.0.display_at(at).or_raise().map(CodeDisplay::from)
    }

    /// The current code as an app shows it, with its countdown.
    fn display_now(&self) -> PyResult<CodeDisplay> {
        self.0.display_now().or_raise().map(CodeDisplay::from)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Steam Guard codes for one secret (five characters of Steam's alphabet).
#[pyclass(frozen, module = "otpcore_ffi")]
pub struct Steam(pub(crate) Arc<ffi::Steam>);

#[pymethods]
impl Steam {
    /// A Steam Guard generator and verifier for `secret`.
    #[new]
    fn new(secret: &Secret) -> Self {
        Steam(ffi::Steam::new(Arc::clone(&secret.0)))
    }

    /// The code at Unix time `at`.
    fn generate_at(&self, at: u64) -> PyResult<String> {
        self.0.generate_at(at).or_raise()
    }

    /// The code now, by the system clock.
    fn generate_now(&self) -> PyResult<String> {
        self.0.generate_now().or_raise()
    }

    /// The 30-second step containing `at`, its bounds and the seconds left.
    fn step_window(&self, at: u64) -> PyResult<StepWindow> {
        self.0.step_window(at).or_raise().map(StepWindow::from)
    }

    /// Checks a code (any case) at Unix time `at` in `window` (default ±1).
    #[pyo3(signature = (code, at, window = None, last_used = None))]
    fn verify_at(
        &self,
        code: &str,
        at: u64,
        window: Option<PyRef<'_, Window>>,
        last_used: Option<u64>,
    ) -> PyResult<Match> {
        self.0
            .verify_at(code.to_owned(), at, window_or_default(window), last_used)
            .or_raise()
            .map(Match::from)
    }

    /// As `verify_at`, at the current time by the system clock.
    #[pyo3(signature = (code, window = None, last_used = None))]
    fn verify_now(
        &self,
        code: &str,
        window: Option<PyRef<'_, Window>>,
        last_used: Option<u64>,
    ) -> PyResult<Match> {
        self.0
            .verify_now(code.to_owned(), window_or_default(window), last_used)
            .or_raise()
            .map(Match::from)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}
