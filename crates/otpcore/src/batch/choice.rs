//! Packed lanes or single calls: which way a batch pass computes its HMACs.
//!
//! Packing the HMACs of several requests into groups of up to sixteen lanes
//! pays where it saves a fifth of the single calls' time, as this process
//! measured it (once, `calibrate`). For verifications, the plan's measured
//! costs ([`Costs`], from the plan of the pass's first key, whose plan the
//! packed groups run on) of the lanes against the single calls' windows,
//! plus the batch's own work per request, answer that per pass, for any
//! number of requests from two on — except batches too small to fill a group
//! whose single windows run on SHA-NI, which are not weighed (see
//! [`Packing::may_pack_windows`]). For codes, a trial of packed passes against
//! single calls answers for every size from two codes on. A plan
//! that was not measured (forced, or the table without a clock) packs only
//! from one full group of lanes on, deciding by the kernel its sixteen lanes
//! run on: codes pack on any kernel but the portable one (one lane at a time
//! either way: packing would only add bookkeeping); windows pack only where
//! lanes run side by side in vector registers (AVX2, AVX-512), not on SHA-NI,
//! which interleaves up to four codes and gets little from more than a ±1
//! window's three (see [`packs_windows`]).
//!
//! # Security
//! The choice depends on the number of requests, their hash function and their
//! window sizes (public), and on the plan's timings of a public workload (or,
//! unmeasured, on the kernel of its sixteen lanes): never on a key, an input
//! code or a result.

use crate::accel::{Costs, MAX_LANES};
use crate::kernels::Kernel;

/// The window sizes (candidates) of a verification pass's requests.
pub(super) enum Candidates<I> {
    /// Every request's window has this many.
    Each(usize),
    /// One count per request.
    Varied(I),
}

impl Candidates<core::iter::Empty<usize>> {
    /// Every request's window has `candidates` steps.
    pub(super) fn each(candidates: usize) -> Self {
        Candidates::Each(candidates)
    }
}

/// How a pass decides; tests pin either path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packing {
    /// By the plan's measured costs (the public functions).
    Measured,
    /// Always pack (tests, and the calibration's packed pass).
    #[cfg(any(test, all(feature = "std", not(miri))))]
    Always,
    /// Always call one by one (tests).
    #[cfg(test)]
    Never,
}

/// Whether packing `requests` verifications pays: `packed` is the plan's
/// kernel cost of all their candidates in groups of sixteen lanes, `single` of
/// their windows one by one, `bookkeeping` the batch's own work per packed
/// request (`calibrate`, measured; else modelled as half the plan's one-lane
/// cost). Packing must then save a fifth.
///
/// Why a fifth: the costs are measured once, and on the development machine
/// (Zen 4, a 2-vCPU VM) the SHA-NI kernels run 25–30 % slower for seconds at a
/// time while the AVX-512 ones lose 4 % (README.md, "A plan timed cold"); a
/// decision that only a smaller saving backs flips with the phase it was made
/// in. Measured there (README.md, "Batch against single calls"): sixteen SHA-1
/// ±1 verifications are modelled at 0.74× and ran 1.12× faster packed; eight,
/// modelled at 0.83×, ran at 0.99× and do not pack; SHA-256 (1.09×) never packs;
/// SHA-512 on AVX-512 (0.42×) packs from eight requests.
///
/// Why measured: the half-a-lane model came from SHA-1 (34–36 ns of work per
/// request, one lane 70 ns, seventh session), but the work does not grow with
/// the hash function as its one lane does: with SHA-512 on AVX2 (one portable
/// lane 481 ns) it charged 240 ns a request and refused packing that ran 1.26×
/// faster (README.md, "On CPUs this machine is not").
fn packing_pays(packed: u64, single: u64, bookkeeping: u64, requests: usize) -> bool {
    let requests = u64::try_from(requests).unwrap_or(u64::MAX);
    let bookkeeping = bookkeeping.saturating_mul(requests);
    packed.saturating_add(bookkeeping).saturating_mul(5) < single.saturating_mul(4)
}

