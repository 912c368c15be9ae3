//! `otpauth://` provisioning URIs ([Google Key Uri Format]).
//!
//! [Google Key Uri Format]: https://github.com/google/google-authenticator/wiki/Key-Uri-Format

mod error;
mod params;

use alloc::string::String;
use core::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use crate::{
    Algorithm, Digits, Hotp, HotpConfig, Period, Secret, SecretError, SecretPolicy, Totp,
    TotpConfig,
};
// For `migration.rs`, which accepts the same percent-encoding as URIs.
pub use error::UriError;
#[cfg(feature = "migration")]
pub(crate) use params::check_percent_encoding;
use params::{decode, number, strip_prefix_ignore_case, Params};

/// Everything but RFC 3986 unreserved characters is percent-encoded on output, so
/// `:`/`@`/`+`/space in names survive any decoder.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// TOTP or HOTP, with the parameter only that kind has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// Time-based, with its period.
    Totp {
        /// Time step.
        period: Period,
    },
    /// Counter-based, with the initial counter.
    Hotp {
        /// Counter of the next code.
        counter: u64,
    },
}

/// A parsed or to-be-built `otpauth://` URI.
///
/// ```
/// use otpcore::{KeyUri, Secret, SecretPolicy};
/// let uri = KeyUri::parse_with_policy(
///     "otpauth://totp/ACME%20Co:john@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
///     SecretPolicy::Legacy,
/// )?;
/// assert_eq!(uri.issuer(), Some("ACME Co"));
/// assert_eq!(uri.account(), "john@example.com");
/// let again = KeyUri::parse_with_policy(&uri.to_uri_string(), SecretPolicy::Legacy)?;
/// assert_eq!(again, uri);
/// # Ok::<(), otpcore::UriError>(())
/// ```
///
/// # Security
/// The URI carries the secret: [`KeyUri::to_uri_string`] returns it in a string that
/// is wiped on drop; `Debug` shows the secret as `Secret(..)`.
#[derive(Clone, Debug)]
pub struct KeyUri {
    kind: OtpKind,
    secret: Secret,
    issuer: Option<String>,
    account: String,
    algorithm: Algorithm,
    digits: Digits,
}

impl PartialEq for KeyUri {
    /// Compares the secrets in constant time (and the public fields normally).
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        let same_secret = bool::from(self.secret.ct_eq(&other.secret));
        same_secret
            && self.kind == other.kind
            && self.issuer == other.issuer
            && self.account == other.account
            && self.algorithm == other.algorithm
            && self.digits == other.digits
    }
}

impl Eq for KeyUri {}

impl KeyUri {
    /// A TOTP URI with default parameters (SHA-1, 6 digits, 30 s).
    ///
    /// With an issuer, leading spaces of `account` are dropped: in the label
    /// `issuer: account` they are separators, so they could not be read back.
    ///
    /// # Errors
    /// [`UriError::MissingAccount`] for an empty account, [`UriError::ColonInLabel`].
    pub fn totp(secret: Secret, issuer: Option<&str>, account: &str) -> Result<Self, UriError> {
        Self::new(
            OtpKind::Totp {
                period: Period::default(),
            },
            secret,
            issuer,
            account,
        )
    }

    /// An HOTP URI with default parameters (SHA-1, 6 digits) and `counter`.
    ///
    /// # Errors
    /// As [`KeyUri::totp`].
    pub fn hotp(
        secret: Secret,
        issuer: Option<&str>,
        account: &str,
        counter: u64,
    ) -> Result<Self, UriError> {
        Self::new(OtpKind::Hotp { counter }, secret, issuer, account)
    }

    fn new(
        kind: OtpKind,
        secret: Secret,
        issuer: Option<&str>,
        account: &str,
    ) -> Result<Self, UriError> {
        let issuer = issuer.filter(|i| !i.is_empty());
        // With an issuer the label is `issuer:account`, and the format lets spaces
        // follow the colon, which parsers drop: they cannot begin the account.
        let account = match issuer {
            Some(_) => account.trim_start_matches(' '),
            None => account,
        };
        if account.is_empty() {
            return Err(UriError::MissingAccount);
        }
        if issuer.map_or(account.contains(':'), |i| i.contains(':')) {
            return Err(UriError::ColonInLabel);
        }
        Ok(KeyUri {
            kind,
            secret,
            issuer: issuer.map(String::from),
            account: String::from(account),
            algorithm: Algorithm::default(),
            digits: Digits::default(),
        })
    }

    /// Sets the algorithm.
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets the number of digits.
    #[must_use]
    pub fn with_digits(mut self, digits: Digits) -> Self {
        self.digits = digits;
        self
    }

