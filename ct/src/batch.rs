//! `batch_*`: [`verify_batch`] over a batch of [`BATCH`] requests (the SIMD
//! lanes path where the CPU has one). One request is the sample's, drawn by the
//! case maker of the single-verification pair of the same name (`main.rs`); the
//! others are the same fixed wrong codes in every sample. The sample's request
//! sits at a position that varies with its key.

use dudect_bencher::rand::RngExt;
use dudect_bencher::{BenchRng, CtRunner};
use otpcore::{verify_batch, Match, Totp, VerifyRequest};

use crate::{
    behind_or_ahead, correct_or_wrong, draw, first_or_last_digit_wrong, keys, random_time,
    window_codes, Case, CaseMaker, WINDOW,
};

/// Requests per timed batch: one AVX-512 group of sixteen lanes.
const BATCH: usize = 16;

/// Time every case inside a batch of [`BATCH`] requests: the case's request at
/// position `key % BATCH`, fixed wrong codes for fixed keys in the other slots.
fn time_batch(runner: &mut CtRunner, rng: &mut BenchRng, totps: &[Totp], cases: &[Case]) {
    let fillers: Vec<(usize, u64, String)> = (0..BATCH)
        .map(|_| {
            let key = rng.random_range(0..totps.len());
            let at = random_time(rng);
            loop {
                let wrong = format!("{:06}", rng.random_range(0..1_000_000u32));
                if !window_codes(&totps[key], at).contains(&wrong) {
                    break (key, at, wrong);
                }
            }
        })
        .collect();
    let mut requests: Vec<VerifyRequest<'_>> = fillers
        .iter()
        .map(|(key, at, code)| VerifyRequest::totp(&totps[*key], code, *at, WINDOW, None))
        .collect();
    let results = std::cell::RefCell::new([Ok(Match { step: 0, offset: 0 }); BATCH]);
    for case in cases {
        let position = case.key % BATCH;
        requests[position] =
            VerifyRequest::totp(&totps[case.key], case.input(), case.at, WINDOW, None);
        // The results stay where `verify_batch` wrote them. Returning them from the
        // closure would copy them inside the timed region, and that copy is a read
        // of just-stored `Ok`/`Err` values whose store-to-load forwarding differs
        // by variant: the caller's reading of the outcome, not the verification.
        runner.run_one(case.class, || {
            verify_batch(&requests, &mut results.borrow_mut()[..])
        });
        let (key, at, code) = &fillers[position];
        requests[position] = VerifyRequest::totp(&totps[*key], code, *at, WINDOW, None);
    }
}

fn batch(runner: &mut CtRunner, rng: &mut BenchRng, make: CaseMaker) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, make);
    time_batch(runner, rng, &totps, &cases);
}
pub fn batch_correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    batch(runner, rng, correct_or_wrong);
}
pub fn batch_behind_vs_ahead(runner: &mut CtRunner, rng: &mut BenchRng) {
    batch(runner, rng, behind_or_ahead);
}
pub fn batch_first_vs_last_digit_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    batch(runner, rng, first_or_last_digit_wrong);
}
