//! Multi-buffer SHA-1 and SHA-256, written once for any vector width.
//!
//! A backend module (`avx512`, `avx2`) defines its vector type `V`, its lane count
//! `L`, the element-wise helpers listed below (each a `#[target_feature]` function,
//! so they inline into the kernels and need no `unsafe`), then invokes
//! `lane_kernels!` to get `sha1` and `sha256`: a 16-lane group in runs of `L`
//! lanes. The invoking module also imports `Keys`, `MAX_LANES` and the constants
//! the expansion names (`SHA1_INNER_BITS`, `SHA1_OUTER_BITS`, `SHA256_OUTER_BITS`,
//! `SHA256_K`): the macro refers to no module of its callers.
//!
//! Helpers the expansion calls: `zero()`, `splat(u32)`, `load(&[u32; L])`,
//! `store(V) -> [u32; L]`, `add`, `and`, `or`, `xor`, `xor3`, `ch` (`b ? c : d`),
//! `maj`, and the macros `rol!(x, n)`, `ror!(x, n)`, `shl!(x, n)`, `shr!(x, n)`
//! with literal counts, and `select_eq(x, y, if_equal, otherwise)`.
//!
//! Every lane is one independent HMAC, in the layout "word `i` of every lane in
//! vector `i`" (structure of arrays), so no instruction mixes lanes and every
//! lane takes exactly the same instructions: constant time by construction.
//! Rounds are fully unrolled by the macros, so state and schedule indices are
//! constants and everything lives in registers.

/// The 80 rounds of SHA-1 on state `v` (`[V; 5]`) with the 16-word circular
/// message schedule `w`, for literal round numbers.
macro_rules! sha1_rounds {
    ($v:ident, $w:ident; $($t:literal)*) => { $( sha1_round!($v, $w, $t); )* };
}

/// SHA-1 round `t` (FIPS 180-4 §6.1.2). The five state words rotate roles each
/// round: `a` of round `t` lives in `v[(80 - t) % 5]`, and so on, so no words move.
macro_rules! sha1_round {
    ($v:ident, $w:ident, $t:literal) => {{
        const T: usize = $t;
        const A: usize = (80 - T) % 5;
        const B: usize = (81 - T) % 5;
        const C: usize = (82 - T) % 5;
        const D: usize = (83 - T) % 5;
        const E: usize = (84 - T) % 5;
        const W: usize = T % 16;
        if T >= 16 {
            // W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), mod 16.
            $w[W] = rol!(
                xor(
                    xor3($w[(T + 13) % 16], $w[(T + 8) % 16], $w[(T + 2) % 16]),
                    $w[W]
                ),
                1
            );
        }
        let (f, k) = if T < 20 {
            (ch($v[B], $v[C], $v[D]), 0x5a82_7999)
        } else if T < 40 {
            (xor3($v[B], $v[C], $v[D]), 0x6ed9_eba1)
        } else if T < 60 {
            (maj($v[B], $v[C], $v[D]), 0x8f1b_bcdc)
        } else {
            (xor3($v[B], $v[C], $v[D]), 0xca62_c1d6)
        };
        // `a` was computed by the previous round: add it last, so the chain from
        // one round to the next is one rotate and one add.
        $v[E] = add(rol!($v[A], 5), add(f, add($v[E], add($w[W], splat(k)))));
        $v[B] = rol!($v[B], 30);
    }};
}

/// The 64 rounds of SHA-256 on state `v` (`[V; 8]`) with schedule `w`.
macro_rules! sha256_rounds {
    ($v:ident, $w:ident; $($t:literal)*) => { $( sha256_round!($v, $w, $t); )* };
}

/// SHA-256 round `t` (FIPS 180-4 §6.2.2), with the same rotating-roles layout.
macro_rules! sha256_round {
    ($v:ident, $w:ident, $t:literal) => {{
        const T: usize = $t;
        const A: usize = (8 - T % 8) % 8;
        const B: usize = (9 - T % 8) % 8;
        const C: usize = (10 - T % 8) % 8;
        const D: usize = (11 - T % 8) % 8;
        const E: usize = (12 - T % 8) % 8;
        const F: usize = (13 - T % 8) % 8;
        const G: usize = (14 - T % 8) % 8;
        const H: usize = (15 - T % 8) % 8;
        const W: usize = T % 16;
        if T >= 16 {
            // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], mod 16.
            let w2 = $w[(T + 14) % 16];
            let w15 = $w[(T + 1) % 16];
            let s1 = xor3(ror!(w2, 17), ror!(w2, 19), shr!(w2, 10));
            let s0 = xor3(ror!(w15, 7), ror!(w15, 18), shr!(w15, 3));
            $w[W] = add(add(s1, $w[(T + 9) % 16]), add(s0, $w[W]));
        }
        let e = $v[E];
        let a = $v[A];
        let big_s1 = xor3(ror!(e, 6), ror!(e, 11), ror!(e, 25));
        // `e` is the newest input: its terms go in last.
        let t1 = add(
            add(big_s1, ch(e, $v[F], $v[G])),
            add($v[H], add($w[W], splat(SHA256_K[T]))),
        );
        let big_s0 = xor3(ror!(a, 2), ror!(a, 13), ror!(a, 22));
        let t2 = add(big_s0, maj(a, $v[B], $v[C]));
        $v[D] = add($v[D], t1);
        $v[H] = add(t1, t2);
    }};
}

