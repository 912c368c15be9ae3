//! `otpcore`: generate and verify HOTP/TOTP codes, and build or inspect otpauth
//! URIs. See `otpcore --help`; the implementation is the `otpcore_cli` library.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser as _;
use otpcore_cli::{run, usage_error, Cli, Fail};

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
