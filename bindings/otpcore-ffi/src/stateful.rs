//! [`StatefulVerifier`]: verification with replay protection and throttling, over
//! an in-memory store ([`otpcore_guard::Guard`] over [`otpcore_guard::store::MemoryStore`])
//! or, with the `stores` feature, a shared Redis or PostgreSQL store (`shared.rs`).

use std::sync::Arc;

use otpcore::VerifyError;
use otpcore_guard::store::{CredentialId, CredentialIdError, MemoryStore, StoreError};
use otpcore_guard::{ConfigError, Guard, GuardConfig, Outcome};

use backend::{on_backend, Backend};

use crate::{Hotp, OtpError, Totp, Window};

/// Verifies codes and remembers, per credential, what it has accepted: each code
/// is accepted once, failures are throttled, and TOTP clock drift is tracked.
///
/// Keep one verifier for the whole app or server and share it: every method may be
/// called from any number of threads at once. When several requests carry the same
/// right code at the same moment, exactly one of them is `Accepted`; the others are
/// `Replayed`.
///
/// A credential is one enrolled secret, named by an id of your choice such as
/// `"user:42:totp"` (1 to 200 printable ASCII characters, no spaces or braces). Pass
/// the matching `Totp`/`Hotp` with every call: the verifier never holds a secret.
/// A TOTP and an HOTP credential must not share an id.
///
/// # Security
/// State lives in this process's memory only. That suits one app or one server
/// process; several servers must share state (the Rust crate's Redis or PostgreSQL
/// store), and HOTP counters must survive restarts. After too many failures a
/// credential is locked until `reset`; call `remove` when it is deleted or
/// re-enrolled with a new secret.
#[derive(uniffi::Object)]
pub struct StatefulVerifier {
    backend: Backend,
}

/// How consecutive failures of one credential are throttled (RFC 4226 §7.3,
/// NIST SP 800-63B §5.2.2).
///
/// With `f` failures since the last success: once `f` reaches `lockout`, every
/// attempt is refused until `reset`; before that, after `freeFailures` failures
/// each attempt must wait `baseDelaySecs · 2^(f − freeFailures)` seconds (at most
/// `maxDelaySecs`) after the previous one. The defaults: 5 free failures, then
/// 1 s, 2 s, 4 s, … up to 15 minutes, and a lockout at 100 failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThrottlePolicy {
    /// Failures after which every attempt is refused until `reset`: 1 to 100.
    #[uniffi(default = 100)]
    pub lockout: u32,
    /// Failures allowed without any delay.
    #[uniffi(default = 5)]
    pub free_failures: u32,
    /// The first back-off delay, in seconds.
    #[uniffi(default = 1)]
    pub base_delay_secs: u64,
    /// The longest back-off delay, in seconds: at most one year.
    #[uniffi(default = 900)]
    pub max_delay_secs: u64,
}

/// What a [`StatefulVerifier`] accepts. Every field has a default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifierConfig {
    /// TOTP steps accepted around the drift-corrected current step. Default ±1.
    #[uniffi(default)]
    pub totp_window: Window,
    /// Largest clock drift remembered per credential, in steps either way (at
    /// most 1000). Default 10: five minutes at 30 s steps.
    #[uniffi(default = 10)]
    pub max_drift: u64,
    /// HOTP counters tried after the expected one (RFC 4226 §7.4). Default 10.
    #[uniffi(default = 10)]
    pub hotp_look_ahead: u64,
    /// Counters searched by `resyncHotp`, which needs two consecutive codes.
    /// Default 100.
    #[uniffi(default = 100)]
    pub hotp_resync_look_ahead: u64,
    /// Steps either side of the current one searched by `resyncTotp`, which
    /// needs two consecutive codes; never more than `maxDrift`. Default 10.
    #[uniffi(default = 10)]
    pub totp_resync_window: u64,
    /// Failure throttling.
    #[uniffi(default)]
    pub throttle: ThrottlePolicy,
}

/// Why a well-formed attempt was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RejectReason {
    /// No step in the window produces the code: a wrong code. It counts as a failure.
    Mismatch,
    /// The input is not a code (wrong length, letters): a typing error. It does not
    /// count as a failure.
    MalformedCode,
    /// The time is earlier than the TOTP configuration's `t0`.
    BeforeT0,
    /// A reason this version of the bindings does not know by name.
    Other,
}

