//! The project's own tasks, run as `cargo xtask …` (the alias is in `.cargo/config.toml`).
//!
//! ```text
//! cargo xtask bindings <kotlin|swift|python> [--profile P] [--features F] [--out DIR]
//! ```
//!
//! `bindings` is the one way every language's bindings are made: it builds `otpcore-ffi`
//! (`cargo build -p otpcore-ffi --profile P [--features F]`, default `dev` and no
//! features), runs uniffi's library-mode
//! generator on the built `libotpcore_ffi` (which reads `bindings/otpcore-ffi/uniffi.toml`
//! through `cargo metadata`) and writes the result where that language's tests and
//! packaging expect it (see [`Language`]). Files are replaced only when their content
//! changed; nothing else in the output directory is touched.

mod cargo;
mod generate;
mod install;
mod language;
mod swift_package;

use std::path::PathBuf;
use std::process::ExitCode;

use language::Language;

const USAGE: &str = "\
usage: cargo xtask bindings <kotlin|swift|python> [--profile P] [--features F] [--out DIR]

  --profile P  cargo profile of the otpcore-ffi build (default: dev)
  --features F cargo features of otpcore-ffi (e.g. `stores`: withRedis, withPostgres);
               the generated sources declare what the library exports, so build both
               with the same features (default: none)
  --out DIR    where to write the bindings (default: bindings/python/generated,
               bindings/kotlin/target/generated-sources/uniffi, or the bindings/swift
               package, relative to the workspace root)
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Bindings(Bindings),
}

/// `cargo xtask bindings <language> [--profile P] [--features F] [--out DIR]`.
#[derive(Debug, PartialEq, Eq)]
struct Bindings {
    language: Language,
    profile: String,
    /// Passed to `cargo build --features` as given (comma- or space-separated).
    features: Option<String>,
    /// As given; relative paths are relative to the caller's working directory.
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Bindings(request)) => match generate::bindings(&request) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("xtask: {err:#}");
                ExitCode::FAILURE
            }
        },
        Err(msg) => {
            eprintln!("xtask: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter().map(String::as_str);
    match args.next() {
        None | Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("bindings") => {}
        Some(other) => return Err(format!("unknown task `{other}`")),
    }
    let mut language = None;
    let mut profile = None;
    let mut features = None;
    let mut out = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (arg, None),
        };
        let slot = match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--profile" => &mut profile,
            "--features" => &mut features,
            "--out" => &mut out,
            _ if flag.starts_with('-') => return Err(format!("unknown option `{arg}`")),
            _ if language.is_some() => return Err(format!("unexpected argument `{arg}`")),
            _ => {
                language = Some(Language::parse(arg)?);
                continue;
            }
        };
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or(format!("{flag} needs a value"))?,
        };
        if value.is_empty() || slot.replace(value.to_owned()).is_some() {
            return Err(format!("{flag} needs one non-empty value"));
        }
    }
    Ok(Command::Bindings(Bindings {
        language: language.ok_or("which language: kotlin, swift or python?")?,
        profile: profile.unwrap_or_else(|| "dev".to_owned()),
        features,
        out: out.map(PathBuf::from),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(
            &line
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn defaults_are_dev_and_no_out() {
        assert_eq!(
            parse_str("bindings kotlin"),
            Ok(Command::Bindings(Bindings {
                language: Language::Kotlin,
                profile: "dev".into(),
                features: None,
                out: None
            }))
        );
    }

    #[test]
    fn options_in_either_spelling_and_any_order() {
        let expected = Ok(Command::Bindings(Bindings {
            language: Language::Swift,
            profile: "release".into(),
            features: Some("stores".into()),
            out: Some("gen".into()),
        }));
        assert_eq!(
            parse_str("bindings swift --profile release --features stores --out gen"),
            expected
        );
        assert_eq!(
            parse_str("bindings --out=gen --features=stores --profile=release swift"),
            expected
        );
    }

    #[test]
    fn mistakes_are_errors() {
        for line in [
            "bindings",
            "bindings ruby",
            "bindings python kotlin",
            "bindings python --out",
            "bindings python --out a --out b",
            "bindings python --profile=",
            "bindings python --features",
            "bindings python --features=",
            "bindings python --features a --features b",
            "bindings python --verbose",
            "generate python",
        ] {
            assert!(parse_str(line).is_err(), "{line}");
        }
        assert_eq!(parse_str(""), Ok(Command::Help));
        assert_eq!(parse_str("bindings --help"), Ok(Command::Help));
    }
}
