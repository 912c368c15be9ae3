//! Constant-time test of verification, dudect-style: Welch's t-test between the
//! timings of two classes of inputs, the class of each sample drawn at random and
//! the samples interleaved, with dudect's percentile crops (`dudect-bencher`).
//! `|t|` above 4.5 is evidence of a timing difference between the classes.
//!
//! ```text
//! cargo run --release -p otpcore-ct                  # all benches
//! cargo run --release -p otpcore-ct -- --filter otpcore_  # otpcore only
//! cargo run --release -p otpcore-ct -- --filter leaky_
//! OTPCORE_CT_SAMPLES=100000 cargo run --release -p otpcore-ct
//! ```
//!
//! `otpcore_*` time [`Totp::verify_at`] with the default ±1 window, on these class pairs:
//! - `first_vs_last_digit_wrong`: the expected code with its first digit changed
//!   vs with its last digit changed (no step in the window matches either);
//! - `behind_vs_ahead`: the code of the step before (−w) vs after (+w);
//! - `correct_vs_wrong`: the expected code vs a random non-matching code;
//! - `small_vs_large_code`: the correct code for (secret, time) pairs whose
//!   expected code is below 1000 (three leading zeros) vs at least 900000;
//! - `offset_0_vs_15`: a wrong code for (secret, time) pairs whose expected
//!   step's truncation offset is 0 vs 15 (`offset.rs`);
//! - `wrong_vs_replayed`: a random non-matching code vs the expected code,
//!   both with `last_used` = the expected step (both refused: mismatch vs
//!   replay).
//!
//! `otpcore_steam_correct_vs_wrong` times [`Steam::verify_at`] with the same
//! window: the expected Steam code vs five random characters of Steam's alphabet
//! that match no step (`correct_vs_wrong` in Steam's code format).
//!
//! `otpcore_resync_*` time [`Hotp::verify_consecutive`](otpcore::Hotp::verify_consecutive)
//! (RFC 4226 §7.4 resynchronisation): accepted vs mismatch, negative vs positive
//! offset, mismatch vs replayed; see `resync.rs`.
//!
//! `batch_*` time [`verify_batch`](otpcore::verify_batch) over a batch of 16
//! requests, one of them drawn as in the pair of the same name above; see
//! `batch.rs`.
//!
//! `control_wrong_vs_wrong` draws both classes the same way (random wrong codes):
//! its `|t|` is the harness's own noise level. `diag_*` locate the difference that
//! `correct_vs_wrong` shows: right code accepted vs the same right code refused as
//! a replay, and a wrong code vs a replayed one (both refused); their classes
//! also differ in `last_used` (`None` vs `Some`), which
//! `otpcore_wrong_vs_replayed` holds equal.
//!
//! `leaky_*` run the same pairs against `leaky.rs`, an
//! early-exit verifier kept to prove that the harness catches a leak.
//!
//! Every kernel: the benches run on the process's kernel plan (printed on
//! stderr, `ct: kernel plan: …`), which `OTPCORE_BACKEND=portable|shani|avx2|avx512`
//! forces to one kernel for every group size; `scripts/ct-smoke.sh` runs them on
//! the measured plan and once per kernel this CPU has.
//!
//! Samples per bench: `OTPCORE_CT_SAMPLES` (default 1,000,000). `scripts/ct-smoke.sh`
//! runs a smaller version and checks the bounds. Results and their reading are in
//! SECURITY.md.

// A measurement harness, not library code: its inputs are generated here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

mod batch;
mod leaky;
mod offset;
mod pools;
mod resync;

use batch::{batch_behind_vs_ahead, batch_correct_vs_wrong, batch_first_vs_last_digit_wrong};
use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{ctbench_main, BenchRng, Class, CtRunner};
use offset::otpcore_offset_0_vs_15;
use otpcore::{Algorithm, Secret, Steam, SteamCode, Totp, TotpConfig, Window};
use pools::{draw_from_pools, pools};
use resync::{
    otpcore_resync_behind_vs_ahead, otpcore_resync_correct_vs_wrong,
    otpcore_resync_wrong_vs_replayed,
};

