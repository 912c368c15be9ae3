//! The `otpcore` command's secret-bearing I/O, in the library so that
//! `tests/wiping.rs` can run it under its spy allocator (a separate process
//! cannot be watched).

use std::io::{self, BufRead, Write};

use zeroize::Zeroizing;

use otpcore::KeyUri;

/// Longest line [`read_secret_line`] accepts, in bytes: room for an
/// `otpauth-migration://` URI with [`Migration::MAX_DATA_LEN`] characters of data.
///
/// [`Migration::MAX_DATA_LEN`]: otpcore::Migration::MAX_DATA_LEN
pub const MAX_LINE: usize = 65 * 1024;

/// The first line of `reader`, without its line ending, read into a buffer
/// allocated once at its full size and wiped on drop: a growing `String` would
/// free unwiped copies of the partial line.
///
/// # Errors
/// The reader's error; [`io::ErrorKind::InvalidData`] if the line is longer than
/// [`MAX_LINE`] bytes or is not UTF-8. The error never contains the text.
pub fn read_secret_line(reader: &mut impl BufRead) -> io::Result<Zeroizing<String>> {
    // One byte more than the limit, to tell a line of exactly `MAX_LINE` bytes
    // from a longer one.
    let limit = MAX_LINE.saturating_add(1);
    let mut bytes = Zeroizing::new(Vec::with_capacity(limit));
    io::Read::take(&mut *reader, u64::try_from(limit).unwrap_or(u64::MAX))
        .read_until(b'\n', &mut bytes)?;
    let content = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |last| last.saturating_add(1));
    if content > MAX_LINE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
    }
    bytes.truncate(content);
    // Checked in place: `String::from_utf8` would hand back the bytes in its error.
    if core::str::from_utf8(&bytes).is_err() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8"));
    }
    let bytes = core::mem::take(&mut *bytes);
    // Cannot fail (checked above); the fallback keeps the function panic-free.
    Ok(Zeroizing::new(String::from_utf8(bytes).unwrap_or_default()))
}

/// Writes each account's [`KeyUri::to_uri_string`] and a newline to `out`, one
/// line per account, without copying the URI into a longer buffer.
///
/// # Errors
/// The writer's error.
pub fn write_uri_lines(out: &mut impl Write, accounts: &[KeyUri]) -> io::Result<()> {
    for account in accounts {
        out.write_all(account.to_uri_string().as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
