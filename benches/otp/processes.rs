//! The ratio rows of several processes, summarised: `OTPCORE_BENCH_PROCESSES=6`
//! (with `OTPCORE_BENCH_RATIOS`) runs this bench binary six times, one process
//! after the other, each printing the rows of `ratios.rs`, and prints every row
//! once with the median of the processes in each column — and, in each ratio
//! column, the lowest and highest process beside it.
//!
//! Why: on a shared virtual machine the speed of the same code can change from
//! process to process (README, "Why interleaved"), and a ratio measured in one
//! process carries that process's luck. The interleaving inside a process
//! takes care of load that comes and goes; this takes care of what stays for a
//! process's life.

use std::process::Command;

/// Set in the children so that they print their rows instead of spawning.
const CHILD: &str = "OTPCORE_BENCH_CHILD";

/// How many processes `OTPCORE_BENCH_PROCESSES` asks for, if more than one and
/// this is not already one of them.
pub fn wanted() -> Option<usize> {
    if std::env::var_os(CHILD).is_some() {
        return None;
    }
    let n: usize = std::env::var("OTPCORE_BENCH_PROCESSES")
        .ok()?
        .parse()
        .ok()?;
    (n > 1).then_some(n)
}

/// Runs `count` children with this process's arguments and prints the summary.
pub fn run(count: usize) {
    let exe = std::env::current_exe().expect("the bench binary's path");
    let mut rows: Vec<Vec<Vec<String>>> = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    let mut reports: Vec<(String, usize)> = Vec::new();
    let mut costs = Ranges::new("otpcore bench: plan ", "plan costs");
    let mut work = Ranges::new("otpcore bench: batch ", "batch work");
    for run in 1..=count {
        let out = Command::new(&exe)
            .args(std::env::args_os().skip(1))
            .env(CHILD, "1")
            .output()
            .expect("a child bench process");
        assert!(out.status.success(), "child bench process {run} failed");
        let text = String::from_utf8_lossy(&out.stdout);
        // Each process measures its own plan, and noise can make them differ.
        // (Counted without the measured costs in brackets, which always differ.)
        for line in text.lines().filter(|l| l.starts_with("otpcore bench:")) {
            costs.add(line);
            work.add(line);
            let line = line.split(" [").next().unwrap_or(line);
            match reports.iter_mut().find(|(l, _)| l == line) {
                Some((_, n)) => *n += 1,
                None => reports.push((line.to_string(), 1usize)),
            }
        }
        let mut this = Vec::new();
        let mut lines = text.lines().filter(|l| l.starts_with('|')).peekable();
        while let Some(line) = lines.next() {
            if line.starts_with("| hash |") {
                // A table starts: its header and the line of dashes under it.
                let dashes = lines.next().unwrap_or_default();
                if run == 1 {
                    headers.push(format!("{line}\n{dashes}"));
                }
                this.push(Vec::new());
            } else {
                this.push(cells(line));
            }
        }
        eprintln!("otpcore bench: process {run} of {count} done");
        rows.push(this);
    }
    for (line, n) in &reports {
        println!("{line} (in {n} of {count} processes)");
    }
    costs.print(count);
    work.print(count);
    println!();
    println!("Medians of {count} processes; in each ratio column the lowest and highest process.");
    let mut header = headers.into_iter();
    let Some(first) = rows.first() else { return };
    for (i, row) in first.iter().enumerate() {
        if row.is_empty() {
            println!();
            if let Some(h) = header.next() {
                println!("{h}");
            }
            continue;
        }
        let same: Vec<&Vec<String>> = rows
            .iter()
            .filter_map(|r| r.get(i))
            .filter(|r| key(r) == key(row))
            .collect();
        let summary: Vec<String> = (0..row.len())
            .map(|c| summarise(same.iter().filter_map(|r| r.get(c)).collect()))
            .collect();
        println!("| {} |", summary.join(" | "));
    }
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

/// The cells that name a row (not measurements).
fn key(row: &[String]) -> Vec<&String> {
    row.iter()
        .filter(|c| !c.ends_with(" ns") && !c.contains('×'))
        .collect()
}

/// One column of one row over the processes: a name is kept, nanoseconds and
/// ratios become their median (ratios with the lowest and highest).
fn summarise(values: Vec<&String>) -> String {
    let Some(first) = values.first() else {
        return String::new();
    };
    let measured = first.ends_with(" ns") || first.contains('×');
    let numbers: Vec<f64> = values
        .iter()
        .filter_map(|v| v.split([' ', '×']).next()?.parse().ok())
        .collect();
    if !measured || numbers.len() != values.len() {
        return (*first).clone();
    }
    let mut sorted = numbers;
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    };
    if first.ends_with(" ns") {
        format!("{median:.0} ns")
    } else {
        let (low, high) = (sorted[0], sorted[sorted.len() - 1]);
        format!("{median:.2}× ({low:.2}–{high:.2}×)")
    }
}

/// Measured nanoseconds over the processes (the bracket of each line that
/// starts with `prefix`): how much a plan's costs, or the batch's measured
/// work, moves from process to process.
struct Ranges {
    prefix: &'static str,
    label: &'static str,
    /// (hash function, what, lowest ns, highest ns), in first-seen order.
    ranges: Vec<(String, String, u64, u64)>,
}

impl Ranges {
    fn new(prefix: &'static str, label: &'static str) -> Self {
        Ranges {
            prefix,
            label,
            ranges: Vec::new(),
        }
    }

    /// Takes the figures of a line like
    /// `otpcore bench: plan SHA1 (measured): … [1 lanes 60 ns, 3 lanes 100 ns]`
    /// or `otpcore bench: batch SHA1: … [verification work 17 ns]`.
    fn add(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix(self.prefix) else {
            return;
        };
        let algorithm = rest.split([' ', ':']).next().unwrap_or_default();
        let Some(bracket) = rest.split(" [").nth(1) else {
            return;
        };
        for cost in bracket.trim_end_matches(']').split(", ") {
            let Some((lanes, ns)) = cost.rsplit_once(' ').and_then(|(l, unit)| {
                (unit == "ns").then_some(())?;
                let (lanes, ns) = l.rsplit_once(' ')?;
                Some((lanes, ns.parse::<u64>().ok()?))
            }) else {
                continue;
            };
            match self
                .ranges
                .iter_mut()
                .find(|(a, l, ..)| a == algorithm && l == lanes)
            {
                Some((.., low, high)) => {
                    *low = (*low).min(ns);
                    *high = (*high).max(ns);
                }
                None => self
                    .ranges
                    .push((algorithm.to_string(), lanes.to_string(), ns, ns)),
            }
        }
    }

    fn print(&self, count: usize) {
        let mut algorithms: Vec<&str> = Vec::new();
        for (a, ..) in &self.ranges {
            if !algorithms.contains(&a.as_str()) {
                algorithms.push(a);
            }
        }
        for algorithm in algorithms {
            let ranges: Vec<String> = self
                .ranges
                .iter()
                .filter(|(a, ..)| a == algorithm)
                .map(|(_, lanes, low, high)| format!("{lanes} {low}–{high} ns"))
                .collect();
            println!(
                "{} {algorithm}, lowest–highest of {count} processes: {}",
                self.label,
                ranges.join(", ")
            );
        }
    }
}
