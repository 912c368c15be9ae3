//! An optional criterion measurement: the benchmark thread's CPU time instead of
//! wall time (`OTPCORE_BENCH_CLOCK=thread`).
//!
//! On a busy machine, wall time includes the slices other processes run in; the
//! thread's CPU time does not. Use it to compare variants while the machine is
//! shared; publish wall-time numbers from a quiet machine.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

pub struct ThreadTime;

fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is
    // supported on every Linux this benchmark runs on (the return value is checked).
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for ThreadTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        now_ns()
    }
    fn end(&self, start: u64) -> u64 {
        now_ns() - start
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, like wall time: reuse its formatting.
        WallTime.formatter()
    }
}