/// `state += compress(state, w)` in every lane, the rounds by `$rounds` (one of
/// the `*_rounds!` macros, given the round numbers): `state` a `&mut [V; _]`,
/// `w` the sixteen message rows. A macro, so that a kernel can expand it into
/// the HMAC (`#[inline(always)]` is not allowed with `#[target_feature]`): the
/// state and message then stay out of the stack, and the optimiser folds the
/// rounds' work on the padding's constant words (zeros, the length). Whether a
/// kernel does is `lane_kernels!`'s `expand`: on AVX-512 (32 registers) it made
/// sixteen lanes 8–10 % faster, on AVX2 (16) 0–3 % slower (Zen 4, seventh
/// session; README.md, "Kernels chosen by measurement").
macro_rules! lane_compress {
    ($rounds:ident, $state:expr, $w:expr; $($round:tt)*) => {{
        let state = $state;
        let mut w = $w;
        let mut v = *state;
        $rounds!(v, w; $($round)*);
        for (s, v) in state.iter_mut().zip(v) {
            *s = add(*s, v);
        }
    }};
}

/// SHA-1's [`lane_compress!`] (`state` a `&mut [V; 5]`).
macro_rules! sha1_compress {
    ($state:expr, $w:expr) => {
        lane_compress!(sha1_rounds, $state, $w;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
            20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39
            40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59
            60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79)
    };
}

/// SHA-256's [`lane_compress!`] (`state` a `&mut [V; 8]`).
macro_rules! sha256_compress {
    ($state:expr, $w:expr) => {
        lane_compress!(sha256_rounds, $state, $w;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
            20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39
            40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59
            60 61 62 63)
    };
}

