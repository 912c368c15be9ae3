//! What every kernel computes on: a key's two pad states ([`Pads`]), whose pads
//! each lane uses ([`Keys`]), and the full lane arrays the backends take.
//!
//! Shared by `crate::mac` (which builds the pad states) and every kernel, and
//! importing neither: the layer below both.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// The most lanes one call computes at a time.
pub(crate) const MAX_LANES: usize = 16;

/// The chaining states after the inner (`K0 ⊕ ipad`) and outer (`K0 ⊕ opad`) key
/// blocks (RFC 2104 §2).
///
/// # Security
/// Either state is as good as the key for forging codes: both are wiped on drop
/// and never printed (no `Debug`). The portable kernel wipes the working copies
/// it makes (see `accel::portable` for what that cannot reach); the SIMD kernels
/// load the states into vector registers.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Pads<S: Zeroize> {
    pub(crate) inner: S,
    pub(crate) outer: S,
}

/// Whose pad states the lanes use.
#[derive(Clone, Copy)]
pub(crate) enum Keys<'a, S: Zeroize, const L: usize> {
    /// One key for every lane (the steps of a verification window).
    Same(&'a Pads<S>),
    /// Lane `l` uses `keys[l]` (a batch over many credentials).
    Each(&'a [&'a Pads<S>; L]),
}

impl<'a, S: Zeroize, const L: usize> Keys<'a, S, L> {
    /// Every lane's key.
    pub(crate) fn lanes(self) -> [&'a Pads<S>; L] {
        match self {
            Keys::Same(key) => [key; L],
            Keys::Each(keys) => *keys,
        }
    }

    /// The keys of lanes `0..P`, `P..2P`, …: the group cut into the smaller
    /// groups a kernel takes (`L / P` of them).
    #[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
    pub(crate) fn parts<const P: usize>(self) -> impl Iterator<Item = Keys<'a, S, P>> {
        // One of the two below is empty: a shared key is repeated `L / P` times,
        // a key array is cut into `P`-lane chunks (borrowed, not copied).
        let (same, each): (Option<&'a Pads<S>>, &'a [[&'a Pads<S>; P]]) = match self {
            Keys::Same(key) => (Some(key), &[]),
            Keys::Each(keys) => (None, keys.as_chunks::<P>().0),
        };
        let count = if same.is_some() {
            L.checked_div(P).unwrap_or(0)
        } else {
            0
        };
        core::iter::repeat_n(same, count)
            .flatten()
            .map(Keys::Same)
            .chain(each.iter().map(Keys::Each))
    }
}

/// The first `N` (at most 4) of four lanes' values: a SHA-NI chunk cut to the
/// lanes wanted. Built by copying, not indexing, so there is no bound to check.
#[cfg(all(target_arch = "x86_64", not(otpcore_backend = "soft"), not(miri)))]
#[inline]
pub(crate) fn first_lanes<T: Copy, const N: usize>(four: [T; 4]) -> [T; N] {
    let [first, ..] = four;
    let mut out = [first; N];
    for (o, value) in out.iter_mut().zip(four) {
        *o = value;
    }
    out
}

/// `first`, `first + 1`, … (wrapping) for a run of steps, in a full lane array.
pub(crate) fn counters(first: u64) -> [u64; MAX_LANES] {
    run_counters(first)
}

/// `first`, `first + 1`, … `first + N - 1` (wrapping).
#[inline]
pub(crate) fn run_counters<const N: usize>(first: u64) -> [u64; N] {
    let mut out = [first; N];
    for (c, i) in out.iter_mut().zip(0u64..) {
        *c = first.wrapping_add(i);
    }
    out
}

/// The counters in a full lane array (unused lanes 0).
pub(crate) fn lane_counters(counters: &[u64]) -> [u64; MAX_LANES] {
    let mut out = [0u64; MAX_LANES];
    for (o, c) in out.iter_mut().zip(counters) {
        *o = *c;
    }
    out
}

/// The keys in a full lane array (unused lanes repeat the first); `None` if
/// there are none.
pub(crate) fn lane_keys<'a, S: Zeroize>(keys: &[&'a Pads<S>]) -> Option<[&'a Pads<S>; MAX_LANES]> {
    let first = keys.first()?;
    let mut out = [*first; MAX_LANES];
    for (o, k) in out.iter_mut().zip(keys) {
        *o = k;
    }
    Some(out)
}
