//! The Python package of otpcore: a PyO3 extension module, imported as `otpcore_ffi`.
//!
//! Every type and function is a thin conversion over [`otpcore_ffi`](::otpcore_ffi), the crate the
//! Kotlin and Swift bindings are generated from, so the three languages share one copy
//! of each decision (error cases, defaults, the verifier's construction). What this
//! crate adds is the calling convention: one C call per method, arguments read
//! straight from Python objects, no intermediate buffers (docs/design/bindings-speed.md).
//!
//! Names, signatures and error classes are those of the module uniffi generated
//! before (bindings/python/*.py run unchanged); the stub `otpcore_ffi.pyi` beside
//! pyproject.toml gives type checkers the API.
//!
//! Memory: linking `otpcore_ffi` installs its global allocator
//! ([`otpcore_ffi::WipeOnFree`](::otpcore_ffi::WipeOnFree)) in this library, so every Rust buffer that held a
//! secret (the base32 text, a URI, a QR picture) is zeroed when freed. Python's own
//! `str`/`bytes` objects are beyond its reach (SECURITY.md, "The FFI boundary").

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use pyo3::prelude::*;

mod error;
mod otp;
mod uri;
mod values;
mod verifier;

/// The `otpcore_ffi` module.
#[pymodule]
fn otpcore_ffi(m: &Bound<'_, PyModule>) -> PyResult<()> {
    error::register(m)?;
    m.add_class::<values::Algorithm>()?;
    m.add_class::<values::SecretPolicy>()?;
    m.add_class::<values::Window>()?;
    m.add_class::<values::Match>()?;
    m.add_class::<values::HotpConfig>()?;
    m.add_class::<values::TotpConfig>()?;
    m.add_class::<values::OtpKind>()?;
    m.add_class::<values::StepWindow>()?;
    m.add_class::<values::CodeDisplay>()?;
    m.add_class::<otp::Secret>()?;
    m.add_class::<otp::Hotp>()?;
    m.add_class::<otp::Totp>()?;
    m.add_class::<otp::Steam>()?;
    m.add_class::<uri::KeyUri>()?;
    m.add_class::<uri::ExportBatch>()?;
    m.add_class::<uri::MigrationBatch>()?;
    m.add_function(wrap_pyfunction!(uri::import_migration, m)?)?;
    m.add_function(wrap_pyfunction!(uri::export_migration, m)?)?;
    m.add_function(wrap_pyfunction!(values::group_code, m)?)?;
    verifier::register(m)
}
