//! Many codes at once: [`generate_batch`] and [`verify_batch`].
//!
//! A server that checks many logins (or precomputes many codes) can hand them
//! over together. The HMACs of different credentials are independent, so they are
//! computed side by side: sixteen SHA-1 or SHA-256 lanes in AVX-512 registers,
//! eight in AVX2, or four interleaved SHA-NI streams, whichever the CPU offers
//! (detected at run time; without `std` or off x86-64, one at a time). The
//! results are exactly those of [`Totp::generate_at`], [`Totp::verify_at`],
//! [`Hotp::generate`] and [`Hotp::verify`] on each request alone.
//!
//! Nothing is allocated: the caller provides the result slice.
//!
//! ```
//! use otpcore::{verify_batch, Secret, Totp, TotpConfig, VerifyRequest, Window};
//! let alice = Totp::new(&Secret::from_bytes(b"12345678901234567890")?, TotpConfig::default());
//! let bob = Totp::new(&Secret::from_bytes(b"abcdefghijklmnopqrst")?, TotpConfig::default());
//! let now = 59;
//! let requests = [
//!     VerifyRequest::totp(&alice, "287082", now, Window::default(), None),
//!     VerifyRequest::totp(&bob, "000000", now, Window::default(), None),
//! ];
//! let mut results = [Ok(otpcore::Match { step: 0, offset: 0 }); 2];
//! verify_batch(&requests, &mut results)?;
//! assert_eq!(results[0].map(|m| m.step), Ok(1));
//! assert!(results[1].is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use crate::accel::MAX_LANES;
use crate::mac::KeyedMac;
use crate::verify::Scan;
use crate::{Algorithm, Code, Digits, Hotp, Match, TimeError, Totp, VerifyError, Window};

/// Why a batch was refused before anything was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchError {
    /// The result slice is not as long as the request slice.
    LengthMismatch {
        /// Number of requests.
        requests: usize,
        /// Number of result slots.
        results: usize,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::LengthMismatch { requests, results } => {
                write!(f, "{requests} requests but {results} result slots")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BatchError {}

/// One code to generate in [`generate_batch`].
#[derive(Clone, Copy)]
pub struct GenerateRequest<'a> {
    mac: &'a KeyedMac,
    digits: Digits,
    step: Result<u64, TimeError>,
}

impl<'a> GenerateRequest<'a> {
    /// The HOTP code for `counter`, as [`Hotp::generate`].
    #[must_use]
    pub fn hotp(hotp: &'a Hotp, counter: u64) -> Self {
        GenerateRequest {
            mac: hotp.keyed_mac(),
            digits: hotp.config().digits,
            step: Ok(counter),
        }
    }

    /// The TOTP code at unix time `at`, as [`Totp::generate_at`]; a time before
    /// `t0` yields [`TimeError::BeforeT0`] in its result slot.
    #[must_use]
    pub fn totp(totp: &'a Totp, at: u64) -> Self {
        GenerateRequest {
            mac: totp.keyed_mac(),
            digits: totp.config().digits,
            step: totp.step_at(at),
        }
    }
}

impl fmt::Debug for GenerateRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateRequest")
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// One code to check in [`verify_batch`].
#[derive(Clone, Copy)]
pub struct VerifyRequest<'a> {
    mac: &'a KeyedMac,
    digits: Digits,
    input: &'a str,
    expected: Result<u64, TimeError>,
    window: Window,
    last_used: Option<u64>,
}

impl<'a> VerifyRequest<'a> {
    /// As [`Hotp::verify`]`(input, counter, window, last_used)`.
    #[must_use]
    pub fn hotp(
        hotp: &'a Hotp,
        input: &'a str,
        counter: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Self {
        VerifyRequest {
            mac: hotp.keyed_mac(),
            digits: hotp.config().digits,
            input,
            expected: Ok(counter),
            window,
            last_used,
        }
    }

    /// As [`Totp::verify_at`]`(input, at, window, last_used)`.
    #[must_use]
    pub fn totp(
        totp: &'a Totp,
        input: &'a str,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Self {
        VerifyRequest {
            mac: totp.keyed_mac(),
            digits: totp.config().digits,
            input,
            expected: totp.step_at(at),
            window,
            last_used,
        }
    }

    fn start(&self) -> Result<Scan, VerifyError> {
        let expected = self.expected?;
        let digits = self.digits;
        Scan::start(
            self.input,
            |text| Code::parse(text, digits).map(|code| code.value()),
            expected,
            self.window,
            self.last_used,
        )
    }
}

impl fmt::Debug for VerifyRequest<'_> {
    /// Leaves out the code the user typed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("expected", &self.expected)
            .field("window", &self.window)
            .field("last_used", &self.last_used)
            .finish_non_exhaustive()
    }
}

