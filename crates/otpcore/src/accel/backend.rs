//! The one place otpcore calls a kernel: [`Backend`], a kernel set this CPU was
//! found to support, and one `match` per operation on it (after BLAKE3's
//! `Platform`). Which backend computes which group of lanes is the plan's
//! choice (`plan`), made once per process; this file only runs it.
//!
//! One of the two files with `unsafe` (the other is `vec`): a function compiled
//! for CPU features (`#[target_feature]`) may only be called where those features
//! are known to exist, and only the CPU can tell, at run time. Each call below is
//! one `unsafe` block whose `// SAFETY:` comment names the [`Kind`] that proves
//! the features: a `Backend` holds a SIMD kind only if [`Kind::supported`] said
//! yes ([`Backend::new`], [`Backend::available`]), and its field is private, so
//! nothing else can make one.
//!
//! The CPU is asked through `cpufeatures` (CPUID and XGETBV, cached in a static
//! atomic), which needs no `std`. With `--cfg otpcore_backend="soft"` or under
//! Miri (which cannot run CPUID or the intrinsics) the SIMD kinds and kernels are
//! compiled out and every operation is portable.
//!
//! # Security
//! The `match` is on public data only: the backend the plan chose for a lane
//! count (the window or batch size). Which kernel runs never depends on a key, a
//! counter or a result.
#![allow(unsafe_code)]

use super::allowed::allowed;
use super::kernel::Kernel;
use super::pads::{counters, Keys, Pads, MAX_LANES};
use super::portable;
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
use super::{avx2, avx2x64, avx512, avx512x64, shani, shani256};
use crate::Algorithm;

// Each token names every feature its kernels are compiled for.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_shani, "sha", "sse2", "ssse3", "sse4.1");
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_avx2, "avx2");
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
cpufeatures::new!(cpuid_avx512, "avx512f");

/// A kernel set this CPU can run.
///
/// Only [`Backend::new`] and [`Backend::available`] make a non-portable value,
/// after the CPU reported its features: that is the safety invariant every
/// `unsafe` call below relies on, and why the field is private.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Backend(Kind);

/// The kernel sets, each with the CPU features it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// RustCrypto's compression functions, one lane at a time: any CPU.
    Portable,
    /// SHA-NI in up to four interleaved streams (`sha`, `sse2`, `ssse3`, `sse4.1`);
    /// SHA-512 portable.
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    ShaNi,
    /// Eight 32-bit or four 64-bit lanes (`avx2`).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    Avx2,
    /// Sixteen 32-bit or eight 64-bit lanes (`avx512f`).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    Avx512,
}

impl Kind {
    /// The kind that runs `kernel` in this build, if it is compiled in.
    fn of(kernel: Kernel) -> Option<Kind> {
        match kernel {
            Kernel::Portable => Some(Kind::Portable),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kernel::ShaNi => Some(Kind::ShaNi),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kernel::Avx2 => Some(Kind::Avx2),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kernel::Avx512 => Some(Kind::Avx512),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

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
        }
    }
}

/// What a [`Kernel`] can do on this CPU: kept here, with the CPU checks, so that
/// `kernel` (names and order) imports nothing of its users.
impl Kernel {
    /// Whether this CPU (and this build: `--cfg otpcore_backend="soft"` and Miri
    /// have only [`Kernel::Portable`]) can run the kernel, and the process may
    /// (`OTPCORE_KERNELS`, with `std`, narrows the kernels otpcore uses: see
    /// [`kernels`](crate::kernels)).
    #[must_use]
    pub fn is_available(self) -> bool {
        Backend::new(self).is_some()
    }

    /// The kernels this CPU can run, in [`Kernel::ALL`] order.
    pub fn available() -> impl Iterator<Item = Kernel> {
        Kernel::ALL.into_iter().filter(|k| k.is_available())
    }
}

impl Backend {
    /// One lane at a time, on any CPU.
    pub(crate) const PORTABLE: Backend = Backend(Kind::Portable);

    /// `kernel`, if this CPU and build can run it and the process may use it
    /// (`allowed`: `OTPCORE_KERNELS`); two relaxed atomic loads once both
    /// are cached.
    pub(crate) fn new(kernel: Kernel) -> Option<Backend> {
        Kind::of(kernel)
            .filter(|kind| kind.supported() && allowed(kernel))
            .map(Backend)
    }

    /// Every backend this CPU can run, in [`Kernel::ALL`] order (portable
    /// first), for the planner (which measures only with `std`) and the tests.
    #[cfg(any(test, all(feature = "std", not(miri))))]
    pub(crate) fn available() -> impl Iterator<Item = Backend> {
        Kernel::ALL.into_iter().filter_map(Backend::new)
    }

    /// The public name of this backend's kernels.
    pub(crate) fn kernel(self) -> Kernel {
        match self.0 {
            Kind::Portable => Kernel::Portable,
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi => Kernel::ShaNi,
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => Kernel::Avx2,
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => Kernel::Avx512,
        }
    }

