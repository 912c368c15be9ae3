//! The keyed HMAC state: RFC 2104 with the key's pad blocks absorbed once.
//!
//! HMAC(K, m) = H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ m)). Both pad blocks depend only on
//! the key, so [`KeyedMac::new`] compresses them once and keeps the two chaining
//! states. An HOTP message (an 8-byte counter) fits in one block with its padding,
//! and so does the inner digest, so every code then costs exactly two calls of the
//! compression function and nothing else: no buffering, no `Clone` of a hasher, no
//! allocation. [`crate::accel`] runs those calls, several codes at a time where the
//! CPU allows it, on the backend (`accel::Backend`) detected when the key is absorbed.

use zeroize::{Zeroize, Zeroizing};

#[cfg(test)]
use crate::accel::Backend;
use crate::accel::{self, Pads, Plan};
use crate::{Algorithm, Secret};

/// HMAC with the key already absorbed, and the kernels to run it with.
#[derive(Clone)]
pub(crate) struct KeyedMac {
    /// The process's plan for this hash function, copied in [`KeyedMac::new`]:
    /// every code of this key runs on it, and nothing is asked again.
    plan: Plan,
    pads: HashPads,
}

/// The pad states, for one of the three hash functions.
#[derive(Clone)]
enum HashPads {
    Sha1(Pads<[u32; 5]>),
    Sha256(Pads<[u32; 8]>),
    Sha512(Pads<[u64; 8]>),
}

const SHA1_IV: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
const SHA512_IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// `K0 ⊕ ipad` and `K0 ⊕ opad` (RFC 2104 §2) for a `B`-byte block: keys longer than
/// a block are hashed first (`digest`), shorter ones are zero-padded. Every
/// intermediate copy of the key is wiped when this returns.
fn pad_blocks<const B: usize>(
    key: &[u8],
    digest: impl FnOnce(&[u8], &mut [u8; B]),
) -> (Zeroizing<[u8; B]>, Zeroizing<[u8; B]>) {
    let mut k0 = Zeroizing::new([0u8; B]);
    if key.len() > B {
        digest(key, &mut k0);
    } else {
        for (dst, src) in k0.iter_mut().zip(key) {
            *dst = *src;
        }
    }
    let mut ipad = Zeroizing::new([0x36u8; B]);
    let mut opad = Zeroizing::new([0x5cu8; B]);
    for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(k0.iter()) {
        *i ^= k;
        *o ^= k;
    }
    (ipad, opad)
}

/// Writes `H(key)` into the front of `k0`, wiping the hasher's copy.
fn hash_into<D: sha1::Digest>(key: &[u8], k0: &mut [u8]) {
    let mut h = D::digest(key);
    for (dst, src) in k0.iter_mut().zip(h.iter()) {
        *dst = *src;
    }
    h.as_mut_slice().zeroize();
}

impl KeyedMac {
    pub(crate) fn new(secret: &Secret, algorithm: Algorithm) -> Self {
        KeyedMac::with_plan(secret, algorithm, Plan::current(algorithm))
    }

    /// [`KeyedMac::new`] on a given backend, so tests can drive every path through
    /// each backend this CPU has.
    #[cfg(test)]
    pub(crate) fn with_backend(secret: &Secret, algorithm: Algorithm, backend: Backend) -> Self {
        KeyedMac::with_plan(secret, algorithm, Plan::only(backend))
    }

    /// [`KeyedMac::new`] on a given plan.
    fn with_plan(secret: &Secret, algorithm: Algorithm, plan: Plan) -> Self {
        KeyedMac {
            plan,
            pads: HashPads::new(secret.expose_bytes(), algorithm),
        }
    }

    /// A key of public, made-up bytes on a given plan, made without
    /// allocating: the batch's calibration keys, which run on the plan of the
    /// batch they calibrate.
    #[cfg(all(feature = "std", not(miri)))]
    pub(crate) fn made_up(key: &[u8], algorithm: Algorithm, plan: Plan) -> Self {
        KeyedMac {
            plan,
            pads: HashPads::new(key, algorithm),
        }
    }

