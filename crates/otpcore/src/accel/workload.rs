//! The fixed public workload the planner times (and the benchmarks' bare-kernel
//! rows run): sixteen made-up keys, one per lane, and counters `0..16`. Nothing
//! here is secret or derived from a secret: the plan can reveal only what this
//! workload costs on each backend.

use core::fmt;

use super::backend::Backend;
use super::kernel::{Kernel, KernelUnavailable};
use super::pads::{counters, Keys, Pads, MAX_LANES};
use crate::Algorithm;

/// The planner's fixed public workload: sixteen made-up keys (one per lane) and
/// counters, for every hash function. [`Workload::run`] is the bare kernel, for
/// benchmarks that compare kernels or put a full verification next to the
/// kernel work it contains.
///
/// # Security
/// The keys are public constants: nothing secret is computed.
pub struct Workload {
    sha1: [Pads<[u32; 5]>; MAX_LANES],
    sha256: [Pads<[u32; 8]>; MAX_LANES],
    sha512: [Pads<[u64; 8]>; MAX_LANES],
    counters: [u64; MAX_LANES],
}

/// A public, lane- and word-dependent filler value.
fn filler(lane: usize, word: usize, outer: bool) -> u64 {
    let seed = lane
        .wrapping_mul(16)
        .wrapping_add(word)
        .wrapping_add(usize::from(outer).wrapping_mul(8));
    (seed as u64 | 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// `W` filler words for one lane's inner or outer state, cut to `u32` or not.
fn state<T, const W: usize>(lane: usize, outer: bool, cut: impl Fn(u64) -> T) -> [T; W] {
    core::array::from_fn(|w| cut(filler(lane, w, outer)))
}

impl fmt::Debug for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Workload").finish_non_exhaustive()
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload::new()
    }
}

impl Workload {
    /// The workload (a few hundred bytes of pad states, made up).
    #[must_use]
    pub fn new() -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let low = |x: u64| x as u32;
        Workload {
            sha1: core::array::from_fn(|l| Pads {
                inner: state(l, false, low),
                outer: state(l, true, low),
            }),
            sha256: core::array::from_fn(|l| Pads {
                inner: state(l, false, low),
                outer: state(l, true, low),
            }),
            sha512: core::array::from_fn(|l| Pads {
                inner: state(l, false, |x| x),
                outer: state(l, true, |x| x),
            }),
            counters: counters(1_000_000),
        }
    }

    /// The truncated HMACs of the first `out.len()` lanes (at most 16; the rest
    /// of `out` is left alone), one key per lane, on `kernel` alone, as the
    /// planner times it.
    ///
    /// # Errors
    /// [`KernelUnavailable`] if this CPU (or build) cannot run `kernel`.
    pub fn run(
        &self,
        kernel: Kernel,
        algorithm: Algorithm,
        out: &mut [u32],
    ) -> Result<(), KernelUnavailable> {
        let backend = Backend::new(kernel).ok_or(KernelUnavailable(kernel))?;
        let n = out.len().min(MAX_LANES);
        if let Some(group) = out.get_mut(..n) {
            self.run_on(backend, algorithm, group);
        }
        Ok(())
    }

    /// The truncated HMACs of `N` consecutive counters (at most 16) under one
    /// key, on `kernel` alone, entered as a verification window enters it
    /// (SHA-NI's window entry for up to four, the lane arrays otherwise): the
    /// bare kernel work of a window scan, for benchmarks that set a
    /// verification beside it.
    ///
    /// # Errors
    /// [`KernelUnavailable`] if this CPU (or build) cannot run `kernel`.
    pub fn run_window<const N: usize>(
        &self,
        kernel: Kernel,
        algorithm: Algorithm,
    ) -> Result<[u32; N], KernelUnavailable> {
        const { assert!(N <= MAX_LANES) };
        let mut out = [0u32; N];
        self.window_into(kernel, algorithm, &mut out)?;
        Ok(out)
    }

    /// [`Workload::run_window`] into `out` (`out.len()` counters): not generic
    /// and out of line, so that the kernel it calls is this crate's own copy, the
    /// very code a verification's scan calls. A generic entry would be
    /// instantiated in the benchmark's crate with a copy of the kernel of its
    /// own, placed elsewhere: on Zen 4 two such copies of the same three-lane
    /// SHA-1 kernel ran 100 and 105 ns (README, "Close to the limit").
    #[inline(never)]
    fn window_into(
        &self,
        kernel: Kernel,
        algorithm: Algorithm,
        out: &mut [u32],
    ) -> Result<(), KernelUnavailable> {
        let backend = Backend::new(kernel).ok_or(KernelUnavailable(kernel))?;
        // The window size is the caller's constant: the one comparison that
        // picks its copy is predicted every time.
        match out.len() {
            1 => self.window_of::<1>(backend, algorithm, out),
            2 => self.window_of::<2>(backend, algorithm, out),
            3 => self.window_of::<3>(backend, algorithm, out),
            4 => self.window_of::<4>(backend, algorithm, out),
            _ => self.window_lanes(backend, algorithm, out),
        }
        Ok(())
    }

    /// `out` (of length `N`) from `backend`'s window entry for `N` candidates.
    #[inline]
    fn window_of<const N: usize>(&self, backend: Backend, algorithm: Algorithm, out: &mut [u32]) {
        let ([first, ..], [sha1, ..], [sha256, ..], [sha512, ..]) =
            (&self.counters, &self.sha1, &self.sha256, &self.sha512);
        let values = match algorithm {
            Algorithm::Sha1 => backend.sha1_window::<N>(sha1, *first),
            Algorithm::Sha256 => backend.sha256_window::<N>(sha256, *first),
            Algorithm::Sha512 => backend.sha512_window::<N>(sha512, *first),
        };
        for (out, value) in out.iter_mut().zip(values) {
            *out = value;
        }
    }

    /// `out` through `backend`'s lane arrays, one key for every lane: a window
    /// of more candidates than any window entry takes.
    fn window_lanes(&self, backend: Backend, algorithm: Algorithm, out: &mut [u32]) {
        let ([first, ..], [sha1, ..], [sha256, ..], [sha512, ..]) =
            (&self.counters, &self.sha1, &self.sha256, &self.sha512);
        let counters = counters(*first);
        match algorithm {
            Algorithm::Sha1 => backend.sha1(Keys::Same(sha1), &counters, out),
            Algorithm::Sha256 => backend.sha256(Keys::Same(sha256), &counters, out),
            Algorithm::Sha512 => backend.sha512(Keys::Same(sha512), &counters, out),
        }
    }

    /// [`Workload::run`] on a backend already known to run here.
    pub(crate) fn run_on(&self, backend: Backend, algorithm: Algorithm, out: &mut [u32]) {
        match algorithm {
            Algorithm::Sha1 => {
                let keys = self.sha1.each_ref();
                backend.sha1(Keys::Each(&keys), &self.counters, out);
            }
            Algorithm::Sha256 => {
                let keys = self.sha256.each_ref();
                backend.sha256(Keys::Each(&keys), &self.counters, out);
            }
            Algorithm::Sha512 => {
                let keys = self.sha512.each_ref();
                backend.sha512(Keys::Each(&keys), &self.counters, out);
            }
        }
    }
}
