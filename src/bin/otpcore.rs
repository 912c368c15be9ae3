//! `otpcore`: generate and verify HOTP/TOTP codes, and build or inspect otpauth URIs.
//!
//! Exit status: 0 on success (and for an accepted code), 1 for a rejected code,
//! 2 for any bad input, with a one-line error on stderr that never contains the secret.
//!
//! The `pub(crate)` items are reached by the `cli` fuzz target (`fuzz/`), which
//! compiles this file as a module; in the binary they are private as usual.

// No input may panic: these are errors in the shipped code.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

// Subcommand modules live in src/bin/otpcore/ (a crate root resolves `mod` from src/bin/).
#[path = "otpcore/enroll.rs"]
mod enroll;

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};
use otpcore::{
    Algorithm, Digits, Hotp, HotpConfig, KeyUri, OtpKind, Period, Secret, SecretPolicy, Steam,
    Totp, TotpConfig, VerifyError, Window,
};

#[derive(Parser)]
#[command(
    name = "otpcore",
    version,
    about = "HOTP/TOTP codes and otpauth:// URIs"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Print the code: TOTP at the current time by default; --counter switches to HOTP.
    Generate(OtpArgs),
    /// Check a code: prints "step=<N> offset=<K>" and exits 0, or "rejected" and exits 1.
    Verify {
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

#[derive(Subcommand)]
enum UriCommand {
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
        /// The otpauth:// URI.
        uri: String,
        /// Accept 10-15 byte secrets.
        #[arg(long)]
        allow_short_secret: bool,
    },
    /// Show the URI as a QR code in the terminal, or write it as SVG or PNG.
    /// The picture contains the secret: show it only to the enrolling user.
    Qr(enroll::QrArgs),
    /// Print one otpauth:// URI per line from a Google Authenticator export
    /// (otpauth-migration://offline?data=...). The output contains the secrets.
    ImportMigration {
        /// The otpauth-migration:// URI; "-" reads it from stdin.
        uri: String,
    },
}

#[derive(Args)]
struct SecretArgs {
    /// Base32 secret; "-" reads it from the first line of stdin (keeps it out of `ps`).
    #[arg(long, value_name = "B32")]
    secret: String,
    /// Accept 10-15 byte (80-bit) secrets that some services still issue.
    #[arg(long)]
    allow_short_secret: bool,
}

#[derive(Args)]
struct ParamArgs {
    /// sha1, sha256 or sha512.
    #[arg(long, default_value = "sha1")]
    algorithm: String,
    /// Code length, 6 to 10.
    #[arg(long, default_value_t = 6)]
    digits: u32,
    /// TOTP time step in seconds.
    #[arg(long, default_value_t = 30)]
    period: u64,
}

#[derive(Args)]
struct OtpArgs {
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    params: ParamArgs,
    /// TOTP epoch T0 in unix seconds.
    #[arg(long, default_value_t = 0)]
    t0: u64,
    /// TOTP at this unix time instead of now.
    #[arg(long, value_name = "UNIX", conflicts_with = "counter")]
    time: Option<u64>,
    /// HOTP with this counter.
    #[arg(long, value_name = "N")]
    counter: Option<u64>,
    /// Steam Guard: five characters of Steam's alphabet (SHA-1, 30 s, any case).
    #[arg(long, conflicts_with_all = ["counter", "algorithm", "digits", "period", "t0"])]
    steam: bool,
}

