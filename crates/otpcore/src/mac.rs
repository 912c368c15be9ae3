//! The keyed HMAC state: RFC 2104 with the key's pad blocks absorbed once.
//!
//! HMAC(K, m) = H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ m)). Both pad blocks depend only on
//! the key, so [`KeyedMac::new`] compresses them once and keeps the two chaining
//! states. An HOTP message (an 8-byte counter) fits in one block with its padding,
//! and so does the inner digest, so every code then costs exactly two calls of the
//! compression function and nothing else: no buffering, no `Clone` of a hasher, no
//! allocation. [`crate::accel`] runs those calls, several codes at a time where the
//! CPU allows it, on the [`Backend`] detected when the key is absorbed.

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
        KeyedMac {
            plan: Plan::current(algorithm),
            pads: HashPads::new(secret, algorithm),
        }
    }

    /// [`KeyedMac::new`] on a given backend, so tests can drive every path through
    /// each backend this CPU has.
    #[cfg(test)]
    pub(crate) fn with_backend(secret: &Secret, algorithm: Algorithm, backend: Backend) -> Self {
        KeyedMac {
            plan: Plan::only(backend),
            pads: HashPads::new(secret, algorithm),
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
    #[inline]
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
            HashPads::Sha512(p) => {
                let mut out = [0u32; N];
                accel::sha512_run(&self.plan, p, first, &mut out);
                out
            }
        }
    }
}

