//! `otpcore generate`'s output: the code alone, or with `--json` one object
//! with what an authenticator app shows (the grouped code and the countdown).

use otpcore::{Code, StepWindow};
use serde_json::{json, Value};

use crate::args::Fail;
use crate::Otp;

/// Prints the generated code: the code alone, or the JSON object
///
/// `{"code", "grouped", "step", "valid_from", "valid_until", "remaining"}`
///
/// where for TOTP and Steam `step` is the time step and the other three are
/// unix seconds / seconds (`Totp::step_window`), and for HOTP `step` is the
/// counter and the three time fields are `null` (an HOTP code has no time: it
/// stays valid until used). Steam codes are not grouped (`grouped` = `code`).
pub(crate) fn print(otp: Otp, as_json: bool) -> Result<(), Fail> {
    let json = match otp {
        Otp::Totp(totp, at) => {
            let window = totp.step_window(at)?;
            let code = totp.generate_step(window.step);
            if !as_json {
                println!("{code}");
                return Ok(());
            }
            decimal(code, window.step, Some(window))
        }
        Otp::Hotp(hotp, counter) => {
            let code = hotp.generate(counter);
            if !as_json {
                println!("{code}");
                return Ok(());
            }
            decimal(code, counter, None)
        }
        Otp::Steam(steam, at) => {
            let code = steam.generate_at(at)?.to_string();
            if !as_json {
                println!("{code}");
                return Ok(());
            }
            let window = steam.step_window(at)?;
            object(code.clone(), code, window.step, Some(window))
        }
    };
    println!("{json}");
    Ok(())
}

fn decimal(code: Code, step: u64, window: Option<StepWindow>) -> Value {
    object(code.to_string(), code.grouped().to_string(), step, window)
}

fn object(code: String, grouped: String, step: u64, window: Option<StepWindow>) -> Value {
    json!({
        "code": code,
        "grouped": grouped,
        "step": step,
        "valid_from": window.map(|w| w.valid_from),
        "valid_until": window.map(|w| w.valid_until),
        "remaining": window.map(|w| w.remaining),
    })
}
