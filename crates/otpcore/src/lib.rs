#![doc = include_str!("../README.md")]
#![no_std]
// `unsafe` is confined to `accel::backend` (calls into the SIMD kernels, chosen by
// run-time CPU detection) and `accel::vec` (vector/array casts), which allow it
// locally with a `// SAFETY:` comment per block.
#![deny(unsafe_code)]
// No input may panic: these are errors in the shipped code (unit tests are exempted by clippy.toml).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
// The tests use `std` even without the feature (`accel`'s `simd_without_std`).
#[cfg(any(test, feature = "std"))]
extern crate std;

mod accel;
mod batch;
mod code;
mod code_group;
mod code_text;
mod format;
mod hotp;
mod mac;
#[cfg(feature = "migration")]
mod migration;
mod params;
#[cfg(feature = "qr")]
mod qr;
mod resync;
mod secret;
mod steam;
mod steam_code;
mod step_matches;
mod step_window;
mod totp;
mod truncate;
mod uri;
mod verify;

pub use batch::{generate_batch, verify_batch, BatchError, GenerateRequest, VerifyRequest};
pub use code::{Code, CodeError};
pub use code_group::GroupedCode;
pub use hotp::{Hotp, HotpConfig};
#[cfg(feature = "migration")]
pub use migration::{AccountError, ExportError, Migration, MigrationError, Unexportable};
pub use params::{Algorithm, Digits, ParamError, Period};
#[cfg(feature = "qr")]
pub use qr::{Qr, QrError};
pub use secret::{Secret, SecretError, SecretPolicy};
pub use steam::Steam;
pub use steam_code::SteamCode;
pub use step_window::StepWindow;
#[cfg(feature = "std")]
pub use totp::unix_now;
pub use totp::{TimeError, Totp, TotpConfig};
pub use uri::{KeyUri, OtpKind, UriError};
pub use verify::{Match, VerifyError, Window};

/// Re-exported so callers can compare [`Secret`]s in constant time.
pub use subtle::ConstantTimeEq;