impl HashPads {
    /// Absorbs the key's two pad blocks (RFC 2104 §2).
    fn new(secret: &Secret, algorithm: Algorithm) -> Self {
        let key = secret.expose_bytes();
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
mod tests {
    use super::*;
    use crate::scan::scan_with;
    use crate::verify::{Match, VerifyError, Window};
    use hmac::{Hmac, KeyInit, Mac};

    const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    fn reference<M: Mac + KeyInit>(key: &[u8], counter: u64) -> u32 {
        let mut mac = <M as KeyInit>::new_from_slice(key).unwrap();
        mac.update(&counter.to_be_bytes());
        let out = mac.finalize().into_bytes();
        let offset = usize::from(out[out.len() - 1] & 0x0f);
        u32::from_be_bytes(out[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff
    }

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890").unwrap()
    }

    /// Key lengths around every block boundary, against the `hmac` crate, on
    /// every backend this CPU has.
    #[test]
    fn agrees_with_the_hmac_crate() {
        for len in [10usize, 16, 20, 63, 64, 65, 127, 128, 129, 200, 1024] {
            let key: alloc::vec::Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            let secret = Secret::from_bytes_with_policy(&key, crate::SecretPolicy::Legacy).unwrap();
            for backend in Backend::available() {
                let mac = |algorithm| KeyedMac::with_backend(&secret, algorithm, backend);
                for counter in [0u64, 1, 59, 0x0123_4567_89ab_cdef, u64::MAX] {
                    assert_eq!(
                        mac(Algorithm::Sha1).truncated(counter),
                        reference::<Hmac<sha1::Sha1>>(&key, counter)
                    );
                    assert_eq!(
                        mac(Algorithm::Sha256).truncated(counter),
                        reference::<Hmac<sha2::Sha256>>(&key, counter)
                    );
                    assert_eq!(
                        mac(Algorithm::Sha512).truncated(counter),
                        reference::<Hmac<sha2::Sha512>>(&key, counter)
                    );
                }
            }
        }
    }

    /// `new` keeps the process's plan for its hash function.
    #[test]
    fn new_keeps_the_plan() {
        let _plan = crate::accel::tests::PLAN_LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for algorithm in ALGORITHMS {
            let mac = KeyedMac::new(&rfc_secret(), algorithm);
            assert_eq!(mac.plan, Plan::current(algorithm));
        }
    }

    /// Runs of every group length, and one across two groups, agree with single
    /// codes on the portable backend, on every backend.
    #[test]
    fn runs_agree_with_single_codes() {
        let secret = rfc_secret();
        for algorithm in ALGORITHMS {
            let portable = KeyedMac::with_backend(&secret, algorithm, Backend::PORTABLE);
            for first in [0u64, 1_000, u64::MAX - 3] {
                let expected: [u32; 21] =
                    core::array::from_fn(|i| portable.truncated(first.wrapping_add(i as u64)));
                for backend in Backend::available() {
                    let m = KeyedMac::with_backend(&secret, algorithm, backend);
                    for len in (0..=accel::MAX_LANES).chain([21]) {
                        let mut out = [0u32; 21];
                        m.truncated_run(first, &mut out[..len]);
                        assert_eq!(out[..len], expected[..len], "{algorithm} {backend:?} {len}");
                    }
                }
            }
        }
    }

    /// The batch path: lanes of several keys, all one hash function or mixed, at
    /// every lane count, on every backend.
    #[test]
    fn lanes_agree_with_single_codes() {
        let secrets: alloc::vec::Vec<Secret> = (0u8..16)
            .map(|i| Secret::from_bytes(&[i.wrapping_mul(29) ^ 0x5a; 20]).unwrap())
            .collect();
        let counters: [u64; 16] = core::array::from_fn(|i| 1_000 + 7 * i as u64);
        let mixes = [
            [Algorithm::Sha1; 3],
            [Algorithm::Sha256; 3],
            ALGORITHMS,
            [Algorithm::Sha512; 3],
        ];
        for mix in mixes {
            let algorithms = || mix.iter().cycle().copied();
            let expected: alloc::vec::Vec<u32> = secrets
                .iter()
                .zip(algorithms())
                .zip(counters)
                .map(|((s, a), c)| KeyedMac::with_backend(s, a, Backend::PORTABLE).truncated(c))
                .collect();
            for backend in Backend::available() {
                let macs: alloc::vec::Vec<KeyedMac> = secrets
                    .iter()
                    .zip(algorithms())
                    .map(|(s, a)| KeyedMac::with_backend(s, a, backend))
                    .collect();
                let refs: alloc::vec::Vec<&KeyedMac> = macs.iter().collect();
                for n in 0..=accel::MAX_LANES {
                    let mut out = [0u32; accel::MAX_LANES];
                    KeyedMac::truncated_lanes(&refs[..n], &counters[..n], &mut out[..n]);
                    assert_eq!(out[..n], expected[..n], "{mix:?} {backend:?} {n}");
                }
            }
        }
    }

    /// The verification path: a window scan through each backend finds the step
    /// whose value it is given, at either end and in the middle of windows of 1,
    /// 2, 3 (the unrolled copies of `scan_with`), 5 and 21 steps (its loop, the
    /// last across two 16-lane groups), refuses it as replayed once it is
    /// `last_used`, and matches nothing else.
    #[test]
    fn window_scans_agree_on_every_backend() {
        // Under Miri (1000x slower) one window per path of `scan_with`: its
        // copies for 1, 2 and 3 candidates and its loop.
        let windows: &[(u64, u64)] = if cfg!(miri) {
            &[(0, 0), (0, 1), (1, 1), (2, 2)]
        } else {
            &[(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (10, 10)]
        };
        let secret = rfc_secret();
        let expected = 1_000_000u64;
        for algorithm in ALGORITHMS {
            let portable = KeyedMac::with_backend(&secret, algorithm, Backend::PORTABLE);
            for backend in Backend::available() {
                let mac = KeyedMac::with_backend(&secret, algorithm, backend);
                for &(behind, ahead) in windows {
                    let window = Window { behind, ahead };
                    let scan = |value, last_used| {
                        scan_with(
                            &mac,
                            "",
                            |_| Ok(value),
                            u64::from,
                            expected,
                            window,
                            last_used,
                        )
                        .map(|m: Match| (m.step, m.offset))
                    };
                    for step in [expected - behind, expected, expected + ahead] {
                        // The value of `step` occurs nowhere else in these windows.
                        let value = u64::from(portable.truncated(step));
                        let offset = step as i64 - expected as i64;
                        let case = alloc::format!("{algorithm} {backend:?} {window:?} {step}");
                        assert_eq!(scan(value, None), Ok((step, offset)), "{case}");
                        assert_eq!(scan(value, Some(step - 1)), Ok((step, offset)), "{case}");
                        assert_eq!(
                            scan(value, Some(step)),
                            Err(VerifyError::Replayed),
                            "{case}"
                        );
                    }
                    assert_eq!(scan(u64::MAX, None), Err(VerifyError::Mismatch));
                }
            }
        }
    }
}