    /// Whether this backend has its own kernel for `algorithm` (SHA-NI has none
    /// for SHA-512 and runs it portably).
    pub(crate) fn has_own(self, algorithm: Algorithm) -> bool {
        match (self.0, algorithm) {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            (Kind::ShaNi, Algorithm::Sha512) => false,
            _ => true,
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
        match self.0 {
            Kind::Portable => portable::sha1(keys, counters, out),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi => {
                // SAFETY: compiled for `sha,sse2,ssse3,sse4.1`; `Kind::ShaNi` exists
                // only where `cpuid_shani` reported all four.
                unsafe { shani::sha1(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => {
                // SAFETY: compiled for `avx2`; `Kind::Avx2` exists only where
                // `cpuid_avx2` reported it.
                unsafe { avx2::sha1(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => {
                // SAFETY: compiled for `avx512f`; `Kind::Avx512` exists only where
                // `cpuid_avx512` reported it.
                unsafe { avx512::sha1(keys, counters, out) }
            }
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
        match self.0 {
            Kind::Portable => portable::sha256(keys, counters, out),
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi => {
                // SAFETY: compiled for `sha,sse2,ssse3,sse4.1`; `Kind::ShaNi` exists
                // only where `cpuid_shani` reported all four.
                unsafe { shani256::sha256(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => {
                // SAFETY: compiled for `avx2`; `Kind::Avx2` exists only where
                // `cpuid_avx2` reported it.
                unsafe { avx2::sha256(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => {
                // SAFETY: compiled for `avx512f`; `Kind::Avx512` exists only where
                // `cpuid_avx512` reported it.
                unsafe { avx512::sha256(keys, counters, out) }
            }
        }
    }

    /// Truncated HMAC-SHA-1 of the `N` counters from `first` (wrapping) under
    /// one key, `N <= MAX_LANES`: a verification window. SHA-NI computes up to
    /// four straight into the returned values (`shani::window`); every other
    /// case goes through [`Backend::sha1`]'s lane arrays. Same values either
    /// way (`accel::tests::sha1_backends_agree`, on every backend).
    #[inline]
    pub(crate) fn sha1_window<const N: usize>(self, pads: &Pads<[u32; 5]>, first: u64) -> [u32; N] {
        const { assert!(N <= MAX_LANES) };
        match self.0 {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi if N <= 4 => {
                // SAFETY: as in `Backend::sha1`.
                unsafe { shani::window::<N>(pads, first) }
            }
            _ => window_through_lanes::<N>(first, |counters, out| {
                self.sha1(Keys::Same(pads), counters, out);
            }),
        }
    }

    /// As [`Backend::sha1_window`], for HMAC-SHA-256.
    #[inline]
    pub(crate) fn sha256_window<const N: usize>(
        self,
        pads: &Pads<[u32; 8]>,
        first: u64,
    ) -> [u32; N] {
        const { assert!(N <= MAX_LANES) };
        match self.0 {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::ShaNi if N <= 4 => {
                // SAFETY: as in `Backend::sha256`.
                unsafe { shani256::window::<N>(pads, first) }
            }
            _ => window_through_lanes::<N>(first, |counters, out| {
                self.sha256(Keys::Same(pads), counters, out);
            }),
        }
    }

    /// As [`Backend::sha1_window`], for HMAC-SHA-512: always through the lane
    /// arrays (no kernel has a window entry for it).
    #[inline]
    pub(crate) fn sha512_window<const N: usize>(
        self,
        pads: &Pads<[u64; 8]>,
        first: u64,
    ) -> [u32; N] {
        const { assert!(N <= MAX_LANES) };
        window_through_lanes::<N>(first, |counters, out| {
            self.sha512(Keys::Same(pads), counters, out);
        })
    }

    /// As [`Backend::sha1`], for HMAC-SHA-512.
    #[inline]
    pub(crate) fn sha512(
        self,
        keys: Keys<'_, [u64; 8], MAX_LANES>,
        counters: &[u64; MAX_LANES],
        out: &mut [u32],
    ) {
        match self.0 {
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx2 => {
                // SAFETY: compiled for `avx2`; `Kind::Avx2` exists only where
                // `cpuid_avx2` reported it.
                unsafe { avx2x64::sha512(keys, counters, out) }
            }
            #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
            Kind::Avx512 => {
                // SAFETY: compiled for `avx512f`; `Kind::Avx512` exists only where
                // `cpuid_avx512` reported it.
                unsafe { avx512x64::sha512(keys, counters, out) }
            }
            // SHA-NI has no SHA-512 instructions (on the CPUs it names).
            _ => portable::sha512(keys, counters, out),
        }
    }
}

/// A verification window's `N` values through a kernel's lane arrays (`run`
/// fills the first `N` lanes from the counters `first`, `first + 1`, …), for
/// the kernels and hashes without a window entry. Out of line: the lane arrays
/// and their stack frame stay here, and the SHA-NI window entry's dispatch in
/// [`Backend::sha1_window`] and [`Backend::sha256_window`] is a compare and a
/// call that its callers inline.
#[inline(never)]
fn window_through_lanes<const N: usize>(
    first: u64,
    run: impl FnOnce(&[u64; MAX_LANES], &mut [u32]),
) -> [u32; N] {
    let mut out = [0u32; N];
    run(&counters(first), &mut out);
    out
}
