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
mod modulus;
mod params;
mod plain_digits;
#[cfg(feature = "qr")]
mod qr;
mod resync;
mod scan;
mod secret;
mod steam;
mod steam_code;
mod step_divisor;
mod step_matches;
mod step_window;
mod totp;
mod truncate;
mod uri;
mod verify;

/// Which HMAC kernels compute codes on this machine, and how they were chosen.
///
/// otpcore has several kernel sets ([`Kernel`](kernels::Kernel)): portable
/// code, the x86 SHA extensions, AVX2 and AVX-512 multi-buffer hashing. Which is
/// fastest for a group of `n` codes (a window of `n` steps, or `n` codes of a
/// batch) depends on the CPU, so the first key of each hash function times every
/// kernel this CPU has on a fixed public workload and keeps the fastest per
/// group size ([`plan`](kernels::plan); with `std`; without it a fixed table).
/// Set `OTPCORE_BACKEND=portable|shani|avx2|avx512` or call
/// [`force`](kernels::force) to override it.
/// `OTPCORE_KERNELS=portable,avx2,avx512` (a list) narrows the kernels the plan
/// chooses from, as if the CPU lacked the others: to see what otpcore does on
/// a CPU without them (read once per process, with `std`; the portable kernel
/// is always allowed). Every kernel computes the same codes in constant time;
/// the choice changes only the speed. [`batch_rules`](kernels::batch_rules)
/// reports what the batch functions measured besides (their own work per packed
/// verification, and which generation batch sizes pack).
pub mod kernels {
    pub use crate::accel::{
        force, plan, replan, Kernel, KernelPlan, KernelUnavailable, Origin, Workload,
    };
    pub use crate::batch::{batch_rules, BatchRules, GenerationRules};
}

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
