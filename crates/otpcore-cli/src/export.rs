//! `otpcore uri export-migration`: otpauth:// URIs on stdin, one per line, to
//! Google Authenticator's `otpauth-migration://offline` URIs, one per batch.

use std::io::{self, BufRead, Write};

use otpcore::{ExportError, KeyUri, Migration, SecretPolicy};

use crate::args::Fail;
use crate::cli_io::read_secret_line;

/// Reads every line of `input` (blank lines are skipped), exports the accounts
/// in batches of `batch_size`, and writes one URI per batch to `out`.
///
/// 80-bit secrets are accepted ([`SecretPolicy::Legacy`]), as the app accepts
/// them: exports are full of them.
///
/// # Errors
/// [`Fail`] naming the line (counted from 1, blank lines included) and the
/// problem, never its text; or the account the format cannot carry, by line.
pub fn export_migration(
    input: &mut impl BufRead,
    out: &mut impl Write,
    batch_size: usize,
) -> Result<(), Fail> {
    let mut accounts: Vec<KeyUri> = Vec::new();
    // Line numbers of `accounts`, to name the line an export error is about.
    let mut lines: Vec<usize> = Vec::new();
    let mut number = 0usize;
    while !input
        .fill_buf()
        .map_err(|e| Fail(format!("cannot read stdin: {}", e.kind())))?
        .is_empty()
    {
        number = number.saturating_add(1);
        let line = read_secret_line(input)
            .map_err(|e| Fail(format!("line {number}: cannot read it: {}", e.kind())))?;
        if line.trim().is_empty() {
            continue;
        }
        let account = KeyUri::parse_with_policy(line.trim(), SecretPolicy::Legacy)
            .map_err(|e| Fail(format!("line {number}: {e}")))?;
        accounts.push(account);
        lines.push(number);
    }
    let batches = Migration::export(&accounts, batch_size).map_err(|e| match e {
        ExportError::Account { index, reason } => {
            let line = lines.get(index).copied().unwrap_or(0);
            Fail(format!("line {line}: {reason}"))
        }
        other => Fail(other.to_string()),
    })?;
    let fail = |_: io::Error| Fail("cannot write to stdout".into());
    for batch in &batches {
        out.write_all(batch.to_uri_string().as_bytes())
            .map_err(fail)?;
        out.write_all(b"\n").map_err(fail)?;
    }
    out.flush().map_err(fail)
}
