//! Both ways a pass can go — packed lanes and single calls — give exactly the
//! single calls' results, for every hash function and batch sizes around the
//! group size; the public functions (which choose by the plan) too. The
//! random batches of `tests/verification/batch.rs` cover the rest.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::generate::generate_with;
use super::*;
use crate::kernels::Kernel;
use crate::{Algorithm, Code, Secret, TimeError, Totp, TotpConfig, Window};

fn totps(n: usize) -> Vec<Totp> {
    (0..n)
        .map(|i| {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
            let secret = Secret::from_bytes(&[i as u8 ^ 0x3c; 20]).unwrap();
            Totp::new(
                &secret,
                TotpConfig {
                    algorithm,
                    ..TotpConfig::default()
                },
            )
        })
        .collect()
}

#[test]
fn packed_and_single_passes_agree_with_single_calls() {
    let at = 1_234_567_890u64;
    for n in [0usize, 1, 2, 3, 5, 16, 17, 49] {
        let totps = totps(n);
        // Every third input is right, one step ahead, or wrong; windows vary.
        let inputs: Vec<String> = totps
            .iter()
            .enumerate()
            .map(|(i, t)| match i % 3 {
                0 => format!("{}", t.generate_at(at).unwrap()),
                1 => format!("{}", t.generate_at(at + 30).unwrap()),
                _ => String::from("000000"),
            })
            .collect();
        let windows: Vec<Window> = (0..n).map(|i| Window::symmetric(i as u64 % 4)).collect();
        let requests: Vec<VerifyRequest<'_>> = totps
            .iter()
            .zip(&inputs)
            .zip(&windows)
            .map(|((t, input), w)| VerifyRequest::totp(t, input, at, *w, None))
            .collect();
        let expected: Vec<Result<Match, VerifyError>> = totps
            .iter()
            .zip(&inputs)
            .zip(&windows)
            .map(|((t, input), w)| t.verify_at(input, at, *w, None))
            .collect();
        let gen_requests: Vec<GenerateRequest<'_>> =
            totps.iter().map(|t| GenerateRequest::totp(t, at)).collect();
        let gen_expected: Vec<Result<Code, TimeError>> =
            totps.iter().map(|t| t.generate_at(at)).collect();
        for packing in [Packing::Always, Packing::Never, Packing::Measured] {
            let mut results = alloc::vec![Err(VerifyError::Mismatch); n];
            verify_with(&requests, &mut results, packing).unwrap();
            assert_eq!(results, expected, "{packing:?} n={n}");
            let mut codes = alloc::vec![Err(TimeError::BeforeT0); n];
            generate_with(&gen_requests, &mut codes, packing).unwrap();
            assert_eq!(codes, gen_expected, "{packing:?} n={n}");
        }
    }
}

/// Fewer than sixteen lanes are packed only by measured costs, and windows not
/// where single windows run on SHA-NI; one request never; sixteen ±1 windows,
/// or `n` codes, are packed where their lanes, with the batch's own work per
/// request (as given), were measured at under 0.8 of the single calls' kernels
/// (`choice::packing_pays`).
#[test]
fn packing_follows_the_measured_costs() {
    let measured = || true;
    assert!(!Packing::Measured.may_pack_windows(15, Kernel::Avx512, || false));
    assert!(Packing::Measured.may_pack_windows(16, Kernel::ShaNi, || false));
    assert!(Packing::Measured.may_pack_windows(6, Kernel::Avx512, measured));
    assert!(Packing::Measured.may_pack_windows(6, Kernel::Portable, measured));
    assert!(!Packing::Measured.may_pack_windows(6, Kernel::ShaNi, measured));
    // Codes: a few only with measured costs, never one.
    assert!(!Packing::Measured.may_pack_codes(15, || false));
    assert!(Packing::Measured.may_pack_codes(16, || false));
    assert!(Packing::Measured.may_pack_codes(2, measured));
    assert!(!Packing::Measured.may_pack_codes(1, measured));
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        let costs = crate::accel::Plan::current(algorithm).costs();
        let one = Candidates::each(3);
        assert!(!Packing::Measured.verify(costs, Some(Kernel::Avx512), 1, one, || Some(0)));
        assert!(
            !Packing::Measured.generate(costs.is_some(), Some(Kernel::Avx512), 1, || Some(true))
        );
        if let Some(costs) = costs {
            for work in [0, 35, costs.lanes(1) / 2] {
                let packed = (costs.lanes(48) + work * 16) * 5 < costs.lanes(3) * 16 * 4;
                let decided = Packing::Measured.verify(
                    Some(costs),
                    Some(Kernel::Avx512),
                    16,
                    Candidates::each(3),
                    || Some(work),
                );
                assert_eq!(decided, packed, "{algorithm}, {work} ns");
            }
        }
        // Unmeasured: by the kernel of sixteen lanes (`choice::tests`).
        let pack = |kernel| {
            Packing::Measured.verify(
                None,
                Some(kernel),
                2,
                Candidates::Varied([8, 8].into_iter()),
                || None,
            )
        };
        assert!(pack(Kernel::Avx512));
        assert!(!pack(Kernel::ShaNi));
        assert!(!Packing::Measured.generate(false, Some(Kernel::Portable), 20, || None));
    }
}
