//! uniffi bindings for [`otpcore`]: HOTP/TOTP generation and verification and
//! `otpauth://` URIs for Kotlin, Swift and Python.
//!
//! This crate is a thin wrapper; the core crate knows nothing of FFI. Foreign code is
//! generated from the built library, never committed:
//!
//! ```text
//! cargo xtask bindings kotlin --out out    # or swift, python; builds this crate first
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
//! - [`import_migration`]: Google Authenticator exports as `KeyUri`s, and
//!   [`export_migration`]: `KeyUri`s as exports ([`ExportBatch`], one QR code each).
//! - [`Totp::display_at`] ([`CodeDisplay`]), [`Totp::step_window`] ([`StepWindow`])
//!   and [`group_code`]: codes as authenticator apps show them, with the countdown.
//! - [`Steam`]: Steam Guard codes.
//! - [`OtpError`]: the one error type (`OtpException` in Kotlin).
//!
//! The `///` docs on exports become the Kotlin, Swift and Python docs, so they name
//! calls as Kotlin and Swift spell them (`verifyAt`, `lastUsed`); Python spells the
//! same calls in snake_case (`verify_at`, `last_used`).
//!
//! Memory: the library's global allocator is [`WipeOnFree`], which zeroes every
//! heap block as it is freed, including the buffers that carry secrets across
//! the FFI and that the foreign side frees. The foreign runtime's own copies
//! (Python `str`/`bytes`, JVM `String`/`ByteArray`, Swift `String`/`Data`) are
//! beyond its reach; see SECURITY.md, "The FFI boundary". A Rust program that
//! links this crate as a library gets this allocator too and cannot declare its
//! own.
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

/// Wipes every freed block, so no buffer that carried a secret (a `RustBuffer`
/// freed by the foreign side included) is released with its contents. The unit
/// tests install their own (`wipe::tests`).
#[cfg(not(test))]
#[global_allocator]
static ALLOCATOR: WipeOnFree<std::alloc::System> = WipeOnFree(std::alloc::System);

mod display;
mod enroll;
mod error;
mod export;
mod jni;
mod otp;
mod params;
mod secret;
mod stateful;
mod uri;
mod wipe;

pub use display::{group_code, CodeDisplay, StepWindow};
pub use enroll::{import_migration, MigrationBatch, Steam};
pub use error::OtpError;
pub use export::{export_migration, ExportBatch};
pub use otp::{Hotp, Totp};
pub use params::{Algorithm, HotpConfig, Match, OtpKind, SecretPolicy, TotpConfig, Window};
pub use secret::Secret;
pub use stateful::{
    CredentialState, RejectReason, StatefulVerifier, ThrottlePolicy, VerifierConfig, VerifyOutcome,
};
pub use uri::KeyUri;
pub use wipe::WipeOnFree;