const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

/// The hash functions that occur in a batch, in [`ALGORITHMS`] order: one pass
/// per hash function keeps every group of lanes uniform, and absent ones cost
/// nothing.
fn present(macs: impl Iterator<Item = Algorithm>) -> impl Iterator<Item = Algorithm> {
    let mut seen = [false; 3];
    for algorithm in macs {
        if let Some((_, flag)) = ALGORITHMS
            .iter()
            .zip(seen.iter_mut())
            .find(|(a, _)| **a == algorithm)
        {
            *flag = true;
        }
    }
    ALGORITHMS
        .into_iter()
        .zip(seen)
        .filter_map(|(algorithm, seen)| seen.then_some(algorithm))
}

/// Up to [`MAX_LANES`] HMACs waiting to be computed together.
struct Lanes<'a> {
    macs: [&'a KeyedMac; MAX_LANES],
    counters: [u64; MAX_LANES],
    /// Which request (generate) or scan slot (verify) each lane belongs to.
    owners: [usize; MAX_LANES],
    len: usize,
    values: [u32; MAX_LANES],
}

impl<'a> Lanes<'a> {
    fn new(filler: &'a KeyedMac) -> Self {
        Lanes {
            macs: [filler; MAX_LANES],
            counters: [0; MAX_LANES],
            owners: [0; MAX_LANES],
            len: 0,
            values: [0; MAX_LANES],
        }
    }

    fn room(&self) -> usize {
        MAX_LANES.saturating_sub(self.len)
    }

    fn push(&mut self, mac: &'a KeyedMac, counter: u64, owner: usize) {
        if let (Some(m), Some(c), Some(o)) = (
            self.macs.get_mut(self.len),
            self.counters.get_mut(self.len),
            self.owners.get_mut(self.len),
        ) {
            (*m, *c, *o) = (mac, counter, owner);
            self.len = self.len.saturating_add(1);
        }
    }

    /// Computes every waiting lane; returns `(owner, truncated MAC)` pairs in the
    /// order they were pushed, and empties the buffer.
    fn compute(&mut self) -> impl Iterator<Item = (usize, u32)> + '_ {
        let len = self.len;
        self.len = 0;
        let n = len.min(MAX_LANES);
        if let (Some(macs), Some(counters), Some(values)) = (
            self.macs.get(..n),
            self.counters.get(..n),
            self.values.get_mut(..n),
        ) {
            KeyedMac::truncated_lanes(macs, counters, values);
        }
        self.owners
            .iter()
            .copied()
            .zip(self.values.iter().copied())
            .take(n)
    }
}

fn check_lengths(requests: usize, results: usize) -> Result<(), BatchError> {
    if requests == results {
        Ok(())
    } else {
        Err(BatchError::LengthMismatch { requests, results })
    }
}

/// Generates `codes[i]` for `requests[i]`, computing up to sixteen HMACs at a
/// time.
///
/// # Errors
/// [`BatchError::LengthMismatch`] if the slices differ in length (nothing is
/// written then). A request's own failure (a time before `t0`) goes into its slot.
///
/// # Security
/// As [`Totp::generate_at`]: constant time in the secrets; the work depends only
/// on the number of requests and their algorithms.
pub fn generate_batch(
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
) -> Result<(), BatchError> {
    check_lengths(requests.len(), codes.len())?;
    let Some(first) = requests.first() else {
        return Ok(());
    };
    for algorithm in present(requests.iter().map(|r| r.mac.algorithm())) {
        let mut lanes = Lanes::new(first.mac);
        for (index, request) in requests.iter().enumerate() {
            if request.mac.algorithm() != algorithm {
                continue;
            }
            match request.step {
                Ok(step) => lanes.push(request.mac, step, index),
                Err(e) => {
                    if let Some(slot) = codes.get_mut(index) {
                        *slot = Err(e);
                    }
                }
            }
            if lanes.room() == 0 {
                write_codes(&mut lanes, requests, codes);
            }
        }
        write_codes(&mut lanes, requests, codes);
    }
    Ok(())
}

