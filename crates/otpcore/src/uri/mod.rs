//! `otpauth://` provisioning URIs ([Google Key Uri Format]), and the Steam Guard
//! forms authenticator apps export.
//!
//! One idea per file: the value and its builders here, reading in `parse.rs`,
//! writing in `write.rs`, the label rule both share in `label.rs`, query decoding
//! in `params.rs`.
//!
//! [Google Key Uri Format]: https://github.com/google/google-authenticator/wiki/Key-Uri-Format

mod error;
mod label;
mod params;
mod parse;
mod write;

use alloc::string::String;

use crate::{Algorithm, Digits, Hotp, HotpConfig, Period, Secret, Steam, Totp, TotpConfig};
// For `migration.rs`, which accepts the same percent-encoding as URIs.
pub use error::UriError;
#[cfg(feature = "migration")]
pub(crate) use params::check_percent_encoding;

/// TOTP, HOTP or Steam Guard, with the parameter only that kind has.
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
    /// Steam Guard: TOTP with SHA-1 and 30 s steps, codes of five characters
    /// ([`Steam`]). Written `otpauth://steam/…`; read from that form, from
    /// `otpauth://totp/…&encoder=steam` and from `steam://SECRET`.
    Steam,
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
/// is wiped on drop; `Debug` shows the secret as `Secret(..)`. The names and the
/// image URL come from whoever made the QR code: show them as text, never as markup,
/// and fetch the image (if at all) without credentials (see SECURITY.md).
#[derive(Clone, Debug)]
pub struct KeyUri {
    kind: OtpKind,
    secret: Secret,
    issuer: Option<String>,
    /// The label prefix when it differs from `issuer` (never equal to it, never
    /// containing `:`; only with an `issuer`).
    label_issuer: Option<String>,
    account: String,
    algorithm: Algorithm,
    digits: Digits,
    image: Option<String>,
}

impl PartialEq for KeyUri {
    /// Compares the secrets in constant time (and the public fields normally).
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        let same_secret = bool::from(self.secret.ct_eq(&other.secret));
        same_secret
            && self.kind == other.kind
            && self.issuer == other.issuer
            && self.label_issuer == other.label_issuer
            && self.account == other.account
            && self.algorithm == other.algorithm
            && self.digits == other.digits
            && self.image == other.image
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
    /// [`UriError::MissingAccount`] for an empty account, [`UriError::ColonInLabel`]
    /// for a `:` in the issuer (or in the account without an issuer): the builders
    /// write only labels every parser splits the same way.
    pub fn totp(secret: Secret, issuer: Option<&str>, account: &str) -> Result<Self, UriError> {
        let period = Period::default();
        Self::build(OtpKind::Totp { period }, secret, issuer, account)
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
        Self::build(OtpKind::Hotp { counter }, secret, issuer, account)
    }

    /// A Steam Guard URI (`otpauth://steam/…`, as Aegis and andOTP write it).
    ///
    /// # Errors
    /// As [`KeyUri::totp`].
    pub fn steam(secret: Secret, issuer: Option<&str>, account: &str) -> Result<Self, UriError> {
        Self::build(OtpKind::Steam, secret, issuer, account)
    }

    /// The builders' strict rules: no `:` in the issuer at all.
    fn build(
        kind: OtpKind,
        secret: Secret,
        issuer: Option<&str>,
        account: &str,
    ) -> Result<Self, UriError> {
        let issuer = issuer.filter(|i| !i.is_empty());
        if issuer.is_some_and(|i| i.contains(':')) {
            return Err(UriError::ColonInLabel);
        }
        Self::new(kind, secret, issuer, None, account)
    }

