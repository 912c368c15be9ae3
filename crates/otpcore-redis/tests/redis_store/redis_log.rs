//! The `redis` crate's own log (its cluster connection logs each recovery
//! step at trace level), kept in memory so that a failed failover test can
//! print what the connection was doing: whether it was still recovering, and
//! from what. Marks (`mark`) put the test's own events on the same clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

/// Lines kept: the last few seconds of a busy cluster connection.
const KEPT: usize = 20_000;

struct Ring {
    start: Mutex<Option<Instant>>,
    lines: Mutex<VecDeque<String>>,
}

static RING: Ring = Ring {
    start: Mutex::new(None),
    lines: Mutex::new(VecDeque::new()),
};

impl log::Log for Ring {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.target().starts_with("redis")
    }

    fn log(&self, r: &log::Record) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let mut text = r.args().to_string();
        // One per command: they would crowd out the recovery steps.
        if text.starts_with("start_send") || text.starts_with("send_packed_command") {
            return;
        }
        text.truncate(240);
        let start = *self.start.lock().unwrap().get_or_insert_with(Instant::now);
        let line = format!(
            "{:>8.3} {:5} {}",
            start.elapsed().as_secs_f64(),
            r.level(),
            text
        );
        let mut lines = self.lines.lock().unwrap();
        if lines.len() >= KEPT {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    fn flush(&self) {}
}

/// Starts keeping the log (once per test process; later calls do nothing).
pub fn keep() {
    if log::set_logger(&RING).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}

/// A line of the test's own, e.g. "KILL", on the log's clock.
pub fn mark(what: &str) {
    log::warn!(target: "redis::TEST", "---- {what} ----");
}

/// The last `n` lines, runs of the same message folded into one. The log
/// holds every cluster connection of the test process, not only the one
/// under test.
pub fn tail(n: usize) -> String {
    let lines = RING.lines.lock().unwrap();
    let mut folded: Vec<(String, usize)> = Vec::new();
    for line in lines.iter() {
        let message = line.get(9..).unwrap_or("");
        match folded.last_mut() {
            Some((last, repeats)) if last.get(9..) == Some(message) => *repeats += 1,
            _ => folded.push((line.clone(), 0)),
        }
    }
    let skip = folded.len().saturating_sub(n);
    folded
        .iter()
        .skip(skip)
        .map(|(line, repeats)| match repeats {
            0 => format!("  {line}\n"),
            n => format!("  {line}  (and {n} more)\n"),
        })
        .collect()
}