const KEYS: usize = 64;
const WINDOW: Window = Window::symmetric(1);

/// One timed verification: which key (a `Totp` or a `Steam`), at what time, with
/// what input. The input is stored inline, not as a `String`: heap strings
/// allocated in a different order for each class (the wrong codes are drawn
/// between temporary allocations) could sit differently in memory and give the
/// classes different cache behaviour.
struct Case {
    class: Class,
    key: usize,
    at: u64,
    input: [u8; 10],
    len: usize,
}

impl Case {
    fn new(class: Class, key: usize, at: u64, text: &str) -> Self {
        let mut input = [0u8; 10];
        input[..text.len()].copy_from_slice(text.as_bytes());
        Case {
            class,
            key,
            at,
            input,
            len: text.len(),
        }
    }

    fn input(&self) -> &str {
        std::str::from_utf8(&self.input[..self.len]).unwrap()
    }
}

fn samples() -> usize {
    std::env::var("OTPCORE_CT_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn random_secret(rng: &mut BenchRng) -> Secret {
    let mut bytes = [0u8; 20];
    rng.fill_bytes(&mut bytes);
    Secret::from_bytes(&bytes).unwrap()
}

/// Prints, once per process, the kernel plan every bench runs on: the
/// measured plan, or the kernel `OTPCORE_BACKEND` forces (`scripts/ct-smoke.sh`
/// runs every pair once per kernel this CPU has and checks this line).
fn print_plan() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            // On stderr: stdout is dudect's, whose `bench <name> ... : <result>`
            // lines this would split.
            eprintln!("ct: kernel plan: {}", otpcore::kernels::plan(algorithm));
        }
    });
}

fn keys(rng: &mut BenchRng) -> Vec<Totp> {
    print_plan();
    (0..KEYS)
        .map(|_| Totp::new(&random_secret(rng), TotpConfig::default()))
        .collect()
}

fn random_class(rng: &mut BenchRng) -> Class {
    if rng.random::<bool>() {
        Class::Left
    } else {
        Class::Right
    }
}

fn random_time(rng: &mut BenchRng) -> u64 {
    rng.random_range(1_000_000_000..4_000_000_000u64)
}

/// The codes of every step in the window around `at`.
fn window_codes(totp: &Totp, at: u64) -> Vec<String> {
    let step = totp.step_at(at).unwrap();
    (step - WINDOW.behind..=step + WINDOW.ahead)
        .map(|s| totp.generate_step(s).to_string())
        .collect()
}

/// The expected code with the digit at `position` changed, so that no step in
/// the window matches; `None` if that is impossible for this draw.
fn wrong_digit(rng: &mut BenchRng, totp: &Totp, at: u64, position: usize) -> Option<String> {
    let codes = window_codes(totp, at);
    let mut digits = totp.generate_at(at).unwrap().to_string().into_bytes();
    let old = digits[position] - b'0';
    digits[position] = b'0' + (old + rng.random_range(1..10u8)) % 10;
    let wrong = String::from_utf8(digits).unwrap();
    (!codes.contains(&wrong)).then_some(wrong)
}

/// Time every case with otpcore's verifier, or the leaky fixture.
fn time(runner: &mut CtRunner, totps: &[Totp], cases: &[Case], use_leaky: bool) {
    for case in cases {
        let totp = &totps[case.key];
        let (input, at) = (case.input(), case.at);
        if use_leaky {
            runner.run_one(case.class, || leaky::verify_at(totp, input, at, WINDOW));
        } else {
            runner.run_one(case.class, || totp.verify_at(input, at, WINDOW, None));
        }
    }
}

/// Draws cases: a random class per sample, then `make` for that class until it
/// gives an input. `K` is the verifier (`Totp`, `Steam`).
fn draw<K>(
    rng: &mut BenchRng,
    keys: &[K],
    make: impl Fn(&mut BenchRng, &K, u64, Class) -> Option<String>,
) -> Vec<Case> {
    (0..samples())
        .map(|_| {
            let class = random_class(rng);
            loop {
                let key = rng.random_range(0..keys.len());
                let at = random_time(rng);
                if let Some(input) = make(rng, &keys[key], at, class) {
                    break Case::new(class, key, at, &input);
                }
            }
        })
        .collect()
}