    /// The plan this key runs on (the batch reads its measured costs).
    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        match self.pads {
            HashPads::Sha1(_) => Algorithm::Sha1,
            HashPads::Sha256(_) => Algorithm::Sha256,
            HashPads::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// `out[i]` = the truncated HMAC of `counters[i]` under `macs[i]`, for the
    /// first `out.len()` lanes (at most [`accel::MAX_LANES`]). Lanes that all use
    /// one hash function are computed side by side, on the backend the first
    /// key's plan names for that many lanes; a mix one by one.
    pub(crate) fn truncated_lanes(macs: &[&KeyedMac], counters: &[u64], out: &mut [u32]) {
        let Some(first) = macs.first() else {
            return;
        };
        let plan = &first.plan;
        match &first.pads {
            HashPads::Sha1(pads) => {
                let mut keys = [pads; accel::MAX_LANES];
                if uniform(&mut keys, macs, |m| match &m.pads {
                    HashPads::Sha1(p) => Some(p),
                    _ => None,
                }) {
                    return accel::sha1_lanes(plan, &keys, counters, out);
                }
            }
            HashPads::Sha256(pads) => {
                let mut keys = [pads; accel::MAX_LANES];
                if uniform(&mut keys, macs, |m| match &m.pads {
                    HashPads::Sha256(p) => Some(p),
                    _ => None,
                }) {
                    return accel::sha256_lanes(plan, &keys, counters, out);
                }
            }
            HashPads::Sha512(pads) => {
                let mut keys = [pads; accel::MAX_LANES];
                if uniform(&mut keys, macs, |m| match &m.pads {
                    HashPads::Sha512(p) => Some(p),
                    _ => None,
                }) {
                    return accel::sha512_lanes(plan, &keys, counters, out);
                }
            }
        }
        for ((mac, counter), out) in macs.iter().zip(counters).zip(out) {
            *out = mac.truncated(*counter);
        }
    }

    /// The 31-bit dynamically truncated HMAC of the big-endian counter
    /// (RFC 4226 §5.3 `DT(HMAC(K, C))`).
    ///
    /// Out of line, so that every single code — `Totp::generate_at`, and a
    /// batch's single calls (`generate_batch` inlines into its caller) — runs
    /// this one copy: inlined, the batch's copy was instantiated in the
    /// caller's crate and placed elsewhere, and the bench read a batch of one
    /// SHA-512 code at 0.81× the single call (no SHA-NI, Zen 4); a harness
    /// alternating the two read 0.89–0.99× inlined against 0.97–1.01× out of
    /// line, no slower per code (README.md, "On CPUs this machine is not").
    #[inline(never)]
    pub(crate) fn truncated(&self, counter: u64) -> u32 {
        let [value] = self.truncated_window::<1>(counter);
        value
    }

    /// `out[i]` = the truncated HMAC of counter `first + i` (wrapping; callers
    /// ignore lanes past the last real step). All of `out` is computed, whatever
    /// the values: the work depends only on `out.len()`.
    #[inline]
    pub(crate) fn truncated_run(&self, first: u64, out: &mut [u32]) {
        match &self.pads {
            HashPads::Sha1(p) => accel::sha1_run(&self.plan, p, first, out),
            HashPads::Sha256(p) => accel::sha256_run(&self.plan, p, first, out),
            HashPads::Sha512(p) => accel::sha512_run(&self.plan, p, first, out),
        }
    }

    /// [`KeyedMac::truncated_run`] for exactly `N` steps (`N <= MAX_LANES`),
    /// returned by value: the candidates of a small verification window, which
    /// SHA-NI computes without lane arrays (`accel::sha1_window`).
    #[inline]
    pub(crate) fn truncated_window<const N: usize>(&self, first: u64) -> [u32; N] {
        match &self.pads {
            HashPads::Sha1(p) => accel::sha1_window::<N>(&self.plan, p, first),
            HashPads::Sha256(p) => accel::sha256_window::<N>(&self.plan, p, first),
            HashPads::Sha512(p) => accel::sha512_window::<N>(&self.plan, p, first),
        }
    }
}

impl HashPads {
    /// Absorbs the key's two pad blocks (RFC 2104 §2).
    fn new(key: &[u8], algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha1 => {
                let (ipad, opad) = pad_blocks::<64>(key, |k, k0| hash_into::<sha1::Sha1>(k, k0));
                let mut pads = Pads {
                    inner: SHA1_IV,
                    outer: SHA1_IV,
                };
                sha1::block_api::compress(&mut pads.inner, core::slice::from_ref(&*ipad));
                sha1::block_api::compress(&mut pads.outer, core::slice::from_ref(&*opad));
                HashPads::Sha1(pads)
            }
            Algorithm::Sha256 => {
                let (ipad, opad) = pad_blocks::<64>(key, |k, k0| hash_into::<sha2::Sha256>(k, k0));
                let mut pads = Pads {
                    inner: SHA256_IV,
                    outer: SHA256_IV,
                };
                sha2::block_api::compress256(&mut pads.inner, core::slice::from_ref(&*ipad));
                sha2::block_api::compress256(&mut pads.outer, core::slice::from_ref(&*opad));
                HashPads::Sha256(pads)
            }
            Algorithm::Sha512 => {
                let (ipad, opad) = pad_blocks::<128>(key, |k, k0| hash_into::<sha2::Sha512>(k, k0));
                let mut pads = Pads {
                    inner: SHA512_IV,
                    outer: SHA512_IV,
                };
                sha2::block_api::compress512(&mut pads.inner, core::slice::from_ref(&*ipad));
                sha2::block_api::compress512(&mut pads.outer, core::slice::from_ref(&*opad));
                HashPads::Sha512(pads)
            }
        }
    }
}

/// Fills `keys` with each lane's pad states; `false` if some lane uses another
/// hash function.
fn uniform<'a, S: Zeroize>(
    keys: &mut [&'a Pads<S>],
    macs: &[&'a KeyedMac],
    pads: impl Fn(&'a KeyedMac) -> Option<&'a Pads<S>>,
) -> bool {
    let mut all = true;
    for (key, mac) in keys.iter_mut().zip(macs) {
        match pads(mac) {
            Some(p) => *key = p,
            None => all = false,
        }
    }
    all
}

#[cfg(test)]
// Test arithmetic on small constants cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
mod tests;
