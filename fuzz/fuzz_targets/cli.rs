//! The command line: arbitrary arguments (NUL-separated) go through the CLI's own parser and
//! `run` (`otpcore_cli`, the library behind the `otpcore` binary). Never panics, and no error message
//! echoes an argument's text (which may be the secret or a URI holding it).
#![no_main]

use clap::Parser as _;
use libfuzzer_sys::fuzz_target;

use otpcore_cli as cli;

/// Arguments that could be (part of) a secret and are long enough that no fixed
/// message text contains them by chance.
fn sensitive(arg: &str) -> bool {
    arg.len() >= 12
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=:/?&%.".contains(&b))
}

fn check(message: &str, args: &[String]) {
    for arg in args.iter().filter(|a| sensitive(a)) {
        assert!(!message.contains(arg.as_str()), "error echoes an argument");
    }
}

// Arguments are the input split at NUL bytes (what `execve` would pass), so the
// seeds in `corpus/cli/` are readable command lines.
fuzz_target!(|text: &str| {
    let args: Vec<String> = text.split('\0').map(str::to_owned).collect();
    // "-" reads the secret from stdin, which a fuzzer must not block on.
    if args.iter().any(|a| a == "-") {
        return;
    }
    let argv = std::iter::once("otpcore".to_owned()).chain(args.iter().cloned());
    match cli::Cli::try_parse_from(argv) {
        Ok(parsed) => {
            if let Err(cli::Fail(message)) = cli::run(parsed.command) {
                check(&message, &args);
            }
        }
        Err(e) => check(&cli::usage_error(&e), &args),
    }
});
