//! `--uri`: a generator from an otpauth:// (or steam://) URI instead of
//! `--secret` and the parameter flags, and the JSON `otpcore uri parse` prints.
//! A flag given with `--uri` must agree with it: the URI is the account's
//! definition, so a different `--digits` (say) is a mistake, not an override.

use otpcore::{KeyUri, OtpKind, Period};

use crate::args::{Fail, OtpArgs};
use crate::{enroll, policy, Otp};

/// The error for a flag that says something else than the URI. Names the flag,
/// never a value.
fn contradicts(flag: &str) -> Fail {
    Fail(format!("{flag} contradicts the URI"))
}

impl OtpArgs {
    /// The generator of `--uri`, after checking every parameter flag against it.
    ///
    /// `--counter` picks the counter of an HOTP URI (default: the URI's own);
    /// `--time` the time of a TOTP or Steam URI.
    pub(crate) fn build_from_uri(&self, text: &str) -> Result<Otp, Fail> {
        let text = enroll::argument_or_stdin(text)?;
        let uri = KeyUri::parse_with_policy(&text, policy(self.allow_short_secret))?;
        self.check_against(&uri)?;
        match uri.kind() {
            OtpKind::Hotp { counter } => {
                let hotp = uri.to_hotp().ok_or_else(|| contradicts("--uri"))?;
                Ok(Otp::Hotp(hotp, self.counter.unwrap_or(counter)))
            }
            OtpKind::Totp { .. } => {
                let totp = uri.to_totp().ok_or_else(|| contradicts("--uri"))?;
                Ok(Otp::Totp(totp, self.at()?))
            }
            OtpKind::Steam => {
                let steam = uri.to_steam().ok_or_else(|| contradicts("--uri"))?;
                Ok(Otp::Steam(steam, self.at()?))
            }
        }
    }

    /// Refuses every flag that disagrees with the URI.
    fn check_against(&self, uri: &KeyUri) -> Result<(), Fail> {
        let steam = uri.kind() == OtpKind::Steam;
        if let Some(name) = &self.params.algorithm {
            if name.parse::<otpcore::Algorithm>()? != uri.algorithm() {
                return Err(contradicts("--algorithm"));
            }
        }
        if let Some(digits) = self.params.digits {
            if steam || digits != u32::from(uri.digits().get()) {
                return Err(contradicts("--digits"));
            }
        }
        let period = match uri.kind() {
            OtpKind::Totp { period } => Some(period),
            OtpKind::Steam => Some(Period::THIRTY),
            OtpKind::Hotp { .. } => None,
        };
        if let Some(p) = self.params.period {
            if period.map(Period::get) != Some(p) {
                return Err(contradicts("--period"));
            }
        }
        if self.t0.is_some_and(|t0| t0 != 0) {
            return Err(contradicts("--t0"));
        }
        if self.steam && !steam {
            return Err(contradicts("--steam"));
        }
        match uri.kind() {
            OtpKind::Hotp { .. } if self.time.is_some() => Err(contradicts("--time")),
            OtpKind::Totp { .. } | OtpKind::Steam if self.counter.is_some() => {
                Err(contradicts("--counter"))
            }
            _ => Ok(()),
        }
    }
}

/// What `otpcore uri parse` prints: the URI's fields, never its secret. A Steam
/// URI is `"type": "totp"` with `"encoder": "steam"` and 5 digits, as the
/// `encoder=steam` form writes it.
pub(crate) fn describe(uri: &KeyUri) -> serde_json::Value {
    let (kind, period, counter) = match uri.kind() {
        OtpKind::Totp { period } => ("totp", Some(period.get()), None),
        OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
        OtpKind::Steam => ("totp", Some(Period::THIRTY.get()), None),
    };
    let steam = uri.kind() == OtpKind::Steam;
    let mut json = serde_json::json!({
        "type": kind,
        "issuer": uri.issuer(),
        "label_issuer": uri.label_issuer(),
        "account": uri.account(),
        "algorithm": uri.algorithm().as_str(),
        "digits": if steam { 5 } else { uri.digits().get() },
        "period": period,
        "counter": counter,
        "image": uri.image(),
    });
    if let (true, Some(object)) = (steam, json.as_object_mut()) {
        object.insert("encoder".into(), "steam".into());
    }
    json
}
