//! Differential tests: every backend against the portable one (which is checked
//! against the `hmac` crate in `mac`), on random pad states and counters, with
//! one key for all lanes and with a key per lane.
//!
//! A backend the CPU lacks returns `None` and is skipped; on the development
//! machine (SHA-NI, AVX2, AVX-512F) all of them run.

use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::mac::Pads;

fn sha1_reference(key: &Pads<[u32; 5]>, counter: u64) -> u32 {
    portable::truncate_sha1(portable::hmac_sha1(key, counter))
}

fn sha256_reference(key: &Pads<[u32; 8]>, counter: u64) -> u32 {
    portable::truncate_sha256(portable::hmac_sha256(key, counter))
}

/// Sixteen random pad-state pairs (any state is a valid chaining value).
fn states<const W: usize>() -> impl Strategy<Value = Vec<([u32; W], [u32; W])>> {
    proptest::collection::vec((any::<[u32; W]>(), any::<[u32; W]>()), 16)
}

fn pads<const W: usize>(states: &[([u32; W], [u32; W])]) -> Vec<Pads<[u32; W]>> {
    states
        .iter()
        .map(|&(inner, outer)| Pads { inner, outer })
        .collect()
}

/// Runs every SHA-1 backend on lanes `keys` (16 of them) and checks each lane.
fn check_sha1(keys: &[&Pads<[u32; 5]>; 16], counters: &[u64; 16]) -> Result<(), TestCaseError> {
    let expected: Vec<u32> = keys
        .iter()
        .zip(counters)
        .map(|(k, c)| sha1_reference(k, *c))
        .collect();

    // The dispatching entry point, at every lane count.
    for n in 0..=MAX_LANES {
        let mut out = [0u32; MAX_LANES];
        sha1_lanes(&keys[..n], &counters[..n], &mut out[..n]);
        prop_assert_eq!(&out[..n], &expected[..n]);
    }

    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        let same = keys.iter().all(|k| core::ptr::eq(*k, keys[0]));
        let wide = if same {
            Keys::Same(keys[0])
        } else {
            Keys::Each(keys)
        };
        if let Some(got) = dispatch::avx512_hmac_sha1(wide, counters) {
            prop_assert_eq!(&got[..], &expected[..]);
        }
        let half: &[&Pads<[u32; 5]>; 8] = keys[..8].try_into().unwrap();
        let narrow = if same {
            Keys::Same(keys[0])
        } else {
            Keys::Each(half)
        };
        let c8: &[u64; 8] = counters[..8].try_into().unwrap();
        if let Some(got) = dispatch::avx2_hmac_sha1(narrow, c8) {
            prop_assert_eq!(&got[..], &expected[..8]);
        }
        let inner = [
            &keys[0].inner,
            &keys[1].inner,
            &keys[2].inner,
            &keys[3].inner,
        ];
        let outer = [
            &keys[0].outer,
            &keys[1].outer,
            &keys[2].outer,
            &keys[3].outer,
        ];
        let c4: [u64; 4] = counters[..4].try_into().unwrap();
        if let Some(macs) = dispatch::shani_hmac_sha1::<4>(inner, outer, c4) {
            for (i, mac) in macs.into_iter().enumerate() {
                prop_assert_eq!(mac, portable::hmac_sha1(keys[i], counters[i]));
            }
        }
    }
    Ok(())
}

/// As [`check_sha1`], for SHA-256.
fn check_sha256(keys: &[&Pads<[u32; 8]>; 16], counters: &[u64; 16]) -> Result<(), TestCaseError> {
    let expected: Vec<u32> = keys
        .iter()
        .zip(counters)
        .map(|(k, c)| sha256_reference(k, *c))
        .collect();
    for n in 0..=MAX_LANES {
        let mut out = [0u32; MAX_LANES];
        sha256_lanes(&keys[..n], &counters[..n], &mut out[..n]);
        prop_assert_eq!(&out[..n], &expected[..n]);
    }
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        let same = keys.iter().all(|k| core::ptr::eq(*k, keys[0]));
        let wide = if same {
            Keys::Same(keys[0])
        } else {
            Keys::Each(keys)
        };
        if let Some(got) = dispatch::avx512_hmac_sha256(wide, counters) {
            prop_assert_eq!(&got[..], &expected[..]);
        }
        let half: &[&Pads<[u32; 8]>; 8] = keys[..8].try_into().unwrap();
        let narrow = if same {
            Keys::Same(keys[0])
        } else {
            Keys::Each(half)
        };
        let c8: &[u64; 8] = counters[..8].try_into().unwrap();
        if let Some(got) = dispatch::avx2_hmac_sha256(narrow, c8) {
            prop_assert_eq!(&got[..], &expected[..8]);
        }
        let inner = [
            &keys[0].inner,
            &keys[1].inner,
            &keys[2].inner,
            &keys[3].inner,
        ];
        let outer = [
            &keys[0].outer,
            &keys[1].outer,
            &keys[2].outer,
            &keys[3].outer,
        ];
        let c4: [u64; 4] = counters[..4].try_into().unwrap();
        if let Some(macs) = dispatch::shani_hmac_sha256::<4>(inner, outer, c4) {
            for (i, mac) in macs.into_iter().enumerate() {
                prop_assert_eq!(mac, portable::hmac_sha256(keys[i], counters[i]));
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn sha1_backends_agree(states in states::<5>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 5]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha1(&each, &counters)?;
        check_sha1(&[&keys[0]; 16], &counters)?;
        // A run of consecutive counters, as a window scan makes.
        let mut out = [0u32; 21];
        sha1_run(&keys[1], counters[0], &mut out);
        for (i, v) in out.iter().enumerate() {
            prop_assert_eq!(*v, sha1_reference(&keys[1], counters[0].wrapping_add(i as u64)));
        }
    }

    #[test]
    fn sha256_backends_agree(states in states::<8>(), counters in any::<[u64; 16]>()) {
        let keys = pads(&states);
        let each: [&Pads<[u32; 8]>; 16] = core::array::from_fn(|l| &keys[l]);
        check_sha256(&each, &counters)?;
        check_sha256(&[&keys[0]; 16], &counters)?;
        let mut out = [0u32; 21];
        sha256_run(&keys[1], counters[0], &mut out);
        for (i, v) in out.iter().enumerate() {
            prop_assert_eq!(*v, sha256_reference(&keys[1], counters[0].wrapping_add(i as u64)));
        }
    }
}

/// The last byte of a MAC picks the truncation offset: make sure the vector
/// truncation meets all sixteen.
#[test]
fn vector_truncation_covers_every_offset() {
    let mut seen = [false; 16];
    let keys: Vec<Pads<[u32; 5]>> = (0u32..16)
        .map(|i| Pads {
            inner: [i; 5],
            outer: [i.wrapping_mul(0x9e37_79b9); 5],
        })
        .collect();
    let each: [&Pads<[u32; 5]>; 16] = core::array::from_fn(|l| &keys[l]);
    for round in 0u64..64 {
        let counters: [u64; 16] = core::array::from_fn(|i| round * 16 + i as u64);
        for (k, c) in keys.iter().zip(counters) {
            seen[usize::from(portable::hmac_sha1(k, c)[4] as u8 & 0x0f)] = true;
        }
        check_sha1(&each, &counters).unwrap();
    }
    assert_eq!(seen, [true; 16]);
}