/// The result of a stateful verification. Only `Accepted` lets the user in.
///
/// In Kotlin a sealed class (`when (outcome) { is VerifyOutcome.Accepted -> … }`),
/// in Swift an enum (`case .accepted(let step, let offset)`), in Python a class
/// with one subclass per case (`VerifyOutcome.ACCEPTED`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum VerifyOutcome {
    /// The code is right and had not been used: accept the login.
    Accepted {
        /// The matched TOTP step or HOTP counter.
        step: u64,
        /// Steps from the expected one: for TOTP, negative when the user's clock
        /// is behind the server's.
        offset: i64,
    },
    /// The code is wrong or malformed.
    Rejected {
        /// Why.
        reason: RejectReason,
    },
    /// The code is right but was already used, by an earlier login or by a
    /// concurrent request that won the race (RFC 6238 §5.2). Treat it as a wrong
    /// code; it may mean someone saw the user's code.
    Replayed,
    /// Too many failures: the code was not checked.
    Throttled {
        /// Seconds until the next attempt may be made; `null`/`nil`/`None` while
        /// the credential is locked, until `reset`.
        retry_after_secs: Option<u64>,
    },
    /// The verifier's state could not be read or written, so nothing was accepted.
    StoreUnavailable {
        /// What went wrong; safe to log.
        message: String,
    },
}

/// What a [`StatefulVerifier`] remembers about one credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CredentialState {
    /// The last accepted TOTP step or HOTP counter, if any (an old TOTP step is
    /// forgotten once no window can reach it).
    pub last_step: Option<u64>,
    /// The recorded TOTP clock drift, in steps (0 for HOTP).
    pub drift: i64,
    /// Consecutive failures since the last success.
    pub failures: u32,
}

#[uniffi::export]
impl StatefulVerifier {
    /// A verifier with `config` (by default: TOTP window ±1, drift up to 10 steps,
    /// HOTP look-ahead 10, and the default throttling).
    ///
    /// # Errors
    /// `InvalidConfig` for a window wider than 1000 steps, a drift above 1000 steps,
    /// a lockout outside 1 to 100, or a delay above one year. The default
    /// configuration is valid.
    #[uniffi::constructor(default(config))]
    pub fn new(config: VerifierConfig) -> Result<Arc<Self>, OtpError> {
        Ok(Arc::new(StatefulVerifier {
            backend: Backend::Memory(Guard::new(MemoryStore::new(), config.try_into()?)?),
        }))
    }

