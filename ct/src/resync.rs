//! `otpcore_resync_*`: [`Hotp::verify_consecutive`] (what `Guard::resync_hotp`
//! runs) with a window of [`BEHIND`] counters before a random expected counter
//! `e`, so that pairs are tried at first counters `e − 2 ..= e` and a match
//! reports the second counter, at offsets −1 to +1: the smallest window with
//! both signs (four HMACs a sample), so that the outcome's share of the time is
//! as large as it gets. Class pairs, one per decision the scan must not branch
//! on:
//! - `correct_vs_wrong` (acceptance): the pair at `e` (accepted) vs a random
//!   pair that matches nowhere in the window (`Mismatch`);
//! - `behind_vs_ahead` (the offset's sign): the pair at `e − 2` (offset −1) vs
//!   the pair at `e` (offset +1), both accepted;
//! - `wrong_vs_replayed` (replay): with `last_used = e` in both classes
//!   (every pair in the window used), a random non-matching pair (`Mismatch`) vs
//!   the pair at `e` (`Replayed`). Unlike the `diag_*` pairs, both classes have
//!   the same public inputs apart from the codes.

use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{BenchRng, Class, CtRunner};
use otpcore::{Hotp, HotpConfig, Secret, Window};

use crate::{random_class, samples, KEYS};

/// Far enough behind for a match at a negative offset (a match reports `c + 1`).
const BEHIND: u64 = 2;
const WINDOW: Window = Window::new(BEHIND, 0);

/// One timed resynchronisation; the codes inline (see `Case` in `main.rs`).
struct PairCase {
    class: Class,
    key: usize,
    expected: u64,
    codes: [[u8; 6]; 2],
    last_used: Option<u64>,
}

impl PairCase {
    fn codes(&self) -> (&str, &str) {
        let [first, second] = &self.codes;
        (
            std::str::from_utf8(first).unwrap(),
            std::str::from_utf8(second).unwrap(),
        )
    }
}

fn keys(rng: &mut BenchRng) -> Vec<Hotp> {
    (0..KEYS)
        .map(|_| {
            let mut bytes = [0u8; 20];
            rng.fill_bytes(&mut bytes);
            Hotp::new(&Secret::from_bytes(&bytes).unwrap(), HotpConfig::default())
        })
        .collect()
}

fn code(hotp: &Hotp, counter: u64) -> [u8; 6] {
    hotp.generate(counter)
        .to_string()
        .into_bytes()
        .try_into()
        .unwrap()
}

/// Every pair the scan tries around `expected`: first counters `e − BEHIND ..= e`.
fn window_pairs(hotp: &Hotp, expected: u64) -> Vec<[[u8; 6]; 2]> {
    (expected - BEHIND..=expected)
        .map(|c| [code(hotp, c), code(hotp, c + 1)])
        .collect()
}

/// The pair at `expected + delta`, if it occurs only once among the window's pairs
/// (otherwise the newest copy would win and the class would not be what it says).
fn pair_at(hotp: &Hotp, expected: u64, delta: i64) -> Option<[[u8; 6]; 2]> {
    let pairs = window_pairs(hotp, expected);
    let pair = [
        code(hotp, expected.checked_add_signed(delta)?),
        code(hotp, expected.checked_add_signed(delta + 1)?),
    ];
    (pairs.iter().filter(|p| **p == pair).count() == 1).then_some(pair)
}

/// A random pair of codes that matches no pair in the window.
fn wrong_pair(rng: &mut BenchRng, hotp: &Hotp, expected: u64) -> Option<[[u8; 6]; 2]> {
    let mut random = || {
        format!("{:06}", rng.random_range(0..1_000_000u32))
            .into_bytes()
            .try_into()
            .unwrap()
    };
    let pair = [random(), random()];
    (!window_pairs(hotp, expected).contains(&pair)).then_some(pair)
}

type PairMaker = fn(&mut BenchRng, &Hotp, u64, Class) -> Option<([[u8; 6]; 2], Option<u64>)>;

fn run(runner: &mut CtRunner, rng: &mut BenchRng, make: PairMaker) {
    let hotps = keys(rng);
    let cases: Vec<PairCase> = (0..samples())
        .map(|_| {
            let class = random_class(rng);
            loop {
                let key = rng.random_range(0..hotps.len());
                let expected = rng.random_range(BEHIND..1 << 40);
                if let Some((codes, last_used)) = make(rng, &hotps[key], expected, class) {
                    break PairCase {
                        class,
                        key,
                        expected,
                        codes,
                        last_used,
                    };
                }
            }
        })
        .collect();
    for case in &cases {
        let hotp = &hotps[case.key];
        let (first, second) = case.codes();
        let (expected, last_used) = (case.expected, case.last_used);
        runner.run_one(case.class, || {
            hotp.verify_consecutive(first, second, expected, WINDOW, last_used)
        });
    }
}

pub fn otpcore_resync_correct_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, |rng, hotp, expected, class| {
        let pair = match class {
            Class::Left => pair_at(hotp, expected, 0),
            Class::Right => wrong_pair(rng, hotp, expected),
        };
        pair.map(|p| (p, None))
    });
}

pub fn otpcore_resync_behind_vs_ahead(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, |_, hotp, expected, class| {
        let delta = match class {
            Class::Left => -2,
            Class::Right => 0,
        };
        pair_at(hotp, expected, delta).map(|p| (p, None))
    });
}

pub fn otpcore_resync_wrong_vs_replayed(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, |rng, hotp, expected, class| {
        let pair = match class {
            Class::Left => wrong_pair(rng, hotp, expected),
            Class::Right => pair_at(hotp, expected, 0),
        };
        pair.map(|p| (p, Some(expected)))
    });
}
