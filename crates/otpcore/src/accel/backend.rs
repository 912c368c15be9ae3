//! The one place otpcore chooses a kernel: [`Backend`], asked of the CPU once and
//! kept, and one `match` per operation on it (after BLAKE3's `Platform`).
//!
//! One of the two files with `unsafe` (the other is `vec`): a function compiled
//! for CPU features (`#[target_feature]`) may only be called where those features
//! are known to exist, and only the CPU can tell, at run time. Each call below is
//! one `unsafe` block whose `// SAFETY:` comment names the [`Kind`] that proves
//! the features: a `Backend` holds a SIMD kind only if [`Kind::supported`] said
//! yes, and its field is private, so nothing else can make one.
//!
//! The CPU is asked through `cpufeatures` (CPUID and XGETBV, cached in a static
//! atomic), which needs no `std`. With `--cfg otpcore_backend="soft"` or under
//! Miri (which cannot run CPUID or the intrinsics) the SIMD kinds and kernels are
//! compiled out and every operation is portable.
//!
//! # Security
//! The `match` is on public data only: the CPU and the number of lanes (the
//! window or batch size). Which kernel runs never depends on a key, a counter or
//! a result.
#![allow(unsafe_code)]

use super::pads::{Keys, MAX_LANES};
use super::portable;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
use super::{avx2, avx512, shani, shani256};

// Each token names every feature its kernels are compiled for (`avx512` covers
// the AVX2 kernel too, which `Kind::Avx512` uses for mid-sized groups).
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_shani, "sha", "sse2", "ssse3", "sse4.1");
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_avx2, "avx2");
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_avx512, "avx512f", "avx2");

// Backend choice by lane count, measured on a Zen 5 core (SHA-NI, AVX-512F): the
// vector kernels always compute all their lanes, so they pay off only from some
// number of real lanes on. On other CPUs these are reasonable, not tuned.
/// Lanes from which SHA-1 takes the 16-lane AVX-512 kernel over 4-way SHA-NI.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
const SHA1_AVX512_MIN: usize = 8;
/// Lanes from which SHA-1 takes the 8-lane AVX2 kernel when there is no SHA-NI.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
const SHA1_AVX2_MIN: usize = 3;
/// Lanes from which SHA-256 takes the 16-lane AVX-512 kernel over 4-way SHA-NI.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
const SHA256_AVX512_MIN: usize = 9;
/// Lanes from which SHA-256 takes the 8-lane AVX2 kernel when there is no SHA-NI.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
const SHA256_AVX2_MIN: usize = 3;

/// Which kernels this CPU may run.
///
/// Only [`Backend::detect`] and [`Backend::available`] make a non-portable value,
/// after the CPU reported its features: that is the safety invariant every
/// `unsafe` call below relies on, and why the field is private.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Backend(Kind);

/// The kernel sets, each with the CPU features it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// RustCrypto's compression functions, one lane at a time: any CPU.
    Portable,
    /// SHA-NI in up to four interleaved streams (`sha`, `sse2`, `ssse3`, `sse4.1`).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    ShaNi,
    /// Eight AVX2 lanes from three lanes on (`avx2`).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    Avx2,
    /// Sixteen AVX-512 lanes for wide groups, AVX2 below (`avx512f`, `avx2`).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    Avx512,
    /// Sixteen AVX-512 lanes for wide groups, SHA-NI below (both tokens' features).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    Avx512ShaNi,
}

impl Kind {
    /// Every kind, from the least to the most capable: where a CPU has several,
    /// the last it has is the one to use (each later kind has all an earlier one
    /// has that matters on such a CPU, or more).
    const ALL: &[Kind] = &[
        Kind::Portable,
        #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
        Kind::Avx2,
        #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
        Kind::ShaNi,
        #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
        Kind::Avx512,
        #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
        Kind::Avx512ShaNi,
    ];