    /// Verifies a TOTP code typed for `credentialId` at Unix time `at`.
    ///
    /// The window is centred on the current step plus the drift recorded at the
    /// credential's last success. Spaces or hyphens between digit groups are
    /// accepted (`"287 082"`).
    ///
    /// # Errors
    /// Only `InvalidCredentialId`; every verdict on the code is a `VerifyOutcome`.
    ///
    /// # Security
    /// Constant time in the code. Throttled attempts are refused before any code
    /// is computed.
    pub fn verify_totp(
        &self,
        credential_id: String,
        totp: Arc<Totp>,
        code: String,
        at: u64,
    ) -> Result<VerifyOutcome, OtpError> {
        let id = CredentialId::new(&credential_id)?;
        let totp = &totp.inner;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.verify_totp_blocking(&id, totp, &code, at),
            shared: g.verify_totp(&id, totp, &code, at),
        })
        .into())
    }

    /// As `verifyTotp`, at the current time by the device clock.
    ///
    /// # Errors
    /// `InvalidCredentialId`, or `ClockBeforeUnixEpoch` for a clock set before 1970.
    pub fn verify_totp_now(
        &self,
        credential_id: String,
        totp: Arc<Totp>,
        code: String,
    ) -> Result<VerifyOutcome, OtpError> {
        self.verify_totp(credential_id, totp, code, otpcore::unix_now()?)
    }

    /// Verifies an HOTP code for `credentialId`: tries the counter after the last
    /// accepted one and `hotpLookAhead` more, then remembers the matched counter.
    /// A credential starts at counter 0; use `resyncHotp` for a token that has
    /// moved further. `at` (Unix seconds) is used for throttling only.
    ///
    /// # Errors
    /// Only `InvalidCredentialId`.
    ///
    /// # Security
    /// Constant time in the code. HOTP counters live in memory only: a restart
    /// forgets them and re-enables old codes.
    pub fn verify_hotp(
        &self,
        credential_id: String,
        hotp: Arc<Hotp>,
        code: String,
        at: u64,
    ) -> Result<VerifyOutcome, OtpError> {
        let id = CredentialId::new(&credential_id)?;
        let hotp = &hotp.inner;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.verify_hotp_blocking(&id, hotp, &code, at),
            shared: g.verify_hotp(&id, hotp, &code, at),
        })
        .into())
    }

    /// As `verifyHotp`, with the device clock as the throttling time.
    ///
    /// # Errors
    /// `InvalidCredentialId`, or `ClockBeforeUnixEpoch` for a clock set before 1970.
    pub fn verify_hotp_now(
        &self,
        credential_id: String,
        hotp: Arc<Hotp>,
        code: String,
    ) -> Result<VerifyOutcome, OtpError> {
        self.verify_hotp(credential_id, hotp, code, otpcore::unix_now()?)
    }

    /// RFC 4226 §7.4 resynchronisation: accepts two consecutive codes `first` and
    /// `second` within `hotpResyncLookAhead` counters and moves the counter past
    /// both. `Accepted` reports the counter of `second`.
    ///
    /// # Errors
    /// Only `InvalidCredentialId`.
    pub fn resync_hotp(
        &self,
        credential_id: String,
        hotp: Arc<Hotp>,
        first: String,
        second: String,
        at: u64,
    ) -> Result<VerifyOutcome, OtpError> {
        let id = CredentialId::new(&credential_id)?;
        let hotp = &hotp.inner;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.resync_hotp_blocking(&id, hotp, &first, &second, at),
            shared: g.resync_hotp(&id, hotp, &first, &second, at),
        })
        .into())
    }

    /// RFC 6238 §6 resynchronisation, for a device whose clock is too far off
    /// for `verifyTotp`: accepts two consecutive codes `first` and `second`
    /// (the second is the device's current one) found within
    /// `totpResyncWindow` steps (at most `maxDrift`) of the step of `at`, and
    /// records the device's offset as the credential's drift, so that later
    /// `verifyTotp` calls are centred on the device's clock. `Accepted`
    /// reports the step of `second` and its offset. A failed resync counts as a
    /// failure, like any attempt.
    ///
    /// # Errors
    /// Only `InvalidCredentialId`.
    ///
    /// # Security
    /// Constant time in the codes; the same replay protection and throttling
    /// as `verifyTotp`.
    pub fn resync_totp(
        &self,
        credential_id: String,
        totp: Arc<Totp>,
        first: String,
        second: String,
        at: u64,
    ) -> Result<VerifyOutcome, OtpError> {
        let id = CredentialId::new(&credential_id)?;
        let totp = &totp.inner;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.resync_totp_blocking(&id, totp, &first, &second, at),
            shared: g.resync_totp(&id, totp, &first, &second, at),
        })
        .into())
    }

    /// Lifts back-off and lockout for `credentialId` (for example once the user
    /// proved who they are another way). Used codes stay used.
    ///
    /// # Errors
    /// `InvalidCredentialId`, `StoreUnavailable`.
    pub fn reset(&self, credential_id: String) -> Result<(), OtpError> {
        let id = CredentialId::new(&credential_id)?;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.reset_blocking(&id),
            shared: g.reset(&id),
        })?)
    }

    /// Forgets everything about `credentialId`: call it when the credential is
    /// deleted or re-enrolled with a new secret.
    ///
    /// # Errors
    /// `InvalidCredentialId`, `StoreUnavailable`.
    pub fn remove(&self, credential_id: String) -> Result<(), OtpError> {
        let id = CredentialId::new(&credential_id)?;
        Ok(on_backend!(&self.backend, |g| {
            blocking: g.remove_blocking(&id),
            shared: g.remove(&id),
        })?)
    }

    /// What the verifier remembers about `credentialId`, for inspection.
    ///
    /// # Errors
    /// `InvalidCredentialId`, `StoreUnavailable`.
    pub fn state(&self, credential_id: String) -> Result<CredentialState, OtpError> {
        let id = CredentialId::new(&credential_id)?;
        let s = on_backend!(&self.backend, |g| {
            blocking: g.state_blocking(&id),
            shared: g.state(&id),
        })?;
        Ok(CredentialState {
            last_step: s.last_step,
            drift: s.drift,
            failures: s.failures,
        })
    }

    /// Drops the entries that no longer carry information and returns how many
    /// remain. The verifier also does this by itself as it goes; call it to free
    /// memory after a burst of logins. A used code's record is dropped only once
    /// both `now` and the verifier's own clock are five minutes past the last
    /// moment a window can reach it, so a `now` in the future drops nothing that
    /// could still be replayed (test `test_replay_expiry.py`).
    ///
    /// A verifier over Redis (`withRedis`) has nothing to drop: Redis expires the
    /// entries itself. Over PostgreSQL (`withPostgres`) this deletes the expired
    /// rows. Both return 0.
    ///
    /// # Errors
    /// `StoreUnavailable`.
    pub fn purge_expired(&self, now: u64) -> Result<u64, OtpError> {
        match &self.backend {
            Backend::Memory(g) => {
                let remaining = g.store().purge_expired(now)?;
                Ok(u64::try_from(remaining).unwrap_or(u64::MAX))
            }
            // Redis expires its keys by itself (TTLs); nothing is kept in memory.
            #[cfg(feature = "stores")]
            Backend::Redis(_) => Ok(0),
            #[cfg(feature = "stores")]
            Backend::Postgres(s) => {
                s.runtime.block_on(s.guard.store().purge_expired(now))?;
                Ok(0)
            }
        }
    }
}

