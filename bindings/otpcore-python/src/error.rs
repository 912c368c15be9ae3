//! `OtpError` and one subclass per case of [`otpcore_ffi::OtpError`](::otpcore_ffi::OtpError), reachable as
//! attributes (`OtpError.Mismatch`), as uniffi's Python module spelled them.

use otpcore_ffi::OtpError as Ffi;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    otpcore_ffi,
    OtpError,
    PyException,
    "Why an otpcore call failed; one subclass per case (OtpError.Mismatch, …). \
     Messages never contain a secret, a code or a URI."
);

/// Declares the subclasses, their registration and the mapping from the Rust cases.
macro_rules! cases {
    ($($case:ident $(($payload:tt))?),* $(,)?) => {
        $(create_exception!(otpcore_ffi, $case, OtpError);)*

        /// Adds `OtpError` to the module and each case as its attribute.
        pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = m.py();
            let base = py.get_type::<OtpError>();
            $(base.setattr(stringify!($case), py.get_type::<$case>())?;)*
            m.add("OtpError", base)
        }

        /// The Python exception for `e`, with the Rust error's (secret-free) message.
        fn to_py(e: Ffi) -> PyErr {
            let message = e.to_string();
            match e {
                $(Ffi::$case $(($payload))? => $case::new_err(message),)*
            }
        }
    };
}

cases! {
    InvalidBase32, SecretTooShort(_), SecretTooLong(_), RandomFailed, InvalidDigits(_),
    InvalidPeriod, UnknownAlgorithm, MalformedCode(_), Mismatch, Replayed, WindowTooLarge,
    BeforeT0, ClockBeforeUnixEpoch, InvalidCredentialId(_), InvalidConfig(_),
    StoreUnavailable(_), InvalidUri(_), QrTooLong, InvalidQrScale, InvalidMigration(_),
    InvalidExport(_), Other(_),
}

/// `?` for otpcore-ffi results: the error becomes its `OtpError` subclass.
pub(crate) trait OrRaise<T> {
    /// The value, or the Python exception for the error.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, Ffi> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
