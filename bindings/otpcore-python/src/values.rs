//! Plain values copied across the boundary: the enums and records of
//! `otpcore_ffi::params` and `otpcore_ffi::display`, with uniffi's Python names.

use otpcore_ffi as ffi;
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::error::OrRaise;

/// Declares a simple enum mirroring an otpcore-ffi one, with `.name`,
/// `Enum["NAME"]` and conversions both ways.
macro_rules! simple_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $py:literal),* $(,)? }) => {
        $(#[$doc])*
        #[pyclass(eq, eq_int, frozen, hash, module = "otpcore_ffi", from_py_object)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[allow(missing_docs)] #[pyo3(name = $py)] $variant,)*
        }

        #[pymethods]
        impl $name {
            /// The member's name, as in `Enum["NAME"]`.
            #[getter]
            fn name(&self) -> &'static str {
                match self { $(Self::$variant => $py,)* }
            }

            /// `Enum["NAME"]`: the member of that name.
            #[classmethod]
            fn __class_getitem__(_cls: &Bound<'_, PyType>, name: &str) -> PyResult<Self> {
                match name {
                    $($py => Ok(Self::$variant),)*
                    _ => Err(PyKeyError::new_err(name.to_owned())),
                }
            }
        }

        impl From<$name> for ffi::$name {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => Self::$variant,)* }
            }
        }

        impl From<ffi::$name> for $name {
            fn from(v: ffi::$name) -> Self {
                match v { $(ffi::$name::$variant => Self::$variant,)* }
            }
        }
    };
}

simple_enum! {
    /// The HMAC hash function (RFC 6238 §1.2).
    Algorithm { Sha1 = "SHA1", Sha256 = "SHA256", Sha512 = "SHA512" }
}

simple_enum! {
    /// How short a secret may be: STRICT (16 bytes, RFC 4226 R6) or LEGACY (10 bytes).
    SecretPolicy { Strict = "STRICT", Legacy = "LEGACY" }
}

/// Declares a record: a class with a keyword constructor (the fields in order, with
/// the given defaults), attributes, `==` and a `Name(field=value, …)` repr.
macro_rules! record {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? } $(signature $sig:tt)?) => {
        $(#[$doc])*
        #[pyclass(eq, get_all, set_all, module = "otpcore_ffi", from_py_object)]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $(#[allow(missing_docs)] pub $field: $ty,)*
        }

        #[pymethods]
        impl $name {
            #[new]
            $(#[pyo3(signature = $sig)])?
            fn new($($field: $ty),*) -> Self {
                Self { $($field),* }
            }

            fn __repr__(&self) -> String {
                let fields: Vec<String> =
                    vec![$(format!(concat!(stringify!($field), "={:?}"), self.$field)),*];
                format!(concat!(stringify!($name), "({})"), fields.join(", "))
            }
        }
    };
}

record! {
    /// Which steps around the expected one a verification accepts (default ±1).
    Window { behind: u64, ahead: u64 } signature (behind = 1, ahead = 1)
}

impl From<&Window> for ffi::Window {
    fn from(w: &Window) -> Self {
        ffi::Window {
            behind: w.behind,
            ahead: w.ahead,
        }
    }
}

impl From<ffi::Window> for Window {
    fn from(w: ffi::Window) -> Self {
        Window {
            behind: w.behind,
            ahead: w.ahead,
        }
    }
}

/// The window argument of the `verify…` calls: the default (±1) when omitted.
pub(crate) fn window_or_default(w: Option<PyRef<'_, Window>>) -> ffi::Window {
    w.map_or_else(ffi::Window::default, |w| ffi::Window::from(&*w))
}

record! {
    /// A successful verification: the matched step and its offset from the expected one.
    Match { step: u64, offset: i64 }
}

impl From<ffi::Match> for Match {
    fn from(m: ffi::Match) -> Self {
        Match {
            step: m.step,
            offset: m.offset,
        }
    }
}

record! {
    /// HOTP (RFC 4226) parameters.
    HotpConfig { algorithm: Algorithm, digits: u32 } signature (algorithm, digits = 6)
}

impl From<&HotpConfig> for ffi::HotpConfig {
    fn from(c: &HotpConfig) -> Self {
        ffi::HotpConfig {
            algorithm: c.algorithm.into(),
            digits: c.digits,
        }
    }
}

impl From<ffi::HotpConfig> for HotpConfig {
    fn from(c: ffi::HotpConfig) -> Self {
        HotpConfig {
            algorithm: c.algorithm.into(),
            digits: c.digits,
        }
    }
}

record! {
    /// TOTP (RFC 6238) parameters.
    TotpConfig { algorithm: Algorithm, digits: u32, period: u64, t0: u64 } signature (algorithm, digits = 6, period = 30, t0 = 0)
}

impl From<&TotpConfig> for ffi::TotpConfig {
    fn from(c: &TotpConfig) -> Self {
        ffi::TotpConfig {
            algorithm: c.algorithm.into(),
            digits: c.digits,
            period: c.period,
            t0: c.t0,
        }
    }
}

impl From<ffi::TotpConfig> for TotpConfig {
    fn from(c: ffi::TotpConfig) -> Self {
        TotpConfig {
            algorithm: c.algorithm.into(),
            digits: c.digits,
            period: c.period,
            t0: c.t0,
        }
    }
}

/// What an otpauth URI describes: `OtpKind.TOTP(period=…)` or `OtpKind.HOTP(counter=…)`.
#[pyclass(eq, frozen, module = "otpcore_ffi", from_py_object)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OtpKind {
    /// Time-based codes.
    #[pyo3(name = "TOTP")]
    Totp {
        /// Seconds per time step.
        period: u64,
    },
    /// Counter-based codes.
    #[pyo3(name = "HOTP")]
    Hotp {
        /// The counter of the next code.
        counter: u64,
    },
    /// Steam Guard codes (five characters): use `KeyUri.to_steam()`.
    #[pyo3(name = "STEAM")]
    Steam {},
}

impl From<ffi::OtpKind> for OtpKind {
    fn from(k: ffi::OtpKind) -> Self {
        match k {
            ffi::OtpKind::Totp { period } => OtpKind::Totp { period },
            ffi::OtpKind::Hotp { counter } => OtpKind::Hotp { counter },
            ffi::OtpKind::Steam => OtpKind::Steam {},
        }
    }
}

record! {
    /// The time step containing a moment, for the countdown next to a code.
    StepWindow { step: u64, valid_from: u64, valid_until: u64, remaining: u64 }
}

impl From<ffi::StepWindow> for StepWindow {
    fn from(w: ffi::StepWindow) -> Self {
        StepWindow {
            step: w.step,
            valid_from: w.valid_from,
            valid_until: w.valid_until,
            remaining: w.remaining,
        }
    }
}

record! {
    /// A TOTP code as an authenticator app shows it, with its countdown.
    CodeDisplay { code: String, grouped: String, window: StepWindow }
}

impl From<ffi::CodeDisplay> for CodeDisplay {
    fn from(d: ffi::CodeDisplay) -> Self {
        CodeDisplay {
            code: d.code,
            grouped: d.grouped,
            window: d.window.into(),
        }
    }
}

/// Groups a code as authenticator apps show it (`"711 725"`, `"9428 7082"`).
///
/// # Errors
/// `OtpError.MalformedCode` unless `code` is 6 to 10 digits.
#[pyfunction]
pub fn group_code(code: &str) -> PyResult<String> {
    ffi::group_code(code.to_owned()).or_raise()
}