/// [`packing_pays`] on `costs`, with the batch's work asked for only once the
/// lanes alone pay (small batches on SHA-NI windows stop there, cheaply).
fn weighed(
    costs: Costs,
    packed: u64,
    single: u64,
    requests: usize,
    bookkeeping: impl FnOnce() -> Option<u64>,
) -> bool {
    packing_pays(packed, single, 0, requests)
        && packing_pays(
            packed,
            single,
            bookkeeping().unwrap_or(costs.lanes(1) / 2),
            requests,
        )
}

/// Whether an unmeasured plan packs codes (generation) on `sixteen`, the
/// kernel of its sixteen lanes: one code per single call, so any kernel that
/// computes several at once gains (SHA-NI forced, sixteen codes: 1.66–1.78×
/// the single calls; README.md, "Kernels chosen by measurement").
fn packs_codes(sixteen: Kernel) -> bool {
    sixteen != Kernel::Portable
}

/// Whether an unmeasured plan packs verification windows on `sixteen`. A
/// single call already computes its window's candidates together, so only
/// kernels whose lanes run side by side pay for the batch's bookkeeping
/// (AVX2 and AVX-512 forced, ±1 windows: 1.29–3.73× the single calls); SHA-NI
/// interleaving four codes instead of three does not (SHA-256, n ≥ 8: 0.93–0.94×
/// packed; README.md, "Kernels chosen by measurement").
fn packs_windows(sixteen: Kernel) -> bool {
    matches!(sixteen, Kernel::Avx2 | Kernel::Avx512)
}