impl TryFrom<VerifierConfig> for GuardConfig {
    type Error = OtpError;

    /// The guard's configuration, validated (`InvalidConfig` when out of range).
    fn try_from(config: VerifierConfig) -> Result<Self, OtpError> {
        let throttle = otpcore_guard::ThrottlePolicy::lockout_after(config.throttle.lockout)?
            .with_back_off(
                config.throttle.free_failures,
                config.throttle.base_delay_secs,
                config.throttle.max_delay_secs,
            )?;
        Ok(GuardConfig {
            totp_window: config.totp_window.into(),
            max_drift: config.max_drift,
            hotp_look_ahead: config.hotp_look_ahead,
            hotp_resync_look_ahead: config.hotp_resync_look_ahead,
            totp_resync_window: config.totp_resync_window,
            throttle,
        })
    }
}

impl From<Outcome> for VerifyOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Accepted(m) => VerifyOutcome::Accepted {
                step: m.step,
                offset: m.offset,
            },
            Outcome::Rejected(e) => VerifyOutcome::Rejected {
                reason: match e {
                    VerifyError::Mismatch => RejectReason::Mismatch,
                    VerifyError::Malformed(_) => RejectReason::MalformedCode,
                    VerifyError::Time(otpcore::TimeError::BeforeT0) => RejectReason::BeforeT0,
                    _ => RejectReason::Other,
                },
            },
            Outcome::Replayed => VerifyOutcome::Replayed,
            Outcome::Throttled { retry_after } => VerifyOutcome::Throttled {
                retry_after_secs: retry_after.map(|d| d.as_secs()),
            },
            Outcome::StoreUnavailable(e) => VerifyOutcome::StoreUnavailable {
                message: e.to_string(),
            },
            // `Outcome` is `#[non_exhaustive]`: fail closed on a case added later.
            _ => VerifyOutcome::Rejected {
                reason: RejectReason::Other,
            },
        }
    }
}

impl From<CredentialIdError> for OtpError {
    fn from(e: CredentialIdError) -> Self {
        OtpError::InvalidCredentialId(e)
    }
}

impl From<ConfigError> for OtpError {
    fn from(e: ConfigError) -> Self {
        OtpError::InvalidConfig(e)
    }
}

impl From<StoreError> for OtpError {
    fn from(e: StoreError) -> Self {
        OtpError::StoreUnavailable(e)
    }
}

mod backend;
#[cfg(feature = "stores")]
mod shared;
#[cfg(test)]
mod tests;
