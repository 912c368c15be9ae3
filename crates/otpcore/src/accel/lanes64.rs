//! Multi-buffer SHA-512, written once for any vector width of 64-bit lanes: the
//! twin of `lanes` (read that first) for the one hash with 64-bit words.
//!
//! A backend module (`avx512x64`, `avx2x64`) defines its vector type `V` (lanes
//! of `u64`), its lane count `L`, the element-wise helpers `zero()`,
//! `splat(u64)`, `load(&[u64; L])`, `store(V) -> [u64; L]`, `add`, `xor3`, `ch`,
//! `maj` and the macros `ror!(x, n)`, `shr!(x, n)` (literal counts), each a
//! `#[target_feature]` function, then invokes `lane_kernels64!` to get `sha512`:
//! a 16-lane group in runs of `L` lanes. The invoking module also imports
//! `Keys`, `MAX_LANES`, `dynamic_truncation` and the constants the expansion
//! names (`SHA512_K`, `SHA512_INNER_BITS`, `SHA512_OUTER_BITS`).
//!
//! As in `lanes`: word `i` of every lane in vector `i`, no instruction mixes
//! lanes, every lane takes exactly the same instructions, and the rounds are
//! unrolled so every index is a constant. The truncation reads the four words
//! it needs out of the vectors and runs the scalar, branch-free
//! `dynamic_truncation` on each lane (the same instructions for every lane).

/// The 80 rounds of SHA-512 on state `v` (`[V; 8]`) with schedule `w`.
macro_rules! sha512_rounds {
    ($v:ident, $w:ident; $($t:literal)*) => { $( sha512_round!($v, $w, $t); )* };
}

/// SHA-512 round `t` (FIPS 180-4 §6.4.2), with `lanes`' rotating-roles layout.
macro_rules! sha512_round {
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
            let s1 = xor3(ror!(w2, 19), ror!(w2, 61), shr!(w2, 6));
            let s0 = xor3(ror!(w15, 1), ror!(w15, 8), shr!(w15, 7));
            $w[W] = add(add(s1, $w[(T + 9) % 16]), add(s0, $w[W]));
        }
        let e = $v[E];
        let a = $v[A];
        let big_s1 = xor3(ror!(e, 14), ror!(e, 18), ror!(e, 41));
        let t1 = add(
            add(big_s1, ch(e, $v[F], $v[G])),
            add($v[H], add($w[W], splat(SHA512_K[T]))),
        );
        let big_s0 = xor3(ror!(a, 28), ror!(a, 34), ror!(a, 39));
        let t2 = add(big_s0, maj(a, $v[B], $v[C]));
        $v[D] = add($v[D], t1);
        $v[H] = add(t1, t2);
    }};
}

/// SHA-512's `lane_compress!` (`lanes`; `state` a `&mut [V; 8]`), which a
/// kernel can expand into the HMAC (`lane_kernels64!`'s `expand`: on AVX-512
/// sixteen lanes 10 % faster, on AVX2 3 % slower).
macro_rules! sha512_compress {
    ($state:expr, $w:expr) => {
        lane_compress!(sha512_rounds, $state, $w;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
            20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39
            40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59
            60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79)
    };
}

/// Defines, in the invoking backend module, `sha512` (a group of `MAX_LANES`
/// lanes, `L` at a time) over `hmac_sha512` (`L` lanes), compiled for the target
/// features `$features`.
macro_rules! lane_kernels64 {
    ($features:literal, expand: $expand:literal) => {
        /// [`sha512_compress!`] as a call, where `$expand` is false.
        #[inline]
        #[target_feature(enable = $features)]
        fn sha512_compress_call(state: &mut [V; 8], w: [V; 16]) {
            sha512_compress!(state, w);
        }

        /// The padding bit that follows each one-block message.
        const PAD: u64 = 0x8000_0000_0000_0000;

        /// The pad states as rows of lane words (one key broadcast, several
        /// transposed), as `lanes`' `key_rows`.
        #[inline]
        #[target_feature(enable = $features)]
        fn key_rows(keys: Keys<'_, [u64; 8], L>) -> ([V; 8], [V; 8]) {
            let mut inner = [zero(); 8];
            let mut outer = [zero(); 8];
            match keys {
                Keys::Same(key) => {
                    for w in 0..8 {
                        inner[w] = splat(key.inner[w]);
                        outer[w] = splat(key.outer[w]);
                    }
                }
                Keys::Each(keys) => {
                    for w in 0..8 {
                        inner[w] = load(&core::array::from_fn(|l| keys[l].inner[w]));
                        outer[w] = load(&core::array::from_fn(|l| keys[l].outer[w]));
                    }
                }
            }
            (inner, outer)
        }

        /// Truncated HMAC-SHA-512 of `counters[l]` under lane `l`'s key into
        /// `out[l]` (at most `L` lanes written).
        #[target_feature(enable = $features)]
        fn hmac_sha512(keys: Keys<'_, [u64; 8], L>, counters: &[u64; L], out: &mut [u32]) {
            let (mut digest, mut mac) = key_rows(keys);
            let mut w = [zero(); 16];
            w[0] = load(counters);
            w[1] = splat(PAD);
            w[15] = splat(SHA512_INNER_BITS);
            // `$expand` is a literal: the compiler keeps one side of each `if`.
            if $expand {
                sha512_compress!(&mut digest, w);
            } else {
                sha512_compress_call(&mut digest, w);
            }
            let mut w = [zero(); 16];
            w[..8].copy_from_slice(&digest);
            w[8] = splat(PAD);
            w[15] = splat(SHA512_OUTER_BITS);
            if $expand {
                sha512_compress!(&mut mac, w);
            } else {
                sha512_compress_call(&mut mac, w);
            }
            let (h0, h1, h2, h7) = (store(mac[0]), store(mac[1]), store(mac[2]), store(mac[7]));
            for (l, out) in out.iter_mut().enumerate().take(L) {
                // The first five big-endian 32-bit words and the last byte: what
                // truncation reads (as `portable::hmac_sha512`).
                #[allow(clippy::cast_possible_truncation)]
                let words = [
                    (h0[l] >> 32) as u32,
                    h0[l] as u32,
                    (h1[l] >> 32) as u32,
                    h1[l] as u32,
                    (h2[l] >> 32) as u32,
                ];
                #[allow(clippy::cast_possible_truncation)]
                {
                    *out = dynamic_truncation(words, h7[l] as u8);
                }
            }
        }

        /// Truncated HMAC-SHA-512 of `counters[l]` under lane `l`'s key, for the
        /// first `out.len()` lanes, `L` lanes per kernel run.
        #[target_feature(enable = $features)]
        pub(in crate::accel) fn sha512(
            keys: Keys<'_, [u64; 8], MAX_LANES>,
            counters: &[u64; MAX_LANES],
            out: &mut [u32],
        ) {
            let (counters, _) = counters.as_chunks::<L>();
            for ((keys, counters), out) in keys.parts::<L>().zip(counters).zip(out.chunks_mut(L)) {
                hmac_sha512(keys, counters, out);
            }
        }
    };
}