    /// Sets the period (TOTP only; ignored for HOTP).
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        if let OtpKind::Totp { .. } = self.kind {
            self.kind = OtpKind::Totp { period };
        }
        self
    }

    /// Parses a URI, requiring a 16-byte secret ([`SecretPolicy::Strict`]).
    ///
    /// # Errors
    /// [`UriError`]; it never contains the URI or the secret.
    pub fn parse(uri: &str) -> Result<Self, UriError> {
        Self::parse_with_policy(uri, SecretPolicy::Strict)
    }

    /// Parses a URI under a secret-length policy. Accepts what real QR codes hold:
    /// any case in scheme, type and algorithm; padded, lower-case or spaced secrets;
    /// `%20` or `+` for spaces; the issuer in the label, the parameter, or both (if
    /// equal). Unknown parameters (`image`, …) are ignored.
    ///
    /// # Errors
    /// [`UriError`]; it never contains the URI or the secret. The builders' rules
    /// hold, so that [`KeyUri::to_uri_string`] can write back every parsed URI: an
    /// issuer containing `:`, or an account containing `:` without an issuer, is
    /// [`UriError::ColonInLabel`]; with an issuer, leading spaces of the account
    /// are dropped.
    pub fn parse_with_policy(uri: &str, policy: SecretPolicy) -> Result<Self, UriError> {
        let rest = strip_prefix_ignore_case(uri, "otpauth://").ok_or(UriError::NotOtpauth)?;
        let (kind_name, rest) = rest.split_once('/').ok_or(UriError::NotOtpauth)?;
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
        let is_totp = if kind_name.eq_ignore_ascii_case("totp") {
            true
        } else if kind_name.eq_ignore_ascii_case("hotp") {
            false
        } else {
            return Err(UriError::UnknownType);
        };

        let label = decode(label)?;
        let (label_issuer, account) = match label.split_once(':') {
            Some((issuer, account)) => (Some(issuer), account.trim_start_matches(' ')),
            None => (None, label.as_ref()),
        };
        if account.is_empty() {
            return Err(UriError::MissingAccount);
        }

        let params = Params::parse(query)?;
        let secret = params.secret.as_deref().ok_or(UriError::MissingSecret)?;
        // Base32 is ASCII: bytes that are not UTF-8 are not base32 either.
        let secret = core::str::from_utf8(secret)
            .map_err(|_| UriError::Secret(SecretError::InvalidBase32))?;
        let secret = Secret::from_base32_with_policy(secret, policy)?;
        let issuer = match (
            label_issuer.filter(|i| !i.is_empty()),
            params.issuer.as_deref(),
        ) {
            (Some(a), Some(b)) if a != b => return Err(UriError::IssuerMismatch),
            (a, b) => b.or(a),
        };
        let algorithm = match params.algorithm.as_deref() {
            Some(name) => name.parse()?,
            None => Algorithm::default(),
        };
        let digits = match params.digits.as_deref() {
            Some(d) => {
                let d: u64 = number(d, "digits")?;
                Digits::new(u32::try_from(d).unwrap_or(u32::MAX))?
            }
            None => Digits::default(),
        };
        let kind = if is_totp {
            let period = match params.period.as_deref() {
                Some(p) => Period::new(number(p, "period")?)?,
                None => Period::default(),
            };
            OtpKind::Totp { period }
        } else {
            let counter = params.counter.as_deref().ok_or(UriError::MissingCounter)?;
            OtpKind::Hotp {
                counter: number(counter, "counter")?,
            }
        };
        // The builders' rules apply, so that every parsed URI can be written back:
        // an issuer from the parameter may hold a `:`, or the label may have had no
        // issuer but a `:` in the account (`:a:b`), or the issuer may come from the
        // parameter alone while the account starts with spaces.
        Ok(Self::new(kind, secret, issuer, account)?
            .with_algorithm(algorithm)
            .with_digits(digits))
    }

    /// The URI text, with the secret as unpadded base32 and every name
    /// percent-encoded. `KeyUri::parse(&u.to_uri_string()) == u`.
    ///
    /// # Security
    /// The returned string contains the secret and is wiped on drop.
    #[must_use]
    pub fn to_uri_string(&self) -> Zeroizing<String> {
        let kind = match self.kind {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
        };
        let enc = |s| percent_encoding::utf8_percent_encode(s, COMPONENT);
        // Everything but the secret is written first, into plain strings; the
        // secret-bearing string is then allocated once at its final size, so no
        // reallocation leaves an unwiped partial copy behind.
        // Writing to a String cannot fail; the results are ignored for that reason.
        let mut head = String::with_capacity(64);
        let _ = write!(head, "otpauth://{kind}/");
        if let Some(issuer) = &self.issuer {
            let _ = write!(head, "{}:", enc(issuer));
        }
        let _ = write!(head, "{}?secret=", enc(&self.account));
        let mut tail = String::with_capacity(64);
        if let Some(issuer) = &self.issuer {
            let _ = write!(tail, "&issuer={}", enc(issuer));
        }
        let _ = write!(tail, "&algorithm={}&digits={}", self.algorithm, self.digits);
        let _ = match self.kind {
            OtpKind::Totp { period } => write!(tail, "&period={}", period.get()),
            OtpKind::Hotp { counter } => write!(tail, "&counter={counter}"),
        };
        let secret = self.secret.expose_base32();
        let len = head
            .len()
            .saturating_add(secret.len())
            .saturating_add(tail.len());
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push_str(&head);
        out.push_str(&secret);
        out.push_str(&tail);
        out
    }

    /// TOTP or HOTP, with period or counter.
    #[must_use]
    pub fn kind(&self) -> OtpKind {
        self.kind
    }

    /// The secret.
    #[must_use]
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The issuer (service name), if any.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account name.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The number of digits.
    #[must_use]
    pub fn digits(&self) -> Digits {
        self.digits
    }

    /// A [`Totp`] for a TOTP URI (`t0 = 0`, as the format has no T0), else `None`.
    #[must_use]
    pub fn to_totp(&self) -> Option<Totp> {
        match self.kind {
            OtpKind::Totp { period } => Some(Totp::new(
                &self.secret,
                TotpConfig {
                    algorithm: self.algorithm,
                    digits: self.digits,
                    period,
                    t0: 0,
                },
            )),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// An [`Hotp`] for an HOTP URI, else `None`.
    #[must_use]
    pub fn to_hotp(&self) -> Option<Hotp> {
        match self.kind {
            OtpKind::Hotp { .. } => Some(Hotp::new(
                &self.secret,
                HotpConfig {
                    algorithm: self.algorithm,
                    digits: self.digits,
                },
            )),
            OtpKind::Totp { .. } => None,
        }
    }
}