    /// Every `KeyUri`, built or parsed, passes here: it normalises the account and
    /// refuses values [`KeyUri::to_uri_string`] could not write back unchanged.
    fn new(
        kind: OtpKind,
        secret: Secret,
        issuer: Option<&str>,
        label_issuer: Option<&str>,
        account: &str,
    ) -> Result<Self, UriError> {
        let issuer = issuer.filter(|i| !i.is_empty());
        let label_issuer = label_issuer.filter(|l| !l.is_empty() && Some(*l) != issuer);
        // With an issuer the label is `issuer:account`, and the format lets spaces
        // follow the colon, which parsers drop: they cannot begin the account.
        let account = match issuer {
            Some(_) => account.trim_start_matches(' '),
            None => account,
        };
        if account.is_empty() {
            return Err(UriError::MissingAccount);
        }
        let uri = KeyUri {
            kind,
            secret,
            issuer: issuer.map(String::from),
            label_issuer: issuer.and(label_issuer).map(String::from),
            account: String::from(account),
            algorithm: Algorithm::default(),
            digits: Digits::default(),
            image: None,
        };
        if !label::reads_back(&uri) {
            return Err(UriError::ColonInLabel);
        }
        Ok(uri)
    }

    /// Sets the algorithm (ignored for Steam, which is always SHA-1).
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        if self.kind != OtpKind::Steam {
            self.algorithm = algorithm;
        }
        self
    }

    /// Sets the number of digits (ignored for Steam, whose codes are five
    /// characters).
    #[must_use]
    pub fn with_digits(mut self, digits: Digits) -> Self {
        if self.kind != OtpKind::Steam {
            self.digits = digits;
        }
        self
    }

    /// Sets the period (TOTP only; ignored for HOTP and Steam).
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        if let OtpKind::Totp { .. } = self.kind {
            self.kind = OtpKind::Totp { period };
        }
        self
    }

    /// Sets the logo URL written as the `image` parameter (FreeOTP's extension);
    /// an empty string removes it. The text is percent-encoded on output.
    #[must_use]
    pub fn with_image(mut self, image: &str) -> Self {
        self.image = Some(String::from(image)).filter(|i| !i.is_empty());
        self
    }

    /// TOTP, HOTP or Steam, with period or counter.
    #[must_use]
    pub fn kind(&self) -> OtpKind {
        self.kind
    }

    /// The secret.
    #[must_use]
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The issuer (service name), if any: the `issuer` parameter when present,
    /// else the label prefix.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The label prefix when it differs from the `issuer` parameter, else `None`.
    /// Microsoft 365 writes the tenant there (`Some Company:me@…&issuer=Microsoft`);
    /// apps show it as the account's display name.
    ///
    /// # Security
    /// Text from the QR code, like every name here: display it, never trust it.
    #[must_use]
    pub fn label_issuer(&self) -> Option<&str> {
        self.label_issuer.as_deref()
    }

    /// The account name. Empty only for a `steam://SECRET` URI, which has none.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The algorithm (SHA-1 for Steam).
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The number of digits (unused for Steam: its codes are five characters).
    #[must_use]
    pub fn digits(&self) -> Digits {
        self.digits
    }

    /// The logo URL of the `image` parameter, if any.
    ///
    /// # Security
    /// Chosen by whoever made the QR code: fetching it tells that server when the
    /// account was added, from where. Fetch it (if at all) without cookies or
    /// credentials, and only over `https`.
    #[must_use]
    pub fn image(&self) -> Option<&str> {
        self.image.as_deref()
    }

    /// A [`Totp`] for a TOTP URI (`t0 = 0`, as the format has no T0), else `None`
    /// (Steam codes are not decimal: use [`KeyUri::to_steam`]).
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
            OtpKind::Hotp { .. } | OtpKind::Steam => None,
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
            OtpKind::Totp { .. } | OtpKind::Steam => None,
        }
    }

    /// A [`Steam`] for a Steam URI, else `None`.
    #[must_use]
    pub fn to_steam(&self) -> Option<Steam> {
        (self.kind == OtpKind::Steam).then(|| Steam::new(&self.secret))
    }
}
