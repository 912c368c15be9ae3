//! The plan: which backend computes a group of `n` lanes (1 to [`MAX_LANES`]) of
//! each hash function, chosen once per process and kept in a static, like FFTW's
//! planner. Each [`KeyedMac`](crate::mac::KeyedMac) copies its hash's plan when
//! it is made ([`Plan::current`]) and never asks again.
//!
//! How the plan is chosen, the first time a key of a hash function is made (or
//! on [`replan`]):
//! 1. `OTPCORE_BACKEND=portable|shani|avx2|avx512` (read only with `std`) forces
//!    that kernel for every lane count, if this CPU has it;
//! 2. otherwise, with `std` (outside Miri), `timing` runs every backend on a
//!    fixed public workload at every lane count, interleaved, and keeps the
//!    fastest;
//! 3. without `std`, or with one backend only, a fixed table ([`table`]): the
//!    choice otpcore made before it measured.
//!
//! [`force`] overrides the plan for keys made afterwards.
//!
//! # Security
//! The plan depends on the CPU, on the public workload's timings and on the
//! override: never on a key, a counter, a code or a result. Which backend runs
//! a group is then a function of the (public) lane count alone.

use core::fmt;
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};

use super::backend::Backend;
use super::kernel::{Kernel, KernelUnavailable};
use super::pads::MAX_LANES;
use crate::Algorithm;

/// Per hash function (index [`Algorithm::index`]): lane count `n` (1..=16) takes the kernel
/// `Kernel::ALL[nibble - 1]`, from nibble `n - 1`; 0 while unplanned.
static KERNELS: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];
/// Per hash function: the measured time of lane count `n` in nanoseconds, 16 bits
/// per count, four per word; 0 where not measured.
static COSTS: [[AtomicU64; 4]; 3] = [const { [const { AtomicU64::new(0) }; 4] }; 3];
/// Per hash function: how its plan was made (an [`Origin`] index), for reports.
static ORIGINS: [AtomicU8; 3] = [const { AtomicU8::new(0) }; 3];

/// How a plan was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The fixed table (no clock, no `std`, or one backend only).
    Table,
    /// Timed on this machine at first use or by [`replan`].
    Measured,
    /// [`force`] or `OTPCORE_BACKEND`.
    Forced,
}

/// One hash function's backend for each lane count, and what each was measured
/// to cost: what a key keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    backends: [Backend; MAX_LANES],
    /// Nanoseconds per lane count, all 0 if not measured.
    costs: [u16; MAX_LANES],
}

impl Plan {
    /// The process's plan for `algorithm`, made now if this is the first use.
    pub(crate) fn current(algorithm: Algorithm) -> Plan {
        let word = planned(algorithm);
        Plan {
            costs: costs(algorithm.index()),
            ..Plan::decode(word)
        }
    }

    /// The kernel of sixteen lanes: what an unmeasured plan's batch decides by
    /// (`batch::choice`).
    pub(crate) fn sixteen(&self) -> Kernel {
        self.backend(MAX_LANES).kernel()
    }

    /// What each lane count was measured to cost, if the plan was measured.
    pub(crate) fn costs(&self) -> Option<Costs> {
        // Every lane count's cost is recorded at once, each at least 1
        // (`timing`), or none is: the first says which (one comparison on a
        // batch's path instead of sixteen).
        let [first, ..] = self.costs;
        (first != 0).then_some(Costs(self.costs))
    }

    /// `backends[n - 1]` for `n` lanes.
    pub(super) fn from_backends(backends: [Backend; MAX_LANES]) -> Plan {
        Plan {
            backends,
            costs: [0; MAX_LANES],
        }
    }

    /// `backend` for every lane count (tests, benchmarks, [`force`]).
    pub(crate) fn only(backend: Backend) -> Plan {
        Plan::from_backends([backend; MAX_LANES])
    }

    /// The backend for a group of `lanes` lanes (portable for none).
    #[inline]
    pub(crate) fn backend(&self, lanes: usize) -> Backend {
        self.backends
            .get(lanes.wrapping_sub(1))
            .copied()
            .unwrap_or(Backend::PORTABLE)
    }

    /// The table's plan.
    pub(crate) fn from_table(algorithm: Algorithm) -> Plan {
        Plan::from_backends(core::array::from_fn(|n| {
            table(algorithm, n.wrapping_add(1))
        }))
    }

    #[cfg(test)]
    pub(super) fn encode_for_test(self) -> u64 {
        self.encode()
    }

    #[cfg(test)]
    pub(super) fn decode_for_test(word: u64) -> Plan {
        Plan::decode(word)
    }

    fn encode(self) -> u64 {
        self.backends.iter().rev().fold(0u64, |word, b| {
            (word << 4) | (b.kernel().index() as u64).wrapping_add(1)
        })
    }