/// Defines, in the invoking backend module, `sha1` and `sha256` (a group of
/// `MAX_LANES` lanes, `L` at a time) over `hmac_sha1` and `hmac_sha256` (`L`
/// lanes), compiled for the target features `$features`.
macro_rules! lane_kernels {
    ($features:literal, expand: $expand:literal) => {
        /// [`sha1_compress!`] as a call, where `$expand` is false.
        #[inline]
        #[target_feature(enable = $features)]
        fn sha1_compress_call(state: &mut [V; 5], w: [V; 16]) {
            sha1_compress!(state, w);
        }

        /// [`sha256_compress!`] as a call, where `$expand` is false.
        #[inline]
        #[target_feature(enable = $features)]
        fn sha256_compress_call(state: &mut [V; 8], w: [V; 16]) {
            sha256_compress!(state, w);
        }

        /// RFC 4226 §5.3 `DT` in every lane: see `crate::truncate` for the scalar
        /// twin. The offset selects among candidates through lane-wise compares
        /// and blends, and the shifts are by constants: no lane-dependent timing.
        #[inline]
        #[target_feature(enable = $features)]
        fn truncate(words: [V; 5], last: V) -> V {
            let offset = and(last, splat(0x0f));
            let word = shr!(offset, 2);
            let byte = and(offset, splat(0x03));
            let [w0, w1, w2, w3, w4] = words;
            let mut hi = w0;
            let mut lo = w1;
            for (index, (h, l)) in [(w1, w2), (w2, w3), (w3, w4)].into_iter().enumerate() {
                // `index + 1` is at most 3.
                #[allow(clippy::cast_possible_truncation, clippy::arithmetic_side_effects)]
                let k = splat(index as u32 + 1);
                hi = select_eq(word, k, h, hi);
                lo = select_eq(word, k, l, lo);
            }
            let mut out = hi;
            out = select_eq(byte, splat(1), or(shl!(hi, 8), shr!(lo, 24)), out);
            out = select_eq(byte, splat(2), or(shl!(hi, 16), shr!(lo, 16)), out);
            out = select_eq(byte, splat(3), or(shl!(hi, 24), shr!(lo, 8)), out);
            and(out, splat(0x7fff_ffff))
        }

        /// The inner message block of every lane: its counter, then padding.
        #[inline]
        #[target_feature(enable = $features)]
        fn counter_block(counters: &[u64; L], bits: u32) -> [V; 16] {
            let mut hi = [0u32; L];
            let mut lo = [0u32; L];
            for ((hi, lo), c) in hi.iter_mut().zip(lo.iter_mut()).zip(counters) {
                #[allow(clippy::cast_possible_truncation)]
                {
                    (*hi, *lo) = ((c >> 32) as u32, *c as u32);
                }
            }
            let mut w = [zero(); 16];
            w[0] = load(&hi);
            w[1] = load(&lo);
            w[2] = splat(0x8000_0000);
            w[15] = splat(bits);
            w
        }

        /// The pad states as rows of lane words: `inner[w]` holds word `w` of every
        /// lane's inner state. One key is broadcast; several are transposed.
        #[inline]
        #[target_feature(enable = $features)]
        fn key_rows<const W: usize>(keys: Keys<'_, [u32; W], L>) -> ([V; W], [V; W]) {
            let mut inner = [zero(); W];
            let mut outer = [zero(); W];
            match keys {
                Keys::Same(key) => {
                    for w in 0..W {
                        inner[w] = splat(key.inner[w]);
                        outer[w] = splat(key.outer[w]);
                    }
                }
                Keys::Each(keys) => {
                    for w in 0..W {
                        inner[w] = load(&core::array::from_fn(|l| keys[l].inner[w]));
                        outer[w] = load(&core::array::from_fn(|l| keys[l].outer[w]));
                    }
                }
            }
            (inner, outer)
        }

        /// Truncated HMAC-SHA-1 of `counters[l]` under lane `l`'s key.
        #[target_feature(enable = $features)]
        fn hmac_sha1(keys: Keys<'_, [u32; 5], L>, counters: &[u64; L]) -> [u32; L] {
            let (mut digest, mut mac) = key_rows(keys);
            // `$expand` is a literal: the compiler keeps one side of each `if`.
            let block = counter_block(counters, SHA1_INNER_BITS);
            if $expand {
                sha1_compress!(&mut digest, block);
            } else {
                sha1_compress_call(&mut digest, block);
            }
            let mut w = [zero(); 16];
            w[..5].copy_from_slice(&digest);
            w[5] = splat(0x8000_0000);
            w[15] = splat(SHA1_OUTER_BITS);
            if $expand {
                sha1_compress!(&mut mac, w);
            } else {
                sha1_compress_call(&mut mac, w);
            }
            store(truncate(mac, mac[4]))
        }

        /// As `hmac_sha1`, for HMAC-SHA-256.
        #[target_feature(enable = $features)]
        fn hmac_sha256(keys: Keys<'_, [u32; 8], L>, counters: &[u64; L]) -> [u32; L] {
            let (mut digest, mut mac) = key_rows(keys);
            let block = counter_block(counters, SHA1_INNER_BITS);
            if $expand {
                sha256_compress!(&mut digest, block);
            } else {
                sha256_compress_call(&mut digest, block);
            }
            let mut w = [zero(); 16];
            w[..8].copy_from_slice(&digest);
            w[8] = splat(0x8000_0000);
            w[15] = splat(SHA256_OUTER_BITS);
            if $expand {
                sha256_compress!(&mut mac, w);
            } else {
                sha256_compress_call(&mut mac, w);
            }
            let [a, b, c, d, e, .., h] = mac;
            store(truncate([a, b, c, d, e], h))
        }

        /// Truncated HMAC-SHA-1 of `counters[l]` under lane `l`'s key, for the
        /// first `out.len()` lanes, `L` lanes per kernel run: with `L = 8` the
        /// second run happens only when more than eight lanes are wanted.
        #[target_feature(enable = $features)]
        pub(in crate::accel) fn sha1(
            keys: Keys<'_, [u32; 5], MAX_LANES>,
            counters: &[u64; MAX_LANES],
            out: &mut [u32],
        ) {
            let (counters, _) = counters.as_chunks::<L>();
            for ((keys, counters), out) in keys.parts::<L>().zip(counters).zip(out.chunks_mut(L)) {
                for (out, value) in out.iter_mut().zip(hmac_sha1(keys, counters)) {
                    *out = value;
                }
            }
        }

        /// As `sha1`, for HMAC-SHA-256.
        #[target_feature(enable = $features)]
        pub(in crate::accel) fn sha256(
            keys: Keys<'_, [u32; 8], MAX_LANES>,
            counters: &[u64; MAX_LANES],
            out: &mut [u32],
        ) {
            let (counters, _) = counters.as_chunks::<L>();
            for ((keys, counters), out) in keys.parts::<L>().zip(counters).zip(out.chunks_mut(L)) {
                for (out, value) in out.iter_mut().zip(hmac_sha256(keys, counters)) {
                    *out = value;
                }
            }
        }
    };
}