    /// Whether this CPU has every feature the kind's kernels are compiled for:
    /// the only place otpcore asks.
    fn supported(self) -> bool {
        match self {
            Kind::Portable => true,
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi => cpuid_shani::get(),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => cpuid_avx2::get(),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => cpuid_avx512::get(),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512ShaNi => cpuid_avx512::get() && cpuid_shani::get(),
        }
    }
}

impl Backend {
    /// One lane at a time, on any CPU.
    pub(crate) const PORTABLE: Backend = Backend(Kind::Portable);

    /// The best kernels this CPU has (three relaxed atomic loads once the
    /// features are cached; no `std` needed).
    pub(crate) fn detect() -> Backend {
        Backend::available().last().unwrap_or(Backend::PORTABLE)
    }

    /// Every backend this CPU can run, portable first, best last (for tests and
    /// benchmarks that compare them).
    pub(crate) fn available() -> impl Iterator<Item = Backend> {
        Kind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.supported())
            .map(Backend)
    }

    /// A short name, as `OTPCORE_EXPECT_BACKENDS` spells it.
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        match self.0 {
            Kind::Portable => "portable",
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi => "shani",
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => "avx2",
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => "avx512",
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512ShaNi => "avx512+shani",
        }
    }

    /// Truncated HMAC-SHA-1 of `counters[l]` under lane `l`'s key into `out[l]`,
    /// for the first `out.len()` lanes; the other lanes' inputs are ignored.
    #[inline]
    pub(crate) fn sha1(
        self,
        keys: Keys<'_, [u32; 5], MAX_LANES>,
        counters: &[u64; MAX_LANES],
        out: &mut [u32],
    ) {
        match (self.0, out.len()) {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::Avx512 | Kind::Avx512ShaNi, lanes) if lanes >= SHA1_AVX512_MIN => {
                // SAFETY: compiled for `avx512f`; `Kind::Avx512`/`Avx512ShaNi` exist
                // only where `cpuid_avx512` reported it. Reads its arguments only.
                unsafe { avx512::sha1(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::ShaNi | Kind::Avx512ShaNi, _) => {
                // SAFETY: compiled for `sha,sse2,ssse3,sse4.1`; `Kind::ShaNi`/
                // `Avx512ShaNi` exist only where `cpuid_shani` reported all four.
                unsafe { shani::sha1(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::Avx2 | Kind::Avx512, lanes) if lanes >= SHA1_AVX2_MIN => {
                // SAFETY: compiled for `avx2`; `Kind::Avx2` exists only where
                // `cpuid_avx2` reported it, `Kind::Avx512` where `cpuid_avx512` did.
                unsafe { avx2::sha1(keys, counters, out) }
            }
            _ => portable::sha1(keys, counters, out),
        }
    }

    /// As [`Backend::sha1`], for HMAC-SHA-256.
    #[inline]
    pub(crate) fn sha256(
        self,
        keys: Keys<'_, [u32; 8], MAX_LANES>,
        counters: &[u64; MAX_LANES],
        out: &mut [u32],
    ) {
        match (self.0, out.len()) {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::Avx512 | Kind::Avx512ShaNi, lanes) if lanes >= SHA256_AVX512_MIN => {
                // SAFETY: compiled for `avx512f`; `Kind::Avx512`/`Avx512ShaNi` exist
                // only where `cpuid_avx512` reported it. Reads its arguments only.
                unsafe { avx512::sha256(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::ShaNi | Kind::Avx512ShaNi, _) => {
                // SAFETY: compiled for `sha,sse2,ssse3,sse4.1`; `Kind::ShaNi`/
                // `Avx512ShaNi` exist only where `cpuid_shani` reported all four.
                unsafe { shani256::sha256(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::Avx2 | Kind::Avx512, lanes) if lanes >= SHA256_AVX2_MIN => {
                // SAFETY: compiled for `avx2`; `Kind::Avx2` exists only where
                // `cpuid_avx2` reported it, `Kind::Avx512` where `cpuid_avx512` did.
                unsafe { avx2::sha256(keys, counters, out) }
            }
            _ => portable::sha256(keys, counters, out),
        }
    }
}
