//! The `otpcore` command's secret I/O (`otpcore_cli::cli_io`) wipes what it
//! frees, run in-process under the spy allocator of `otpcore_testkit::spy`: the
//! spy cannot watch the CLI's own process.

use std::io::{BufRead, BufReader, Read};

use otpcore::{KeyUri, Secret};
use otpcore_cli::cli_io::{read_secret_line, write_uri_lines};
use otpcore_testkit::spy::{serial, unwiped_blocks, Spy, B32, RAW};
use zeroize::Zeroizing;

#[global_allocator]
static GLOBAL: Spy = Spy;

/// A reader that hands out at most `step` bytes per read, as a pipe may.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn the_old_stdin_reading_left_copies() {
    // The control for the next test: a `read_line` into an empty string, even a
    // `Zeroizing` one, grows it as the line arrives and frees the shorter copies.
    let _serial = serial();
    let input = Zeroizing::new([B32, b"\n"].concat());
    let hits = unwiped_blocks(|| {
        let mut reader = BufReader::with_capacity(
            8,
            Trickle {
                data: &input,
                step: 8,
            },
        );
        let mut line = Zeroizing::new(String::new());
        reader.read_line(&mut line).unwrap();
    });
    assert!(hits > 0);
}

#[test]
fn reading_a_secret_line_leaves_no_copy() {
    let _serial = serial();
    let input = Zeroizing::new([B32, b"\r\n", b"next line\n"].concat());
    let hits = unwiped_blocks(|| {
        for step in [1, 8, 4096] {
            let mut reader = BufReader::with_capacity(8, Trickle { data: &input, step });
            let line = read_secret_line(&mut reader).unwrap();
            assert_eq!(line.as_bytes(), B32);
        }
    });
    assert_eq!(hits, 0);
}

#[test]
fn a_long_or_invalid_line_is_refused_without_a_copy() {
    let _serial = serial();
    let long = Zeroizing::new([&B32.repeat(3000)[..], b"\n"].concat());
    let invalid = Zeroizing::new([B32, b"\xff\n"].concat());
    let hits = unwiped_blocks(|| {
        for input in [&long, &invalid] {
            let err = read_secret_line(&mut &input[..]).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
            assert!(!err.to_string().contains("U5NH"));
        }
    });
    assert_eq!(hits, 0);
}

#[test]
fn writing_uri_lines_leaves_no_copy() {
    let _serial = serial();
    let accounts: Vec<KeyUri> = ["alice", "bob"]
        .iter()
        .map(|name| KeyUri::totp(Secret::from_bytes(&RAW).unwrap(), Some("Acme"), name).unwrap())
        .collect();
    // Room for both lines, so the sink itself never grows.
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    let hits = unwiped_blocks(|| write_uri_lines(&mut *out, &accounts).unwrap());
    assert_eq!(hits, 0);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 2);
}

#[test]
fn the_old_uri_line_writing_left_a_copy() {
    // The control for the previous test: the URI string is allocated at its exact
    // length, so pushing the newline reallocates and frees the first copy.
    let _serial = serial();
    let uri = KeyUri::totp(Secret::from_bytes(&RAW).unwrap(), Some("Acme"), "alice").unwrap();
    let hits = unwiped_blocks(|| {
        let mut line = uri.to_uri_string();
        line.push('\n');
    });
    assert_eq!(hits, 1);
}

#[test]
fn export_migration_leaves_no_copy() {
    let _serial = serial();
    let b32 = std::str::from_utf8(B32).unwrap();
    let input = Zeroizing::new(
        (0..12)
            .map(|i| format!("otpauth://totp/Acme:user{i}?secret={b32}&issuer=Acme\n"))
            .collect::<String>(),
    );
    // Room for both batches, so the sink itself never grows.
    let mut out = Zeroizing::new(Vec::with_capacity(8192));
    let hits = unwiped_blocks(|| {
        for step in [1, 8, 4096] {
            out.clear();
            let mut reader = BufReader::with_capacity(
                64,
                Trickle {
                    data: input.as_bytes(),
                    step,
                },
            );
            otpcore_cli::export::export_migration(&mut reader, &mut *out, 10)
                .unwrap_or_else(|_| panic!());
        }
    });
    assert_eq!(hits, 0);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 2);
}
