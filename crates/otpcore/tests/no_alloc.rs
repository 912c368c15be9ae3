//! Generating and verifying allocate nothing: counted by a global allocator.
//!
//! This is its own test binary because it installs a `#[global_allocator]`.
//! Counts are per thread, so the test harness's own allocations on other
//! threads do not interfere.

// A global allocator is an `unsafe impl` by definition; it only forwards to
// `System` and counts.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use otpcore::{
    generate_batch, verify_batch, Algorithm, Code, Digits, GenerateRequest, Hotp, HotpConfig,
    Match, Secret, TimeError, Totp, TotpConfig, VerifyError, VerifyRequest, Window,
};

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

struct Counting;

fn count_one() {
    // `try_with`: during thread teardown the slot may be gone; not counting then
    // is fine (no test code runs there).
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; counting touches only a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged (see above).
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations this thread made meanwhile.
fn allocations<T>(f: impl FnOnce() -> T) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    black_box(f());
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn the_counter_counts() {
    // Without this, a broken counter would make every other test pass.
    assert_eq!(allocations(|| black_box(vec![1u8; 16])), 1);
    assert_eq!(allocations(|| black_box(String::from("x")).len()), 1);
}

#[test]
fn generate_and_verify_do_not_allocate() {
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        let secret = Secret::from_bytes(&[0x5a; 64][..algorithm.output_len()]).unwrap();
        for digits in [6u32, 8, 10] {
            let digits = Digits::new(digits).unwrap();
            let totp = Totp::new(
                &secret,
                TotpConfig {
                    algorithm,
                    digits,
                    ..TotpConfig::default()
                },
            );
            let hotp = Hotp::new(&secret, HotpConfig { algorithm, digits });
            let at = 1_234_567_890;
            let ok = totp.generate_at(at).unwrap().to_string();
            let hotp_ok = hotp.generate(7).to_string();
            let wrong = "0".repeat(usize::from(digits.get()));
            let step = totp.step_at(at).unwrap();

            // The very first calls: run-time CPU detection happens here.
            assert_eq!(
                allocations(|| totp.generate_at(at)),
                0,
                "{algorithm} generate"
            );
            assert_eq!(
                allocations(|| hotp.generate(7)),
                0,
                "{algorithm} hotp generate"
            );
            for candidates in [0u64, 1, 2, 5, 10, 20, 500] {
                let window = Window::symmetric(candidates);
                for input in [ok.as_str(), wrong.as_str(), "12x", ""] {
                    let n = allocations(|| totp.verify_at(input, at, window, None));
                    assert_eq!(n, 0, "{algorithm} verify window ±{candidates}");
                    let n = allocations(|| totp.verify_at(input, at, window, Some(step)));
                    assert_eq!(n, 0, "{algorithm} verify with last_used");
                }
                let n =
                    allocations(|| hotp.verify(&hotp_ok, 5, Window::look_ahead(candidates), None));
                assert_eq!(n, 0, "{algorithm} hotp verify");
            }
            // Errors allocate nothing either.
            assert_eq!(
                allocations(|| totp.verify_at(&ok, at, Window::symmetric(900), None)),
                0
            );
            let early = Totp::new(
                &secret,
                TotpConfig {
                    t0: 100,
                    ..TotpConfig::default()
                },
            );
            assert_eq!(
                allocations(|| early.verify_at(&ok, 5, Window::default(), None)),
                0
            );
            assert_eq!(allocations(|| early.generate_at(5)), 0);
        }
    }
}

#[test]
fn batches_do_not_allocate() {
    let secrets: Vec<Secret> = (0..40u8)
        .map(|i| Secret::from_bytes(&[i; 32]).unwrap())
        .collect();
    let totps: Vec<Totp> = secrets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
            Totp::new(
                s,
                TotpConfig {
                    algorithm,
                    ..TotpConfig::default()
                },
            )
        })
        .collect();
    let at = 1_234_567_890;
    let codes: Vec<String> = totps
        .iter()
        .map(|t| t.generate_at(at).unwrap().to_string())
        .collect();
    let requests: Vec<VerifyRequest<'_>> = totps
        .iter()
        .zip(&codes)
        .enumerate()
        .map(|(i, (t, c))| VerifyRequest::totp(t, c, at, Window::symmetric(i as u64 % 12), None))
        .collect();
    let mut results: Vec<Result<Match, VerifyError>> = vec![Err(VerifyError::Mismatch); 40];
    assert_eq!(allocations(|| verify_batch(&requests, &mut results)), 0);
    assert!(results.iter().all(Result::is_ok));

    let requests: Vec<GenerateRequest<'_>> =
        totps.iter().map(|t| GenerateRequest::totp(t, at)).collect();
    let mut out: Vec<Result<Code, TimeError>> = vec![Err(TimeError::BeforeT0); 40];
    assert_eq!(allocations(|| generate_batch(&requests, &mut out)), 0);
    assert!(out
        .iter()
        .zip(&codes)
        .all(|(c, s)| c.unwrap().to_string() == *s));
}