fn write_codes(
    lanes: &mut Lanes<'_>,
    requests: &[GenerateRequest<'_>],
    codes: &mut [Result<Code, TimeError>],
) {
    for (index, value) in lanes.compute() {
        if let (Some(request), Some(slot)) = (requests.get(index), codes.get_mut(index)) {
            *slot = Ok(Code::new(request.digits.reduce(value), request.digits));
        }
    }
}

/// A scan in progress and the request it answers.
struct Slot {
    request: usize,
    digits: Digits,
    scan: Scan,
}

/// Scans in progress; a request occupies one from its first lane until the flush
/// that computes its last. At most `MAX_LANES` are ever in use (each has a lane
/// in the buffer, or is the one being filled).
type Slots = [Option<Slot>; MAX_LANES + 1];

/// Verifies `requests[i]` into `results[i]`, computing up to sixteen candidate
/// HMACs at a time across requests.
///
/// # Errors
/// [`BatchError::LengthMismatch`] if the slices differ in length (nothing is
/// written then). Each request's own outcome — a [`Match`] or a [`VerifyError`] —
/// goes into its slot, exactly as [`Totp::verify_at`] / [`Hotp::verify`] return it.
///
/// # Security
/// Each request is scanned like a single verification: every candidate in its
/// window is computed and folded in constant time, no early exit. The work depends
/// only on the public shape of the batch (window sizes, algorithms, which inputs
/// are well-formed), not on secrets or on which codes match.
pub fn verify_batch(
    requests: &[VerifyRequest<'_>],
    results: &mut [Result<Match, VerifyError>],
) -> Result<(), BatchError> {
    check_lengths(requests.len(), results.len())?;
    let Some(first) = requests.first() else {
        return Ok(());
    };
    for algorithm in present(requests.iter().map(|r| r.mac.algorithm())) {
        let mut lanes = Lanes::new(first.mac);
        let mut slots: Slots = Default::default();
        let mut used = 0usize;
        for (index, request) in requests.iter().enumerate() {
            if request.mac.algorithm() != algorithm {
                continue;
            }
            let scan = match request.start() {
                Ok(scan) => scan,
                Err(e) => {
                    if let Some(slot) = results.get_mut(index) {
                        *slot = Err(e);
                    }
                    continue;
                }
            };
            if used >= slots.len() {
                used = fold_lanes(&mut lanes, &mut slots, used, results, None);
            }
            let mut current = used;
            if let Some(slot) = slots.get_mut(current) {
                *slot = Some(Slot {
                    request: index,
                    digits: request.digits,
                    scan,
                });
            }
            used = used.saturating_add(1);
            // Hand this request's candidates to the lanes, flushing whenever full.
            while let Some(Some(slot)) = slots.get_mut(current) {
                let Some((first_step, count)) = slot.scan.next_run(lanes.room()) else {
                    break;
                };
                let mut step = first_step;
                for _ in 0..count {
                    lanes.push(request.mac, step, current);
                    step = step.wrapping_add(1);
                }
                if lanes.room() == 0 {
                    used = fold_lanes(&mut lanes, &mut slots, used, results, Some(current));
                    current = 0;
                }
            }
        }
        fold_lanes(&mut lanes, &mut slots, used, results, None);
    }
    Ok(())
}

/// Computes the waiting lanes, folds each into its scan, and finishes every scan
/// in slots `..used` whose candidates are all folded. The scan in slot `keep`, if
/// unfinished, moves to slot 0. Returns the number of slots now in use.
fn fold_lanes(
    lanes: &mut Lanes<'_>,
    slots: &mut Slots,
    used: usize,
    results: &mut [Result<Match, VerifyError>],
    keep: Option<usize>,
) -> usize {
    for (owner, value) in lanes.compute() {
        if let Some(Some(slot)) = slots.get_mut(owner) {
            slot.scan.fold(u64::from(slot.digits.reduce(value)));
        }
    }
    let mut carried = false;
    for (index, entry) in slots.iter_mut().enumerate().take(used) {
        match entry {
            Some(slot) if keep == Some(index) && !slot.scan.exhausted() => carried = true,
            Some(_) => {
                if let Some(slot) = entry.take() {
                    if let Some(result) = results.get_mut(slot.request) {
                        // Branch-free (`Scan::finish`): a branch here is predicted
                        // from the neighbours' outcomes (SECURITY.md, |t| = 72).
                        *result = slot.scan.finish();
                    }
                }
            }
            None => {}
        }
    }
    match keep {
        Some(index) if carried => {
            slots.swap(0, index);
            1
        }
        _ => 0,
    }
}
