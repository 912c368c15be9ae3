//! [`UriError`]: why an otpauth URI was refused. Never carries the URI's text.

use core::fmt;

use crate::{ParamError, SecretError};

/// Why a URI was refused. Never contains the URI, the secret or any parameter value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriError {
    /// Not `otpauth://<type>/<label>?<parameters>` (nor `steam://<secret>`).
    NotOtpauth,
    /// A type other than `totp`, `hotp` or `steam`.
    UnknownType,
    /// Invalid percent-encoding, or text that is not UTF-8 once decoded.
    BadEncoding,
    /// The label has no account name.
    MissingAccount,
    /// The `secret` parameter is absent.
    MissingSecret,
    /// The `secret` parameter is unusable.
    Secret(SecretError),
    /// `algorithm`, `digits` or `period` is out of range.
    Param(ParamError),
    /// A numeric parameter (`digits`, `period`, `counter`) is not a number.
    InvalidNumber(&'static str),
    /// An `hotp` URI without `counter`.
    MissingCounter,
    /// The issuer in the label prefix differs from the `issuer` parameter.
    ///
    /// No longer returned: the parameter is the issuer and the label prefix is kept
    /// as [`KeyUri::label_issuer`](crate::KeyUri::label_issuer). Kept so that
    /// matches written against earlier versions still compile.
    IssuerMismatch,
    /// A parameter appears twice.
    DuplicateParameter(&'static str),
    /// A name that cannot be written unambiguously: an issuer containing `:`, or,
    /// without issuer, an account containing `:`.
    ColonInLabel,
    /// An `encoder` other than `steam`: codes in an unknown format.
    UnknownEncoder,
    /// A Steam URI (`otpauth://steam/`, `encoder=steam`) whose parameters are not
    /// Steam's (SHA-1, 5 characters, 30 s), or Steam on an `hotp` URI.
    NotSteamParameters,
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UriError::NotOtpauth => f.write_str("not an otpauth:// URI"),
            UriError::UnknownType => f.write_str("URI type must be totp, hotp or steam"),
            UriError::BadEncoding => f.write_str("URI has invalid percent-encoding"),
            UriError::MissingAccount => f.write_str("URI label has no account name"),
            UriError::MissingSecret => f.write_str("URI has no secret parameter"),
            UriError::Secret(e) => write!(f, "URI secret: {e}"),
            UriError::Param(e) => write!(f, "URI parameter: {e}"),
            UriError::InvalidNumber(name) => write!(f, "URI parameter {name} is not a number"),
            UriError::MissingCounter => f.write_str("hotp URI has no counter parameter"),
            UriError::IssuerMismatch => {
                f.write_str("issuer in the label differs from the issuer parameter")
            }
            UriError::DuplicateParameter(name) => write!(f, "URI parameter {name} appears twice"),
            UriError::ColonInLabel => {
                f.write_str("issuer (or account without issuer) contains ':'")
            }
            UriError::UnknownEncoder => f.write_str("URI encoder must be steam"),
            UriError::NotSteamParameters => {
                f.write_str("Steam URI parameters must be SHA1, 5 digits, 30 s, time-based")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UriError {}

impl From<SecretError> for UriError {
    fn from(e: SecretError) -> Self {
        UriError::Secret(e)
    }
}

impl From<ParamError> for UriError {
    fn from(e: ParamError) -> Self {
        UriError::Param(e)
    }
}