/// A bad-input error: the message names the problem, never a value.
pub(crate) struct Fail(pub(crate) String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

enum Otp {
    Totp(Totp, u64),
    Hotp(Hotp, u64),
    Steam(Steam, u64),
}

impl SecretArgs {
    fn load(&self) -> Result<Secret, Fail> {
        let policy = if self.allow_short_secret {
            SecretPolicy::Legacy
        } else {
            SecretPolicy::Strict
        };
        if self.secret == "-" {
            let line = otpcore::cli_io::read_secret_line(&mut std::io::stdin().lock())
                .map_err(|e| Fail(format!("cannot read the secret from stdin: {}", e.kind())))?;
            return Ok(Secret::from_base32_with_policy(line.trim_end(), policy)?);
        }
        Ok(Secret::from_base32_with_policy(&self.secret, policy)?)
    }
}

impl ParamArgs {
    fn parse(&self) -> Result<(Algorithm, Digits, Period), Fail> {
        Ok((
            self.algorithm.parse()?,
            Digits::new(self.digits)?,
            Period::new(self.period)?,
        ))
    }
}

impl OtpArgs {
    fn build(&self) -> Result<Otp, Fail> {
        let secret = self.secret.load()?;
        let (algorithm, digits, period) = self.params.parse()?;
        if let Some(counter) = self.counter {
            let hotp = Hotp::new(&secret, HotpConfig { algorithm, digits });
            return Ok(Otp::Hotp(hotp, counter));
        }
        let config = TotpConfig {
            algorithm,
            digits,
            period,
            t0: self.t0,
        };
        let at = match self.time {
            Some(t) => t,
            None => otpcore::unix_now()?,
        };
        if self.steam {
            return Ok(Otp::Steam(Steam::new(&secret), at));
        }
        Ok(Otp::Totp(Totp::new(&secret, config), at))
    }
}

pub(crate) fn run(command: Command) -> Result<ExitCode, Fail> {
    match command {
        Command::Generate(args) => match args.build()? {
            Otp::Totp(totp, at) => println!("{}", totp.generate_at(at)?),
            Otp::Hotp(hotp, counter) => println!("{}", hotp.generate(counter)),
            Otp::Steam(steam, at) => println!("{}", steam.generate_at(at)?),
        },
        Command::Verify {
            otp,
            code,
            behind,
            ahead,
            last_used,
        } => {
            let window = Window::new(behind, ahead);
            let result = match otp.build()? {
                Otp::Totp(totp, at) => totp.verify_at(&code, at, window, last_used),
                Otp::Hotp(hotp, counter) => hotp.verify(&code, counter, window, last_used),
                Otp::Steam(steam, at) => steam.verify_at(&code, at, window, last_used),
            };
            match result {
                Ok(m) => println!("step={} offset={}", m.step, m.offset),
                Err(VerifyError::Mismatch | VerifyError::Replayed) => {
                    println!("rejected");
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Uri(UriCommand::Build {
            secret,
            issuer,
            account,
            params,
            counter,
        }) => {
            let (algorithm, digits, period) = params.parse()?;
            let secret = secret.load()?;
            let issuer = Some(issuer.as_str());
            let uri = match counter {
                Some(c) => KeyUri::hotp(secret, issuer, &account, c)?,
                None => KeyUri::totp(secret, issuer, &account)?.with_period(period),
            };
            println!(
                "{}",
                uri.with_algorithm(algorithm)
                    .with_digits(digits)
                    .to_uri_string()
                    .as_str()
            );
        }
        Command::Uri(UriCommand::Parse {
            uri,
            allow_short_secret,
        }) => {
            let policy = if allow_short_secret {
                SecretPolicy::Legacy
            } else {
                SecretPolicy::Strict
            };
            let uri = KeyUri::parse_with_policy(&uri, policy)?;
            let (kind, period, counter) = match uri.kind() {
                OtpKind::Totp { period } => ("totp", Some(period.get()), None),
                OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
            };
            let json = serde_json::json!({
                "type": kind,
                "issuer": uri.issuer(),
                "account": uri.account(),
                "algorithm": uri.algorithm().as_str(),
                "digits": uri.digits().get(),
                "period": period,
                "counter": counter,
            });
            println!("{json}");
        }
        Command::Uri(UriCommand::Qr(args)) => enroll::qr(args)?,
        Command::Uri(UriCommand::ImportMigration { uri }) => enroll::import_migration(&uri)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// clap's own messages quote the offending value, which may be the secret (say,
/// `--digits` given the secret by mistake). Report only the kind and the argument.
pub(crate) fn usage_error(err: &clap::Error) -> String {
    // For these kinds clap's `InvalidArg` is the flag's name; for the others (an
    // unexpected argument, say) it is the user's text, which is not echoed.
    let names_a_flag = matches!(
        err.kind(),
        ErrorKind::InvalidValue
            | ErrorKind::ValueValidation
            | ErrorKind::MissingRequiredArgument
            | ErrorKind::ArgumentConflict
    );
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(name)) if names_a_flag => format!(" ({name})"),
        _ => String::new(),
    };
    let what = match err.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "invalid value",
        ErrorKind::UnknownArgument => "unexpected argument",
        ErrorKind::MissingRequiredArgument => "missing required argument",
        ErrorKind::ArgumentConflict => "conflicting arguments",
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand => {
            "expected a subcommand: generate, verify, uri build|parse|qr|import-migration"
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => "wrong number of values",
        _ => "invalid command line",
    };
    let missing = match err.get(ContextKind::InvalidArg) {
        None if err.kind() == ErrorKind::MissingRequiredArgument => " (see --help)",
        _ => "",
    };
    format!("{what}{arg}{missing}")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("otpcore: error: {}", usage_error(&e));
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(Fail(message)) => {
            eprintln!("otpcore: error: {message}");
            ExitCode::from(2)
        }
    }
}
