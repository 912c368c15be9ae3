//! The command line as clap parses it: every subcommand and flag, and the
//! [`Fail`] error every command returns. Data only: `lib.rs` runs it.

// These doc comments are clap's `--help` text, not HTML: `<N>` is a placeholder.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `otpcore`: the whole command line.
#[derive(Parser)]
#[command(
    name = "otpcore",
    version,
    about = "HOTP/TOTP codes and otpauth:// URIs"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Print the code: TOTP at the current time by default; --counter switches to HOTP.
    Generate(GenerateArgs),
    /// Check a code: prints "step=<N> offset=<K>" and exits 0, or "rejected" and exits 1.
    Verify {
        // Flattened: its own flags carry the help text.
        #[allow(missing_docs)]
        #[command(flatten)]
        otp: OtpArgs,
        /// The code as typed ("711 725" and "711-725" are accepted).
        #[arg(long)]
        code: String,
        /// Steps accepted before the expected one.
        #[arg(long, default_value_t = 1)]
        behind: u64,
        /// Steps accepted after the expected one.
        #[arg(long, default_value_t = 1)]
        ahead: u64,
        /// Refuse steps (or counters) at or before this one: the last accepted step.
        #[arg(long, value_name = "STEP")]
        last_used: Option<u64>,
    },
    /// Build or inspect otpauth:// URIs.
    #[command(subcommand)]
    Uri(UriCommand),
}

/// `otpcore uri …`.
#[derive(Subcommand)]
pub enum UriCommand {
    /// Print an otpauth:// URI (it contains the secret).
    Build {
        #[command(flatten)]
        secret: SecretArgs,
        /// Service name, shown by authenticator apps.
        #[arg(long)]
        issuer: String,
        /// Account name, e.g. the user's e-mail address.
        #[arg(long)]
        account: String,
        #[command(flatten)]
        params: ParamArgs,
        /// Build an HOTP URI with this initial counter.
        #[arg(long)]
        counter: Option<u64>,
    },
    /// Print the URI's parameters as JSON, never the secret.
    Parse {
        /// The otpauth:// (or steam://) URI; "-" reads it from stdin.
        uri: String,
        /// Accept 10-15 byte secrets.
        #[arg(long)]
        allow_short_secret: bool,
    },
    /// Show the URI as a QR code in the terminal, or write it as SVG or PNG.
    /// The picture contains the secret: show it only to the enrolling user.
    Qr(QrArgs),
    /// Print one otpauth:// URI per line from a Google Authenticator export
    /// (otpauth-migration://offline?data=...). The output contains the secrets.
    ImportMigration {
        /// The otpauth-migration:// URI; "-" reads it from stdin.
        uri: String,
    },
    /// Print Google Authenticator export URIs (otpauth-migration://offline?data=...),
    /// one per batch (one QR code each), for the otpauth:// URIs on stdin, one per
    /// line. The output contains the secrets.
    ExportMigration {
        /// Accounts per batch; 10 is what Google Authenticator puts in one QR code.
        #[arg(long, value_name = "N", default_value_t = otpcore::Migration::DEFAULT_BATCH_SIZE)]
        batch_size: usize,
    },
}

/// Where the secret comes from, and how strictly it is checked.
#[derive(Args)]
pub struct SecretArgs {
    /// Base32 secret; "-" reads it from the first line of stdin (keeps it out of `ps`).
    #[arg(long, value_name = "B32")]
    pub(crate) secret: String,
    /// Accept 10-15 byte (80-bit) secrets that some services still issue.
    #[arg(long)]
    pub(crate) allow_short_secret: bool,
}

/// The code parameters. Optional, so that a flag given with `--uri` can be told
/// from a default (`lib.rs` applies the defaults; `uri_source.rs` the checks).
#[derive(Args)]
pub struct ParamArgs {
    /// sha1, sha256 or sha512 [default: sha1].
    #[arg(long)]
    pub(crate) algorithm: Option<String>,
    /// Code length, 6 to 10 [default: 6].
    #[arg(long)]
    pub(crate) digits: Option<u32>,
    /// TOTP time step in seconds [default: 30].
    #[arg(long)]
    pub(crate) period: Option<u64>,
}

/// Where a generator's key comes from: `--secret` and the parameter flags, or
/// an otpauth:// URI holding both.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct KeyArgs {
    /// Base32 secret; "-" reads it from the first line of stdin (keeps it out of `ps`).
    #[arg(long, value_name = "B32")]
    pub(crate) secret: Option<String>,
    /// An otpauth:// or steam:// URI instead of --secret and the parameter flags
    /// (a flag that contradicts it is an error); "-" reads it from stdin.
    #[arg(long, value_name = "URI")]
    pub(crate) uri: Option<String>,
}

/// A generator: TOTP, HOTP or Steam, with its secret and parameters.
#[derive(Args)]
pub struct OtpArgs {
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// Accept 10-15 byte (80-bit) secrets that some services still issue.
    #[arg(long)]
    pub(crate) allow_short_secret: bool,
    #[command(flatten)]
    pub(crate) params: ParamArgs,
    /// TOTP epoch T0 in unix seconds [default: 0].
    #[arg(long)]
    pub(crate) t0: Option<u64>,
    /// TOTP at this unix time instead of now.
    #[arg(long, value_name = "UNIX", conflicts_with = "counter")]
    pub(crate) time: Option<u64>,
    /// HOTP with this counter.
    #[arg(long, value_name = "N")]
    pub(crate) counter: Option<u64>,
    /// Steam Guard: five characters of Steam's alphabet (SHA-1, 30 s, any case).
    #[arg(long, conflicts_with_all = ["counter", "algorithm", "digits", "period", "t0"])]
    pub(crate) steam: bool,
}

/// `otpcore generate`: the generator and how to print its code.
#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub(crate) otp: OtpArgs,
    /// Print one JSON object: code, grouped (as apps show it), step, and for
    /// TOTP and Steam valid_from, valid_until (unix seconds) and remaining
    /// (seconds); for HOTP step is the counter and the time fields are null.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `otpcore uri qr`: where to draw the enrollment picture.
#[derive(Args)]
pub struct QrArgs {
    /// The otpauth:// URI (normalised before encoding); "-" reads it from stdin.
    pub(crate) uri: String,
    /// Accept 10-15 byte secrets.
    #[arg(long)]
    pub(crate) allow_short_secret: bool,
    /// Write an SVG file ("-" for stdout) instead of drawing in the terminal.
    #[arg(long, value_name = "FILE", conflicts_with = "png")]
    pub(crate) svg: Option<PathBuf>,
    /// Write a PNG file ("-" for stdout) instead of drawing in the terminal.
    #[arg(long, value_name = "FILE")]
    pub(crate) png: Option<PathBuf>,
    /// PNG pixels per module (1-64).
    #[arg(long, default_value_t = 8, requires = "png")]
    pub(crate) scale: u32,
}

/// A bad-input error: the message names the problem, never a value.
pub struct Fail(
    /// The one-line message.
    pub String,
);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}