type CaseMaker = fn(&mut BenchRng, &Totp, u64, Class) -> Option<String>;

/// Case makers, one per class pair: the input for `class` at `(totp, at)`, or
/// `None` if this draw cannot give one.
fn first_or_last_digit_wrong(
    rng: &mut BenchRng,
    totp: &Totp,
    at: u64,
    class: Class,
) -> Option<String> {
    let position = match class {
        Class::Left => 0,
        Class::Right => 5,
    };
    wrong_digit(rng, totp, at, position)
}

fn behind_or_ahead(_: &mut BenchRng, totp: &Totp, at: u64, class: Class) -> Option<String> {
    let codes = window_codes(totp, at);
    let (behind, ahead) = (&codes[0], &codes[2]);
    // A code that occurs twice in the window would belong to both classes.
    if codes.iter().filter(|c| *c == behind || *c == ahead).count() != 2 {
        return None;
    }
    Some(match class {
        Class::Left => behind.clone(),
        Class::Right => ahead.clone(),
    })
}

fn correct_or_wrong(rng: &mut BenchRng, totp: &Totp, at: u64, class: Class) -> Option<String> {
    match class {
        Class::Left => Some(totp.generate_at(at).unwrap().to_string()),
        Class::Right => {
            let wrong = format!("{:06}", rng.random_range(0..1_000_000u32));
            (!window_codes(totp, at).contains(&wrong)).then_some(wrong)
        }
    }
}

fn first_vs_last_digit_wrong(runner: &mut CtRunner, rng: &mut BenchRng, use_leaky: bool) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, first_or_last_digit_wrong);
    time(runner, &totps, &cases, use_leaky);
}

fn behind_vs_ahead(runner: &mut CtRunner, rng: &mut BenchRng, use_leaky: bool) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, behind_or_ahead);
    time(runner, &totps, &cases, use_leaky);
}

fn correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng, use_leaky: bool) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, correct_or_wrong);
    time(runner, &totps, &cases, use_leaky);
}

fn small_vs_large_code(runner: &mut CtRunner, rng: &mut BenchRng, use_leaky: bool) {
    let totps = keys(rng);
    // Codes below 1000 are one draw in a thousand: pools of times first.
    let pools = pools(rng, &totps, |_, totp, at| {
        match totp.generate_at(at).unwrap().value() {
            0..1_000 => Some(Class::Left),
            900_000.. => Some(Class::Right),
            _ => None,
        }
    });
    let cases = draw_from_pools(rng, &totps, &pools, |_, totp, at| {
        totp.generate_at(at).unwrap().to_string()
    });
    time(runner, &totps, &cases, use_leaky);
}

/// `otpcore_steam_correct_vs_wrong`: as `otpcore_correct_vs_wrong`, with
/// [`Steam::verify_at`]: the expected code vs a random non-matching one.
fn otpcore_steam_correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    let steams: Vec<Steam> = (0..KEYS).map(|_| Steam::new(&random_secret(rng))).collect();
    let cases = draw(rng, &steams, |rng, steam, at, class| {
        let step = steam.step_at(at).unwrap();
        let codes: Vec<String> = (step - WINDOW.behind..=step + WINDOW.ahead)
            .map(|s| steam.generate_step(s).to_string())
            .collect();
        match class {
            Class::Left => Some(steam.generate_step(step).to_string()),
            Class::Right => {
                let alphabet = SteamCode::ALPHABET.as_bytes();
                let wrong: String = (0..SteamCode::LEN)
                    .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
                    .collect();
                (!codes.contains(&wrong)).then_some(wrong)
            }
        }
    });
    for case in &cases {
        let steam = &steams[case.key];
        let (input, at) = (case.input(), case.at);
        runner.run_one(case.class, || steam.verify_at(input, at, WINDOW, None));
    }
}

/// The null control: both classes are random wrong codes, so `|t|` here is the
/// harness's own noise level on this machine.
fn control_wrong_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, |rng, totp, at, _| {
        let wrong = format!("{:06}", rng.random_range(0..1_000_000u32));
        (!window_codes(totp, at).contains(&wrong)).then_some(wrong)
    });
    time(runner, &totps, &cases, false);
}