impl Packing {
    /// Whether a verification batch whose windows have `lanes` candidates in
    /// all may be packed at all: from one full group of lanes on; below that
    /// only where the single windows do not run on SHA-NI (`window`: the kernel
    /// of the first request's window) and the plan was `measured` (the rule
    /// that then decides counts the batch's own work).
    ///
    /// Below a full group, a rule without that count packed where the lane
    /// bookkeeping ate the kernels' saving (two ±1 verifications: 0.95× the
    /// single calls on the development machine; README.md, "Kernels chosen by
    /// measurement"). With it, small batches pack where lanes side by side
    /// replace windows that waste most of a vector kernel or run one lane at a
    /// time (no SHA extensions: two SHA-1 ±1 verifications 1.26–1.39× faster;
    /// SHA-512: 1.6×; README.md, "On CPUs this machine is not"). SHA-NI windows
    /// already interleave their candidates, so a few requests never pack there
    /// — and weighing them anyway cost two SHA-1 verifications 3–4 % (0.95×
    /// against 0.99×), so they are not weighed.
    pub(super) fn may_pack_windows(
        self,
        lanes: usize,
        window: Kernel,
        measured: impl FnOnce() -> bool,
    ) -> bool {
        match self {
            Packing::Measured => lanes >= MAX_LANES || (window != Kernel::ShaNi && measured()),
            #[cfg(any(test, all(feature = "std", not(miri))))]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }

    /// Whether a generation batch of `codes` codes may be packed at all: from
    /// one full group of lanes on, or from two codes where the plan was
    /// `measured` (and a trial can then decide, [`Packing::generate`]). A
    /// single call computes one lane, so a few codes can gain on any kernel
    /// that computes lanes together, SHA-NI's interleaved streams too.
    pub(super) fn may_pack_codes(self, codes: usize, measured: impl FnOnce() -> bool) -> bool {
        match self {
            Packing::Measured => codes >= MAX_LANES || (codes >= 2 && measured()),
            #[cfg(any(test, all(feature = "std", not(miri))))]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }

    /// Whether to pack a verification pass of `requests` requests whose windows
    /// have `candidates` steps each, with the pass's measured `costs` (or, if
    /// unmeasured, `sixteen`: the kernel of the plan's sixteen lanes);
    /// `bookkeeping` gives the batch's own work per packed request, asked only
    /// when the costs decide (`calibrate`).
    pub(super) fn verify(
        self,
        costs: Option<Costs>,
        sixteen: Option<Kernel>,
        requests: usize,
        candidates: Candidates<impl Iterator<Item = usize>>,
        bookkeeping: impl FnOnce() -> Option<u64>,
    ) -> bool {
        match self {
            Packing::Measured => match costs {
                Some(costs) => {
                    let (single, total) = match candidates {
                        Candidates::Each(c) => (
                            costs
                                .lanes(c)
                                .saturating_mul(u64::try_from(requests).unwrap_or(u64::MAX)),
                            c.saturating_mul(requests),
                        ),
                        Candidates::Varied(each) => each.fold((0u64, 0usize), |(s, t), c| {
                            (s.saturating_add(costs.lanes(c)), t.saturating_add(c))
                        }),
                    };
                    weighed(costs, costs.lanes(total), single, requests, bookkeeping)
                }
                None => {
                    let total = match candidates {
                        Candidates::Each(c) => c.saturating_mul(requests),
                        Candidates::Varied(each) => each.fold(0usize, usize::saturating_add),
                    };
                    sixteen.is_some_and(packs_windows) && requests >= 2 && total >= MAX_LANES
                }
            },
            #[cfg(any(test, all(feature = "std", not(miri))))]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }

    /// Whether to pack a generation pass of `requests` codes, on a plan that
    /// was `measured` or not (`sixteen` as for [`Packing::verify`]). Measured,
    /// `tried`
    /// answers: whether packing that many codes ran a fifth faster than their
    /// single calls in this process's trial (`calibrate`), sixteen answering
    /// for more. Without a trial (or a measured plan), the kernel of sixteen lanes
    /// decides, from sixteen codes on (`may_pack_codes` holds smaller
    /// unmeasured batches back).
    pub(super) fn generate(
        self,
        measured: bool,
        sixteen: Option<Kernel>,
        requests: usize,
        tried: impl FnOnce() -> Option<bool>,
    ) -> bool {
        match self {
            Packing::Measured if measured => match tried() {
                Some(packs) => requests >= 2 && packs,
                None => requests >= MAX_LANES && sixteen.is_some_and(packs_codes),
            },
            Packing::Measured => requests >= 2 && sixteen.is_some_and(packs_codes),
            #[cfg(any(test, all(feature = "std", not(miri))))]
            Packing::Always => true,
            #[cfg(test)]
            Packing::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Candidates, Kernel, Packing};
    use crate::accel::Costs;

    /// Measured plans pack codes where the process's trial says so, at every
    /// size but one; without a trial, from sixteen codes by the kernel of
    /// sixteen lanes.
    #[test]
    fn measured_codes_pack_as_tried() {
        let generate = |n: usize, tried: Option<bool>| {
            Packing::Measured.generate(true, Some(Kernel::Avx512), n, || tried)
        };
        for n in [2, 4, 15, 16, 10_000] {
            assert!(generate(n, Some(true)), "{n}");
            assert!(!generate(n, Some(false)), "{n}");
        }
        assert!(!generate(1, Some(true)));
        let untried =
            |n: usize, sixteen: Kernel| Packing::Measured.generate(true, Some(sixteen), n, || None);
        assert!(!untried(15, Kernel::Avx512));
        assert!(untried(16, Kernel::Avx512));
        assert!(untried(10_000, Kernel::ShaNi));
        assert!(!untried(16, Kernel::Portable));
    }

    /// The plans measured on the development machine (Zen 4, warm trials;
    /// README.md, "Batch against single calls") with the batch's measured work
    /// (15–20 ns a request): `n` ±1 verifications, packed = their `3n` lanes in
    /// groups of sixteen, single = `n` three-lane windows.
    #[test]
    fn packing_windows_must_save_a_fifth() {
        let verify = |costs: [u16; 16], n: usize| {
            let costs = Costs::from_for_test(costs);
            let work = || Some(17);
            let each = Packing::Measured.verify(Some(costs), None, n, Candidates::each(3), work);
            let varied = Candidates::Varied(core::iter::repeat_n(3, n));
            assert_eq!(
                each,
                Packing::Measured.verify(Some(costs), None, n, varied, work)
            );
            each
        };
        let sha1 = [
            60, 80, 100, 115, 175, 185, 205, 220, 280, 290, 295, 300, 300, 300, 300, 305,
        ];
        let sha256 = [
            80, 80, 115, 160, 240, 235, 270, 310, 390, 385, 415, 461, 541, 535, 571, 576,
        ];
        let sha512 = [
            475, 691, 696, 706, 706, 716, 731, 736, 1407, 1417, 1427, 1437, 1437, 1452, 1457, 1462,
        ];
        // SHA-1: eight ran at 0.99× packed, sixteen 1.12× faster.
        assert!(!verify(sha1, 8));
        assert!(verify(sha1, 16));
        // SHA-256: packing is slower, with the quiet plan and with one timed
        // in a slow phase (three SHA-NI lanes 150 ns, sixteen AVX-512 600).
        assert!(!verify(sha256, 8));
        assert!(!verify(sha256, 16));
        let mut slow = sha256;
        (slow[2], slow[15]) = (150, 600);
        assert!(!verify(slow, 16));
        // SHA-512: 2.2× faster packed.
        assert!(verify(sha512, 8));
        assert!(verify(sha512, 16));
        // Without a measurement, half a lane (30 ns here): more cautious,
        // SHA-1's sixteen do not pack.
        let costs = Costs::from_for_test(sha1);
        assert!(!Packing::Measured.verify(Some(costs), None, 16, Candidates::each(3), || None));
    }

    /// SHA-512 with only SHA-NI and AVX2 allowed on the development machine
    /// (Zen 4, `OTPCORE_KERNELS=portable,shani,avx2`; README.md, "On CPUs this
    /// machine is not"): one portable lane 481 ns, three AVX2 lanes 726,
    /// sixteen 2,879. Packing sixteen ±1 verifications ran at 586 ns each
    /// against 740 single: the batch's measured work per request (12–25 ns)
    /// lets it pack; half a lane (240 ns) did not.
    #[test]
    fn the_measured_bookkeeping_decides_not_half_a_lane() {
        let mut sha512 = [0u16; 16];
        for (n, c) in sha512.iter_mut().enumerate() {
            // Portable for one lane, then AVX2's four-lane steps.
            *c = [
                481, 720, 726, 730, 1440, 1445, 1450, 1455, 2160, 2165, 2170, 2175, 2870, 2875,
                2877, 2879,
            ][n];
        }
        let costs = Costs::from_for_test(sha512);
        let verify = |n: usize, bookkeeping: Option<u64>| {
            Packing::Measured.verify(Some(costs), None, n, Candidates::each(3), || bookkeeping)
        };
        assert!(!verify(16, None), "half a lane refuses");
        assert!(verify(16, Some(17)));
        assert!(verify(8, Some(17)));
        // Work as costly as the saving refuses again.
        assert!(!verify(16, Some(100)));
    }

    /// Unmeasured plans (forced, or the table without a clock): windows pack
    /// only on side-by-side lanes and from one full group of lanes, codes on
    /// any kernel but the portable one; never a single request.
    #[test]
    fn unmeasured_plans_pack_by_the_kernel_of_sixteen_lanes() {
        let pack = Packing::Measured;
        let windows = |n: usize| core::iter::repeat_n(3, n);
        // Without costs there is nothing to weigh the batch's work against.
        let no_call = || -> Option<u64> { panic!("bookkeeping asked for an unmeasured plan") };
        let no_trial = || -> Option<bool> { panic!("trial asked for an unmeasured plan") };
        for (kernel, windows_pack, codes_pack) in [
            (Kernel::Portable, false, false),
            (Kernel::ShaNi, false, true),
            (Kernel::Avx2, true, true),
            (Kernel::Avx512, true, true),
        ] {
            assert_eq!(
                pack.verify(
                    None,
                    Some(kernel),
                    6,
                    Candidates::Varied(windows(6)),
                    no_call
                ),
                windows_pack,
                "{kernel}"
            );
            let small = |n: usize| {
                pack.verify(
                    None,
                    Some(kernel),
                    n,
                    Candidates::Varied(windows(n)),
                    no_call,
                )
            };
            // Fewer lanes than one group: never, without costs to weigh them.
            assert!(!small(2), "{kernel}");
            assert_eq!(
                pack.generate(false, Some(kernel), 2, no_trial),
                codes_pack,
                "{kernel}"
            );
            assert!(!small(1), "{kernel}");
            assert!(!pack.generate(false, Some(kernel), 1, no_trial), "{kernel}");
        }
        assert!(!pack.verify(None, None, 6, Candidates::Varied(windows(6)), no_call));
        assert!(!pack.generate(false, None, 2, no_trial));
    }
}
