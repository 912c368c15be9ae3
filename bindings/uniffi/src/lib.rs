//! uniffi bindings for [`otpcore`]: HOTP/TOTP generation and verification and
//! `otpauth://` URIs for Kotlin, Swift and Python.
//!
//! This crate is a thin wrapper; the core crate knows nothing of FFI. Foreign code is
//! generated from the built library, never committed:
//!
//! ```text
//! cargo build -p otpcore-ffi
//! cargo run -p otpcore-ffi --bin uniffi-bindgen -- \
//!     generate target/debug/libotpcore_ffi.so --language kotlin --out-dir out
//! ```
//!
//! The exported API:
//! - [`StatefulVerifier`]: verification with replay protection and throttling, safe
//!   to share between threads, returning a [`VerifyOutcome`].
//! - [`Secret`]: from bytes, from base32, or generated; revealed only by
//!   [`Secret::expose_base32`]; wiped when the object is released.
//! - [`Hotp`] and [`Totp`]: generation at a counter / time or now, and verification
//!   in a [`Window`] with `last_used`, returning the matched step and offset ([`Match`]).
//! - [`KeyUri`]: `otpauth://` URI parse and build, and its QR code as SVG or PNG.
//! - [`import_migration`]: Google Authenticator exports as `KeyUri`s.
//! - [`Steam`]: Steam Guard codes.
//! - [`OtpError`]: the one error type (`OtpException` in Kotlin).
//!
//! The `///` docs on exports become the Kotlin, Swift and Python docs, so they name
//! calls as Kotlin and Swift spell them (`verifyAt`, `lastUsed`); Python spells the
//! same calls in snake_case (`verify_at`, `last_used`).
//!
//! No export panics: every failure is an [`OtpError`]. The workspace builds with
//! `panic = "unwind"`, so a bug would still reach the caller as an exception
//! (uniffi's `InternalException`) rather than abort the app.

// No export may panic: these are errors in the shipped code (unit tests are exempted by
// clippy.toml), as in the core crate.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

uniffi::setup_scaffolding!();

mod enroll;
mod error;
mod otp;
mod params;
mod secret;
mod stateful;
mod uri;

pub use enroll::{import_migration, MigrationBatch, Steam};
pub use error::OtpError;
pub use otp::{Hotp, Totp};
pub use params::{Algorithm, HotpConfig, Match, OtpKind, SecretPolicy, TotpConfig, Window};
pub use secret::Secret;
pub use stateful::{
    CredentialState, RejectReason, StatefulVerifier, ThrottlePolicy, VerifierConfig, VerifyOutcome,
};
pub use uri::KeyUri;
