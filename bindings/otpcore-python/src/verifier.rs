//! `StatefulVerifier` and its values: otpcore-ffi's verifier (replay protection,
//! throttling, drift), called with the GIL released so other threads run meanwhile.

use std::sync::Arc;

use otpcore_ffi as ffi;
use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::otp::{Hotp, Totp};
use crate::values::Window;

/// How consecutive failures are throttled (defaults: 5 free, 1 s doubling to 15 min,
/// lockout at 100).
#[pyclass(eq, get_all, set_all, module = "otpcore_ffi", from_py_object)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures after which every attempt is refused until `reset`: 1 to 100.
    pub lockout: u32,
    /// Failures allowed without any delay.
    pub free_failures: u32,
    /// The first back-off delay, in seconds.
    pub base_delay_secs: u64,
    /// The longest back-off delay, in seconds.
    pub max_delay_secs: u64,
}

#[pymethods]
impl ThrottlePolicy {
    #[new]
    #[pyo3(signature = (lockout = 100, free_failures = 5, base_delay_secs = 1, max_delay_secs = 900))]
    fn new(lockout: u32, free_failures: u32, base_delay_secs: u64, max_delay_secs: u64) -> Self {
        ThrottlePolicy {
            lockout,
            free_failures,
            base_delay_secs,
            max_delay_secs,
        }
    }

    fn __repr__(&self) -> String {
        format!("{self:?}")
    }
}

/// What a `StatefulVerifier` accepts. Every field has a default.
#[pyclass(eq, get_all, set_all, module = "otpcore_ffi", from_py_object)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierConfig {
    /// TOTP steps accepted around the drift-corrected current step.
    pub totp_window: Window,
    /// Largest clock drift remembered per credential, in steps.
    pub max_drift: u64,
    /// HOTP counters tried after the expected one.
    pub hotp_look_ahead: u64,
    /// Counters searched by `resync_hotp`.
    pub hotp_resync_look_ahead: u64,
    /// Steps searched by `resync_totp`.
    pub totp_resync_window: u64,
    /// Failure throttling.
    pub throttle: ThrottlePolicy,
}

#[pymethods]
impl VerifierConfig {
    #[new]
    #[pyo3(signature = (totp_window = None, max_drift = 10, hotp_look_ahead = 10,
        hotp_resync_look_ahead = 100, totp_resync_window = 10, throttle = None))]
    fn new(
        totp_window: Option<Window>,
        max_drift: u64,
        hotp_look_ahead: u64,
        hotp_resync_look_ahead: u64,
        totp_resync_window: u64,
        throttle: Option<ThrottlePolicy>,
    ) -> Self {
        VerifierConfig {
            totp_window: totp_window.unwrap_or(Window {
                behind: 1,
                ahead: 1,
            }),
            max_drift,
            hotp_look_ahead,
            hotp_resync_look_ahead,
            totp_resync_window,
            throttle: throttle.unwrap_or_else(|| ThrottlePolicy::new(100, 5, 1, 900)),
        }
    }

    fn __repr__(&self) -> String {
        format!("{self:?}")
    }
}

impl From<&VerifierConfig> for ffi::VerifierConfig {
    fn from(c: &VerifierConfig) -> Self {
        ffi::VerifierConfig {
            totp_window: (&c.totp_window).into(),
            max_drift: c.max_drift,
            hotp_look_ahead: c.hotp_look_ahead,
            hotp_resync_look_ahead: c.hotp_resync_look_ahead,
            totp_resync_window: c.totp_resync_window,
            throttle: ffi::ThrottlePolicy {
                lockout: c.throttle.lockout,
                free_failures: c.throttle.free_failures,
                base_delay_secs: c.throttle.base_delay_secs,
                max_delay_secs: c.throttle.max_delay_secs,
            },
        }
    }
}

/// The configuration argument of the constructors: `VerifierConfig()` when omitted.
fn ffi_config(config: Option<PyRef<'_, VerifierConfig>>) -> ffi::VerifierConfig {
    config.map_or_else(
        || ffi::VerifierConfig::from(&VerifierConfig::new(None, 10, 10, 100, 10, None)),
        |c| ffi::VerifierConfig::from(&*c),
    )
}

/// Why a well-formed attempt was rejected.
#[pyclass(eq, eq_int, frozen, hash, module = "otpcore_ffi", from_py_object)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// A wrong code; counts as a failure.
    #[pyo3(name = "MISMATCH")]
    Mismatch,
    /// Not a code (a typing error); not a failure.
    #[pyo3(name = "MALFORMED_CODE")]
    MalformedCode,
    /// The time is earlier than the TOTP configuration's `t0`.
    #[pyo3(name = "BEFORE_T0")]
    BeforeT0,
    /// A reason this version does not know by name.
    #[pyo3(name = "OTHER")]
    Other,
}