    /// The inverse of [`Plan::encode`]; an entry this CPU cannot run (none is
    /// ever stored) would read as portable: `Backend::new` checks again.
    fn decode(word: u64) -> Plan {
        let mut rest = word;
        Plan::from_backends(core::array::from_fn(|_| {
            let nibble = rest & 0xf;
            rest >>= 4;
            usize::try_from(nibble)
                .ok()
                .and_then(|i| Kernel::ALL.get(i.wrapping_sub(1)).copied())
                .and_then(Backend::new)
                .unwrap_or(Backend::PORTABLE)
        }))
    }
}

/// The costs recorded for `slot`'s plan (0 where none).
fn costs(slot: usize) -> [u16; MAX_LANES] {
    let mut costs = [0u16; MAX_LANES];
    if let Some(words) = COSTS.get(slot) {
        for (four, word) in costs.chunks_mut(4).zip(words) {
            let mut rest = word.load(Ordering::Relaxed);
            for c in four.iter_mut() {
                #[allow(clippy::cast_possible_truncation)]
                {
                    *c = rest as u16;
                }
                rest >>= 16;
            }
        }
    }
    costs
}

/// The stored plan word for `algorithm`, planning first if there is none. Two
/// threads that both find none both plan; the first to store wins and the
/// other adopts its plan, so every key of a process sees the same one.
fn planned(algorithm: Algorithm) -> u64 {
    let slot = algorithm.index();
    let Some(kernels) = KERNELS.get(slot) else {
        return 0;
    };
    let word = kernels.load(Ordering::Acquire);
    if word != 0 {
        return word;
    }
    let (plan, costs, origin) = choose(algorithm);
    match kernels.compare_exchange(0, plan.encode(), Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => {
            record(slot, &costs, origin);
            plan.encode()
        }
        Err(existing) => existing,
    }
}

/// Stores the report of the plan just stored in `slot`.
fn record(slot: usize, costs: &[u16; MAX_LANES], origin: Origin) {
    if let Some(words) = COSTS.get(slot) {
        for (word, four) in words.iter().zip(costs.chunks(4)) {
            let packed = four
                .iter()
                .rev()
                .fold(0u64, |w, c| (w << 16) | u64::from(*c));
            word.store(packed, Ordering::Relaxed);
        }
    }
    if let Some(o) = ORIGINS.get(slot) {
        o.store(origin as u8, Ordering::Relaxed);
    }
}

/// A new plan for `algorithm`: forced, measured or from the table.
fn choose(algorithm: Algorithm) -> (Plan, [u16; MAX_LANES], Origin) {
    #[cfg(feature = "std")]
    if let Some(backend) = std::env::var("OTPCORE_BACKEND")
        .ok()
        .and_then(|name| Kernel::from_name(&name))
        .and_then(Backend::new)
    {
        return (forced(backend, algorithm), [0; MAX_LANES], Origin::Forced);
    }
    #[cfg(all(feature = "std", not(miri)))]
    if let Some((chosen, costs)) = super::timing::measure(algorithm) {
        return (Plan::from_backends(chosen), costs, Origin::Measured);
    }
    (Plan::from_table(algorithm), [0; MAX_LANES], Origin::Table)
}

/// `backend` for every lane count, or portable where it has no kernel of its
/// own for `algorithm` (SHA-NI and SHA-512): what the plan then runs anyway.
fn forced(backend: Backend, algorithm: Algorithm) -> Plan {
    Plan::only(if backend.has_own(algorithm) {
        backend
    } else {
        Backend::PORTABLE
    })
}

/// The deterministic choice when nothing can be measured: the backend table
/// otpcore used before it measured (tuned on Zen 4/5; reasonable elsewhere).
/// The vector kernels compute all their lanes whatever the count, so they are
/// taken only from some number of real lanes on.
pub(crate) fn table(algorithm: Algorithm, lanes: usize) -> Backend {
    let have = |kernel, from: usize| (lanes >= from).then(|| Backend::new(kernel)).flatten();
    let (avx512_from, avx2_from, shani) = match algorithm {
        Algorithm::Sha1 => (8, 3, true),
        Algorithm::Sha256 => (9, 3, true),
        Algorithm::Sha512 => (4, 2, false),
    };
    have(Kernel::Avx512, avx512_from)
        .or_else(|| have(Kernel::ShaNi, if shani { 1 } else { usize::MAX }))
        .or_else(|| have(Kernel::Avx2, avx2_from))
        .unwrap_or(Backend::PORTABLE)
}

/// The measured cost of each lane count of one hash function ([`Plan::costs`]),
/// for the batch's choice between packed lanes and single calls.
#[derive(Clone, Copy)]
pub(crate) struct Costs([u16; MAX_LANES]);

impl Costs {
    #[cfg(test)]
    pub(crate) fn from_for_test(costs: [u16; MAX_LANES]) -> Costs {
        Costs(costs)
    }

