//! [`KeyUri::parse_with_policy`]: reading what real QR codes hold.

use crate::{Algorithm, Digits, Period, Secret, SecretError, SecretPolicy};

use super::label::resolve;
use super::params::{decode, number, strip_prefix_ignore_case, Params};
use super::{KeyUri, OtpKind, UriError};

/// The `<type>` of `otpauth://<type>/`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Totp,
    Hotp,
    Steam,
}

impl KeyUri {
    /// Parses a URI, requiring a 16-byte secret ([`SecretPolicy::Strict`]).
    ///
    /// # Errors
    /// [`UriError`]; it never contains the URI or the secret.
    pub fn parse(uri: &str) -> Result<Self, UriError> {
        Self::parse_with_policy(uri, SecretPolicy::Strict)
    }

    /// Parses a URI under a secret-length policy ([`SecretPolicy::Legacy`] accepts
    /// the 80-bit secrets GitHub, Microsoft and Discord issue). Accepts what real
    /// QR codes hold:
    /// - any case in scheme, type and algorithm; padded, lower-case or spaced
    ///   secrets; `%20` or `+` for spaces;
    /// - the issuer in the label, the parameter, or both: when they differ the
    ///   parameter is the issuer and the label prefix is kept as
    ///   [`KeyUri::label_issuer`]; when the label starts with the parameter and a
    ///   colon, the prefix ends there, so an issuer may contain `:` (the rule is
    ///   in `src/uri/label.rs`); spaces after the colon are dropped;
    /// - `image` (a logo URL), kept as [`KeyUri::image`];
    /// - Steam Guard as `otpauth://steam/…`, `otpauth://totp/…&encoder=steam` or
    ///   `steam://SECRET` (base32, no name), with `digits=5`, `algorithm=SHA1`,
    ///   `period=30` or none of them.
    ///
    /// Other unknown parameters are ignored.
    ///
    /// # Errors
    /// [`UriError`]; it never contains the URI or the secret. A URI whose names
    /// [`KeyUri::to_uri_string`] could not write back is [`UriError::ColonInLabel`]
    /// (an account containing `:` without an issuer).
    pub fn parse_with_policy(uri: &str, policy: SecretPolicy) -> Result<Self, UriError> {
        if let Some(secret) = strip_prefix_ignore_case(uri, "steam://") {
            return Ok(Self::bare_steam(Secret::from_base32_with_policy(
                secret, policy,
            )?));
        }
        let rest = strip_prefix_ignore_case(uri, "otpauth://").ok_or(UriError::NotOtpauth)?;
        let (type_name, rest) = rest.split_once('/').ok_or(UriError::NotOtpauth)?;
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut kind_type = [
            ("totp", Type::Totp),
            ("hotp", Type::Hotp),
            ("steam", Type::Steam),
        ]
        .into_iter()
        .find(|(name, _)| type_name.eq_ignore_ascii_case(name))
        .map(|(_, t)| t)
        .ok_or(UriError::UnknownType)?;

        let label = decode(label)?;
        let params = Params::parse(query)?;
        match params.encoder.as_deref() {
            None => {}
            Some(e) if e.eq_ignore_ascii_case("steam") => {
                if kind_type == Type::Hotp {
                    return Err(UriError::NotSteamParameters);
                }
                kind_type = Type::Steam;
            }
            Some(_) => return Err(UriError::UnknownEncoder),
        }
        let names = resolve(&label, params.issuer.as_deref());
        if names.account.is_empty() {
            return Err(UriError::MissingAccount);
        }

        let secret = params.secret.as_deref().ok_or(UriError::MissingSecret)?;
        // Base32 is ASCII: bytes that are not UTF-8 are not base32 either.
        let secret = core::str::from_utf8(secret)
            .map_err(|_| UriError::Secret(SecretError::InvalidBase32))?;
        let secret = Secret::from_base32_with_policy(secret, policy)?;
        let algorithm = match params.algorithm.as_deref() {
            Some(name) => name.parse()?,
            None => Algorithm::default(),
        };
        let digits = match params.digits.as_deref() {
            Some(d) => Some(number::<u64>(d, "digits")?),
            None => None,
        };
        // Read for the time-based types only: HOTP URIs (FreeOTP's) may carry one.
        let period = match (kind_type, params.period.as_deref()) {
            (Type::Totp | Type::Steam, Some(p)) => Some(number::<u64>(p, "period")?),
            _ => None,
        };
        let kind = match kind_type {
            Type::Steam => {
                let steam_like = algorithm == Algorithm::Sha1
                    && digits.is_none_or(|d| d == 5)
                    && period.is_none_or(|p| p == 30);
                if !steam_like {
                    return Err(UriError::NotSteamParameters);
                }
                OtpKind::Steam
            }
            Type::Totp => OtpKind::Totp {
                period: period.map_or(Ok(Period::default()), Period::new)?,
            },
            Type::Hotp => {
                let counter = params.counter.as_deref().ok_or(UriError::MissingCounter)?;
                OtpKind::Hotp {
                    counter: number(counter, "counter")?,
                }
            }
        };
        let digits = match (kind, digits) {
            (OtpKind::Steam, _) | (_, None) => Digits::default(),
            (_, Some(d)) => Digits::new(u32::try_from(d).unwrap_or(u32::MAX))?,
        };
        Ok(Self::new(
            kind,
            secret,
            names.issuer,
            names.label_issuer,
            names.account,
        )?
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_image(params.image.as_deref().unwrap_or("")))
    }

    /// `steam://SECRET` (Bitwarden's and Keyguard's form): a Steam secret with no
    /// names, written back the same way.
    fn bare_steam(secret: Secret) -> Self {
        KeyUri {
            kind: OtpKind::Steam,
            secret,
            issuer: None,
            label_issuer: None,
            account: alloc::string::String::new(),
            algorithm: Algorithm::Sha1,
            digits: Digits::default(),
            image: None,
        }
    }
}