/// The result of a stateful verification; only `ACCEPTED` lets the user in.
#[pyclass(eq, frozen, module = "otpcore_ffi")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The code is right and had not been used.
    #[pyo3(name = "ACCEPTED")]
    Accepted {
        /// The matched TOTP step or HOTP counter.
        step: u64,
        /// Steps from the expected one.
        offset: i64,
    },
    /// The code is wrong or malformed.
    #[pyo3(name = "REJECTED")]
    Rejected {
        /// Why.
        reason: RejectReason,
    },
    /// The code is right but was already used.
    #[pyo3(name = "REPLAYED")]
    Replayed {},
    /// Too many failures: the code was not checked.
    #[pyo3(name = "THROTTLED")]
    Throttled {
        /// Seconds until the next attempt; `None` while locked.
        retry_after_secs: Option<u64>,
    },
    /// The verifier's state could not be read or written: nothing was accepted.
    #[pyo3(name = "STORE_UNAVAILABLE")]
    StoreUnavailable {
        /// What went wrong; safe to log.
        message: String,
    },
}

#[pymethods]
impl VerifyOutcome {
    fn __repr__(&self) -> String {
        format!("VerifyOutcome.{self:?}")
    }
}

impl From<ffi::VerifyOutcome> for VerifyOutcome {
    fn from(o: ffi::VerifyOutcome) -> Self {
        match o {
            ffi::VerifyOutcome::Accepted { step, offset } => Self::Accepted { step, offset },
            ffi::VerifyOutcome::Rejected { reason } => Self::Rejected {
                reason: match reason {
                    ffi::RejectReason::Mismatch => RejectReason::Mismatch,
                    ffi::RejectReason::MalformedCode => RejectReason::MalformedCode,
                    ffi::RejectReason::BeforeT0 => RejectReason::BeforeT0,
                    ffi::RejectReason::Other => RejectReason::Other,
                },
            },
            ffi::VerifyOutcome::Replayed => Self::Replayed {},
            ffi::VerifyOutcome::Throttled { retry_after_secs } => {
                Self::Throttled { retry_after_secs }
            }
            ffi::VerifyOutcome::StoreUnavailable { message } => Self::StoreUnavailable { message },
        }
    }
}

/// What a `StatefulVerifier` remembers about one credential.
#[pyclass(eq, get_all, module = "otpcore_ffi")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialState {
    /// The last accepted TOTP step or HOTP counter, if any.
    pub last_step: Option<u64>,
    /// The recorded TOTP clock drift, in steps.
    pub drift: i64,
    /// Consecutive failures since the last success.
    pub failures: u32,
}

/// Verifies codes and remembers what it accepted: each code once, failures
/// throttled, drift tracked. Share one per process between threads.
#[pyclass(frozen, module = "otpcore_ffi")]
pub struct StatefulVerifier(Arc<ffi::StatefulVerifier>);

impl StatefulVerifier {
    /// Runs `call` on the Rust verifier with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        call: impl FnOnce(&ffi::StatefulVerifier) -> Result<T, ffi::OtpError> + Send,
    ) -> PyResult<T> {
        let verifier = Arc::clone(&self.0);
        py.detach(move || call(&verifier)).or_raise()
    }
}

#[pymethods]
impl StatefulVerifier {
    /// A verifier over this process's memory with `config` (default: `VerifierConfig()`).
    #[new]
    #[pyo3(signature = (config = None))]
    fn new(config: Option<PyRef<'_, VerifierConfig>>) -> PyResult<Self> {
        ffi::StatefulVerifier::new(ffi_config(config))
            .or_raise()
            .map(Self)
    }

    /// A verifier whose state is in the Redis server at `url`, shared by every
    /// process using it; `VerifyOutcome.STORE_UNAVAILABLE` while it is down.
    #[staticmethod]
    #[pyo3(signature = (url, config = None))]
    fn with_redis(
        py: Python<'_>,
        url: String,
        config: Option<PyRef<'_, VerifierConfig>>,
    ) -> PyResult<Self> {
        let config = ffi_config(config);
        py.detach(|| ffi::StatefulVerifier::with_redis(url, config))
            .or_raise()
            .map(Self)
    }