    /// Nanoseconds for `lanes` lanes computed [`MAX_LANES`] at a time.
    pub(crate) fn lanes(&self, lanes: usize) -> u64 {
        let full = u64::try_from(lanes / MAX_LANES).unwrap_or(u64::MAX);
        let rest = lanes % MAX_LANES;
        let [.., whole] = self.0;
        let part = rest
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .map_or(0, |c| u64::from(*c));
        full.saturating_mul(u64::from(whole)).saturating_add(part)
    }
}

/// Forces `kernel` for every hash function and lane count, for keys made from
/// now on (keys made before keep their plan). SHA-512 runs portably under
/// [`Kernel::ShaNi`], which has no SHA-512 kernel.
///
/// # Errors
/// [`KernelUnavailable`] if this CPU (or build) cannot run `kernel`; the plan is
/// then unchanged.
///
/// # Security
/// Any kernel computes the same values in constant time; forcing one changes
/// only the speed.
pub fn force(kernel: Kernel) -> Result<(), KernelUnavailable> {
    let backend = Backend::new(kernel).ok_or(KernelUnavailable(kernel))?;
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        store(
            algorithm,
            forced(backend, algorithm),
            [0; MAX_LANES],
            Origin::Forced,
        );
    }
    Ok(())
}

/// Times every backend again and replaces the plan for keys made from now on
/// (with `std`, outside Miri; elsewhere the fixed table). The one-off cost is
/// in README.md, "Kernels chosen by measurement".
pub fn replan() {
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        #[cfg(all(feature = "std", not(miri)))]
        if let Some((chosen, costs)) = super::timing::measure(algorithm) {
            store(
                algorithm,
                Plan::from_backends(chosen),
                costs,
                Origin::Measured,
            );
            continue;
        }
        store(
            algorithm,
            Plan::from_table(algorithm),
            [0; MAX_LANES],
            Origin::Table,
        );
    }
}

fn store(algorithm: Algorithm, plan: Plan, costs: [u16; MAX_LANES], origin: Origin) {
    let slot = algorithm.index();
    if let Some(kernels) = KERNELS.get(slot) {
        kernels.store(plan.encode(), Ordering::Release);
    }
    record(slot, &costs, origin);
}

/// The current plan of `algorithm` (made now if this is its first use): which
/// kernel computes each lane count, how the plan was made and what it measured.
#[must_use]
pub fn plan(algorithm: Algorithm) -> KernelPlan {
    let current = Plan::current(algorithm);
    let slot = algorithm.index();
    let origin = match ORIGINS.get(slot).map(|o| o.load(Ordering::Relaxed)) {
        Some(1) => Origin::Measured,
        Some(2) => Origin::Forced,
        _ => Origin::Table,
    };
    KernelPlan {
        algorithm,
        kernels: current.backends.map(Backend::kernel),
        costs: current.costs().map(|c| c.0),
        origin,
    }
}

/// A report of one hash function's plan ([`plan`]). Its `Display` reads like
/// `SHA1 (measured): 1-2 lanes shani, 3-16 avx512`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelPlan {
    algorithm: Algorithm,
    kernels: [Kernel; MAX_LANES],
    costs: Option<[u16; MAX_LANES]>,
    origin: Origin,
}

impl KernelPlan {
    /// The kernel that computes a group of `lanes` codes (1 to 16; larger groups
    /// are cut into sixteens): a window of `lanes` steps, or `lanes` codes of a
    /// batch.
    #[must_use]
    pub fn kernel(&self, lanes: usize) -> Kernel {
        let index = lanes.clamp(1, MAX_LANES).wrapping_sub(1);
        self.kernels.get(index).copied().unwrap_or(Kernel::Portable)
    }

    /// How this plan was made.
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The measured time of a group of `lanes` (1 to 16) on the chosen kernel, in
    /// nanoseconds (the minimum of several trials), if the plan was measured.
    #[must_use]
    pub fn cost_ns(&self, lanes: usize) -> Option<u16> {
        self.costs?.get(lanes.checked_sub(1)?).copied()
    }
}

impl fmt::Display for KernelPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = match self.origin {
            Origin::Table => "table",
            Origin::Measured => "measured",
            Origin::Forced => "forced",
        };
        write!(f, "{} ({origin}):", self.algorithm)?;
        let mut from = 1usize;
        let mut separator = " ";
        for lanes in 1..=MAX_LANES {
            let kernel = self.kernel(lanes);
            if lanes == MAX_LANES || self.kernel(lanes.saturating_add(1)) != kernel {
                if from == lanes {
                    write!(f, "{separator}{lanes} lanes {kernel}")?;
                } else {
                    write!(f, "{separator}{from}-{lanes} lanes {kernel}")?;
                }
                separator = ", ";
                from = lanes.saturating_add(1);
            }
        }
        Ok(())
    }
}