/// Diagnostic: both classes contain the right code for a step in the window, but
/// `last_used` refuses it in one class (`Replayed`) and not in the other (`Ok`);
/// and wrong vs replayed: both refused, only one with a matching step. In both,
/// the classes also differ in `last_used` (`None` vs `Some`), a public input.
fn diag_correct_vs_replayed(runner: &mut CtRunner, rng: &mut BenchRng) {
    replay_pair(runner, rng, true, false);
}
fn diag_wrong_vs_replayed(runner: &mut CtRunner, rng: &mut BenchRng) {
    replay_pair(runner, rng, false, false);
}
/// A wrong code vs the right code of an already used step, both refused, with
/// the same `last_used` (the current step) in both classes: they differ only in
/// whether a candidate matches.
fn otpcore_wrong_vs_replayed(runner: &mut CtRunner, rng: &mut BenchRng) {
    replay_pair(runner, rng, false, true);
}
/// The right code with `last_used` = its step (refused as replayed) in the right
/// class; in the left, the right code (`left_correct`) or a wrong one, with the
/// same `last_used` (`same_last_used`) or `None`.
fn replay_pair(
    runner: &mut CtRunner,
    rng: &mut BenchRng,
    left_correct: bool,
    same_last_used: bool,
) {
    let totps = keys(rng);
    let cases = draw(rng, &totps, |rng, totp, at, class| {
        match (class, left_correct) {
            (Class::Left, true) | (Class::Right, _) => {
                Some(totp.generate_at(at).unwrap().to_string())
            }
            (Class::Left, false) => {
                let wrong = format!("{:06}", rng.random_range(0..1_000_000u32));
                (!window_codes(totp, at).contains(&wrong)).then_some(wrong)
            }
        }
    });
    for case in &cases {
        let totp = &totps[case.key];
        let (input, at) = (case.input(), case.at);
        let step = totp.step_at(at).unwrap();
        let last_used = match case.class {
            Class::Left => same_last_used.then_some(step),
            Class::Right => Some(step),
        };
        runner.run_one(case.class, || totp.verify_at(input, at, WINDOW, last_used));
    }
}

fn otpcore_first_vs_last_digit_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    first_vs_last_digit_wrong(runner, rng, false);
}
fn otpcore_behind_vs_ahead(runner: &mut CtRunner, rng: &mut BenchRng) {
    behind_vs_ahead(runner, rng, false);
}
fn otpcore_correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    correct_vs_wrong(runner, rng, false);
}
fn otpcore_small_vs_large_code(runner: &mut CtRunner, rng: &mut BenchRng) {
    small_vs_large_code(runner, rng, false);
}
fn leaky_first_vs_last_digit_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    first_vs_last_digit_wrong(runner, rng, true);
}
fn leaky_behind_vs_ahead(runner: &mut CtRunner, rng: &mut BenchRng) {
    behind_vs_ahead(runner, rng, true);
}
fn leaky_correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    correct_vs_wrong(runner, rng, true);
}
fn leaky_small_vs_large_code(runner: &mut CtRunner, rng: &mut BenchRng) {
    small_vs_large_code(runner, rng, true);
}

ctbench_main!(
    control_wrong_vs_wrong,
    batch_correct_vs_wrong,
    batch_behind_vs_ahead,
    batch_first_vs_last_digit_wrong,
    diag_correct_vs_replayed,
    diag_wrong_vs_replayed,
    otpcore_wrong_vs_replayed,
    otpcore_first_vs_last_digit_wrong,
    otpcore_behind_vs_ahead,
    otpcore_correct_vs_wrong,
    otpcore_small_vs_large_code,
    otpcore_offset_0_vs_15,
    otpcore_steam_correct_vs_wrong,
    otpcore_resync_correct_vs_wrong,
    otpcore_resync_behind_vs_ahead,
    otpcore_resync_wrong_vs_replayed,
    leaky_first_vs_last_digit_wrong,
    leaky_behind_vs_ahead,
    leaky_correct_vs_wrong,
    leaky_small_vs_large_code
);