    /// A verifier whose state is in the PostgreSQL database at `url`, shared by
    /// every process using it; `VerifyOutcome.STORE_UNAVAILABLE` while it is down.
    #[staticmethod]
    #[pyo3(signature = (url, config = None))]
    fn with_postgres(
        py: Python<'_>,
        url: String,
        config: Option<PyRef<'_, VerifierConfig>>,
    ) -> PyResult<Self> {
        let config = ffi_config(config);
        py.detach(|| ffi::StatefulVerifier::with_postgres(url, config))
            .or_raise()
            .map(Self)
    }

    /// Verifies a TOTP code typed for `credential_id` at Unix time `at`.
    fn verify_totp(
        &self,
        py: Python<'_>,
        credential_id: String,
        totp: &Totp,
        code: String,
        at: u64,
    ) -> PyResult<VerifyOutcome> {
        let totp = Arc::clone(&totp.0);
        self.run(py, |v| v.verify_totp(credential_id, totp, code, at))
            .map(VerifyOutcome::from)
    }

    /// As `verify_totp`, at the current time by the system clock.
    fn verify_totp_now(
        &self,
        py: Python<'_>,
        credential_id: String,
        totp: &Totp,
        code: String,
    ) -> PyResult<VerifyOutcome> {
        let totp = Arc::clone(&totp.0);
        self.run(py, |v| v.verify_totp_now(credential_id, totp, code))
            .map(VerifyOutcome::from)
    }

    /// Verifies an HOTP code for `credential_id`; `at` is for throttling only.
    fn verify_hotp(
        &self,
        py: Python<'_>,
        credential_id: String,
        hotp: &Hotp,
        code: String,
        at: u64,
    ) -> PyResult<VerifyOutcome> {
        let hotp = Arc::clone(&hotp.0);
        self.run(py, |v| v.verify_hotp(credential_id, hotp, code, at))
            .map(VerifyOutcome::from)
    }

    /// As `verify_hotp`, with the system clock as the throttling time.
    fn verify_hotp_now(
        &self,
        py: Python<'_>,
        credential_id: String,
        hotp: &Hotp,
        code: String,
    ) -> PyResult<VerifyOutcome> {
        let hotp = Arc::clone(&hotp.0);
        self.run(py, |v| v.verify_hotp_now(credential_id, hotp, code))
            .map(VerifyOutcome::from)
    }

    /// RFC 4226 §7.4 resynchronisation with two consecutive codes.
    fn resync_hotp(
        &self,
        py: Python<'_>,
        credential_id: String,
        hotp: &Hotp,
        first: String,
        second: String,
        at: u64,
    ) -> PyResult<VerifyOutcome> {
        let hotp = Arc::clone(&hotp.0);
        self.run(py, |v| {
            v.resync_hotp(credential_id, hotp, first, second, at)
        })
        .map(VerifyOutcome::from)
    }

    /// RFC 6238 §6 resynchronisation with two consecutive codes.
    fn resync_totp(
        &self,
        py: Python<'_>,
        credential_id: String,
        totp: &Totp,
        first: String,
        second: String,
        at: u64,
    ) -> PyResult<VerifyOutcome> {
        let totp = Arc::clone(&totp.0);
        self.run(py, |v| {
            v.resync_totp(credential_id, totp, first, second, at)
        })
        .map(VerifyOutcome::from)
    }

    /// Lifts back-off and lockout for `credential_id`.
    fn reset(&self, py: Python<'_>, credential_id: String) -> PyResult<()> {
        self.run(py, |v| v.reset(credential_id))
    }

    /// Forgets everything about `credential_id`.
    fn remove(&self, py: Python<'_>, credential_id: String) -> PyResult<()> {
        self.run(py, |v| v.remove(credential_id))
    }

    /// What the verifier remembers about `credential_id`.
    fn state(&self, py: Python<'_>, credential_id: String) -> PyResult<CredentialState> {
        let s = self.run(py, |v| v.state(credential_id))?;
        Ok(CredentialState {
            last_step: s.last_step,
            drift: s.drift,
            failures: s.failures,
        })
    }

    /// Drops entries that no longer carry information; returns how many remain.
    fn purge_expired(&self, py: Python<'_>, now: u64) -> PyResult<u64> {
        self.run(py, |v| v.purge_expired(now))
    }
}

/// Adds the verifier's classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ThrottlePolicy>()?;
    m.add_class::<VerifierConfig>()?;
    m.add_class::<RejectReason>()?;
    m.add_class::<VerifyOutcome>()?;
    m.add_class::<CredentialState>()?;
    m.add_class::<StatefulVerifier>()
}
