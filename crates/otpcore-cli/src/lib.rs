//! The `otpcore` command: generate and verify HOTP/TOTP codes, and build or
//! inspect otpauth URIs. The binary (`src/main.rs`) parses the command line
//! into [`Cli`] and calls [`run`]; the `cli` fuzz target calls the same two.
//!
//! Exit status: 0 on success (and for an accepted code), 1 for a rejected code,
//! 2 for any bad input, with a one-line error on stderr that never contains the secret.
//!
//! This library is the command's implementation, not a stable API: use the
//! `otpcore` crate from Rust code.

// No input may panic: these are errors in the shipped code.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod args;
pub mod cli_io;
mod enroll;
pub mod export;
mod generate;
mod uri_source;

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use otpcore::{
    Algorithm, Digits, Hotp, HotpConfig, KeyUri, Period, Secret, SecretPolicy, Steam, Totp,
    TotpConfig, VerifyError, Window,
};

pub use args::{Cli, Command, Fail};
use args::{OtpArgs, ParamArgs, SecretArgs, UriCommand};

/// A generator and where to use it: the unix time, or the HOTP counter.
pub(crate) enum Otp {
    Totp(Totp, u64),
    Hotp(Hotp, u64),
    Steam(Steam, u64),
}

fn policy(allow_short_secret: bool) -> SecretPolicy {
    if allow_short_secret {
        SecretPolicy::Legacy
    } else {
        SecretPolicy::Strict
    }
}

/// A base32 secret from the argument, or from the first line of stdin for "-".
fn load_secret(text: &str, allow_short_secret: bool) -> Result<Secret, Fail> {
    let policy = policy(allow_short_secret);
    if text == "-" {
        let line = cli_io::read_secret_line(&mut std::io::stdin().lock())
            .map_err(|e| Fail(format!("cannot read the secret from stdin: {}", e.kind())))?;
        return Ok(Secret::from_base32_with_policy(line.trim_end(), policy)?);
    }
    Ok(Secret::from_base32_with_policy(text, policy)?)
}

impl SecretArgs {
    fn load(&self) -> Result<Secret, Fail> {
        load_secret(&self.secret, self.allow_short_secret)
    }
}

impl ParamArgs {
    /// The flags, with the defaults for those not given.
    fn parse(&self) -> Result<(Algorithm, Digits, Period), Fail> {
        Ok((
            self.algorithm.as_deref().unwrap_or("sha1").parse()?,
            Digits::new(self.digits.unwrap_or(6))?,
            Period::new(self.period.unwrap_or(30))?,
        ))
    }
}

impl OtpArgs {
    /// The unix time of a TOTP or Steam code: `--time`, else now.
    fn at(&self) -> Result<u64, Fail> {
        match self.time {
            Some(t) => Ok(t),
            None => Ok(otpcore::unix_now()?),
        }
    }

    fn build(&self) -> Result<Otp, Fail> {
        let secret = match (&self.key.secret, &self.key.uri) {
            (_, Some(uri)) => return self.build_from_uri(uri),
            (Some(secret), None) => load_secret(secret, self.allow_short_secret)?,
            // clap's group requires one of the two.
            (None, None) => return Err(Fail("--secret or --uri is required".into())),
        };
        let (algorithm, digits, period) = self.params.parse()?;
        if let Some(counter) = self.counter {
            let hotp = Hotp::new(&secret, HotpConfig { algorithm, digits });
            return Ok(Otp::Hotp(hotp, counter));
        }
        let config = TotpConfig {
            algorithm,
            digits,
            period,
            t0: self.t0.unwrap_or(0),
        };
        let at = self.at()?;
        if self.steam {
            return Ok(Otp::Steam(Steam::new(&secret), at));
        }
        Ok(Otp::Totp(Totp::new(&secret, config), at))
    }
}

/// Runs one parsed command, printing its result on stdout.
///
/// # Errors
/// [`Fail`] for any bad input: the message names the problem, never a value.
pub fn run(command: Command) -> Result<ExitCode, Fail> {
    match command {
        Command::Generate(args) => generate::print(args.otp.build()?, args.json)?,
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
            let uri = enroll::argument_or_stdin(&uri)?;
            let uri = KeyUri::parse_with_policy(&uri, policy(allow_short_secret))?;
            println!("{}", uri_source::describe(&uri));
        }
        Command::Uri(UriCommand::Qr(args)) => enroll::qr(args)?,
        Command::Uri(UriCommand::ImportMigration { uri }) => enroll::import_migration(&uri)?,
        Command::Uri(UriCommand::ExportMigration { batch_size }) => export::export_migration(
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
            batch_size,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

/// clap's own messages quote the offending value, which may be the secret (say,
/// `--digits` given the secret by mistake). Report only the kind and the argument.
pub fn usage_error(err: &clap::Error) -> String {
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
        // A required group (`--secret` or `--uri`): its flags' names.
        Some(ContextValue::Strings(names)) if names_a_flag => format!(" ({})", names.join(", ")),
        _ => String::new(),
    };
    let what = match err.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "invalid value",
        ErrorKind::UnknownArgument => "unexpected argument",
        ErrorKind::MissingRequiredArgument => "missing required argument",
        ErrorKind::ArgumentConflict => "conflicting arguments",
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand => {
            "expected a subcommand: generate, verify, uri build|parse|qr|import-migration|export-migration"
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
