//! `otpcore uri qr` and `otpcore uri import-migration`: enrollment pictures and
//! Google Authenticator exports. Both handle secrets: files are created `0600`,
//! and the URI may come from stdin (`-`) to keep it out of `ps`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use crate::cli_io::{read_secret_line, write_uri_lines};
use otpcore::{KeyUri, Migration, SecretPolicy};
use zeroize::Zeroizing;

use crate::args::{Fail, QrArgs};

/// The argument, or the first line of stdin for "-".
pub(crate) fn argument_or_stdin(value: &str) -> Result<Zeroizing<String>, Fail> {
    if value != "-" {
        return Ok(Zeroizing::new(value.to_owned()));
    }
    read_secret_line(&mut std::io::stdin().lock())
        .map_err(|e| Fail(format!("cannot read the URI from stdin: {}", e.kind())))
}

/// Writes `bytes` to `path` (stdout for "-"), creating the file readable by its
/// owner only: it holds a secret.
fn write_secret_file(path: &PathBuf, bytes: &[u8]) -> Result<(), Fail> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|_| Fail("cannot write to stdout".into()));
    }
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // The message names the file (the user's own argument), not its contents.
    let fail = |e: std::io::Error| Fail(format!("cannot write {}: {e}", path.display()));
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

pub fn qr(args: QrArgs) -> Result<(), Fail> {
    let policy = if args.allow_short_secret {
        SecretPolicy::Legacy
    } else {
        SecretPolicy::Strict
    };
    let uri = argument_or_stdin(&args.uri)?;
    let qr = KeyUri::parse_with_policy(&uri, policy)?.to_qr()?;
    match (&args.svg, &args.png) {
        (Some(path), _) => write_secret_file(path, qr.to_svg().as_bytes()),
        (None, Some(path)) => write_secret_file(path, &qr.to_png(args.scale)?),
        (None, None) => {
            let mut out = std::io::stdout().lock();
            out.write_all(qr.to_terminal().as_bytes())
                .and_then(|()| out.flush())
                .map_err(|_| Fail("cannot write to stdout".into()))
        }
    }
}

pub fn import_migration(uri: &str) -> Result<(), Fail> {
    let uri = argument_or_stdin(uri)?;
    let export = Migration::parse(&uri)?;
    write_uri_lines(&mut std::io::stdout().lock(), export.accounts())
        .map_err(|_| Fail("cannot write to stdout".into()))?;
    if export.batch_size() > 1 {
        eprintln!(
            "otpcore: this is QR code {} of {} of the export; import the others too",
            export.batch_index().saturating_add(1),
            export.batch_size()
        );
    }
    Ok(())
}
