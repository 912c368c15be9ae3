//! [`KeyUri`]: `otpauth://` URIs, the format inside enrolment QR codes.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{Algorithm, Hotp, OtpError, OtpKind, Secret, SecretPolicy, Steam, Totp};

/// An `otpauth://totp/…` or `otpauth://hotp/…` URI (or a Steam Guard one): what an
/// enrolment QR code holds.
///
/// Parse one scanned from a QR code, or build one to show as a QR code. Objects are
/// immutable: the `with…` calls return a new `KeyUri`. `==` compares the secrets in
/// constant time.
///
/// # Security
/// The URI contains the secret. Printing the object shows `Secret(..)` in its place;
/// only `toUriString()` and `secret().exposeBase32()` reveal it.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct KeyUri {
    pub(crate) inner: otpcore::KeyUri,
}

impl KeyUri {
    pub(crate) fn wrap(inner: otpcore::KeyUri) -> Arc<Self> {
        Arc::new(KeyUri { inner })
    }
}

#[uniffi::export]
impl KeyUri {
    /// Parses a URI as scanned from a QR code. A 16-byte secret is required unless
    /// `allowShortSecret` is true, which accepts the 10-byte (80-bit) secrets
    /// GitHub, Microsoft and Discord still issue.
    ///
    /// Accepts what real issuers emit: any case in scheme, type and algorithm;
    /// padded, lower-case or spaced secrets; `%20` or `+` for spaces; the issuer
    /// in the label, the `issuer` parameter, or both. When they differ (Microsoft
    /// 365 puts the tenant in the label) the parameter is the issuer and the label
    /// prefix is `labelIssuer()`; when the label starts with the parameter and a
    /// colon, the prefix ends there, so issuers may contain `:`. The `image`
    /// parameter is kept; Steam Guard URIs (`otpauth://steam/…`,
    /// `…&encoder=steam`, `steam://SECRET`) give `OtpKind.Steam`.
    ///
    /// # Errors
    /// `InvalidUri`, whose message names the problem; it never contains the URI or
    /// the secret.
    #[uniffi::constructor(default(allow_short_secret = false))]
    pub fn parse(uri: String, allow_short_secret: bool) -> Result<Arc<Self>, OtpError> {
        let policy = if allow_short_secret {
            SecretPolicy::Legacy
        } else {
            SecretPolicy::Strict
        };
        Self::parse_with_policy(uri, policy)
    }

    /// As `parse`, under a secret-length policy: `LEGACY` accepts the
    /// 10-byte secrets many services still issue.
    ///
    /// # Errors
    /// `InvalidUri`.
    #[uniffi::constructor]
    pub fn parse_with_policy(uri: String, policy: SecretPolicy) -> Result<Arc<Self>, OtpError> {
        let uri = Zeroizing::new(uri);
        Ok(Self::wrap(otpcore::KeyUri::parse_with_policy(
            &uri,
            policy.into(),
        )?))
    }

    /// A TOTP URI with the standard parameters (SHA-1, 6 digits, 30 s).
    /// `issuer` is the service name authenticator apps show; `account` is usually
    /// the user's e-mail address.
    ///
    /// # Errors
    /// `InvalidUri` for an empty account, or a `:` in the issuer (or in the account
    /// when there is no issuer).
    #[uniffi::constructor]
    pub fn totp(
        secret: Arc<Secret>,
        issuer: Option<String>,
        account: String,
    ) -> Result<Arc<Self>, OtpError> {
        Ok(Self::wrap(otpcore::KeyUri::totp(
            secret.inner.clone(),
            issuer.as_deref(),
            &account,
        )?))
    }

    /// An HOTP URI with the standard parameters (SHA-1, 6 digits) and the counter
    /// of the next code.
    ///
    /// # Errors
    /// As `totp`.
    #[uniffi::constructor]
    pub fn hotp(
        secret: Arc<Secret>,
        issuer: Option<String>,
        account: String,
        counter: u64,
    ) -> Result<Arc<Self>, OtpError> {
        Ok(Self::wrap(otpcore::KeyUri::hotp(
            secret.inner.clone(),
            issuer.as_deref(),
            &account,
            counter,
        )?))
    }

    /// A Steam Guard URI (`otpauth://steam/…`).
    ///
    /// # Errors
    /// As `totp`.
    #[uniffi::constructor]
    pub fn steam(
        secret: Arc<Secret>,
        issuer: Option<String>,
        account: String,
    ) -> Result<Arc<Self>, OtpError> {
        Ok(Self::wrap(otpcore::KeyUri::steam(
            secret.inner.clone(),
            issuer.as_deref(),
            &account,
        )?))
    }

    /// A copy with a logo URL as the `image` parameter (FreeOTP's extension); an
    /// empty string removes it.
    pub fn with_image(&self, image: String) -> Arc<Self> {
        Self::wrap(self.inner.clone().with_image(&image))
    }

    /// A copy with another algorithm.
    pub fn with_algorithm(&self, algorithm: Algorithm) -> Arc<Self> {
        Self::wrap(self.inner.clone().with_algorithm(algorithm.into()))
    }

    /// A copy with another number of digits.
    ///
    /// # Errors
    /// `InvalidDigits` unless `digits` is 6 to 10.
    pub fn with_digits(&self, digits: u32) -> Result<Arc<Self>, OtpError> {
        let digits = otpcore::Digits::new(digits)?;
        Ok(Self::wrap(self.inner.clone().with_digits(digits)))
    }

    /// A copy with another TOTP period in seconds (ignored for HOTP).
    ///
    /// # Errors
    /// `InvalidPeriod` for 0.
    pub fn with_period(&self, period: u64) -> Result<Arc<Self>, OtpError> {
        let period = otpcore::Period::new(period)?;
        Ok(Self::wrap(self.inner.clone().with_period(period)))
    }

    /// The URI text, ready for a QR code. Names are percent-encoded and the secret
    /// is unpadded base32; parsing the result gives back an equal `KeyUri`.
    ///
    /// # Security
    /// The text contains the secret. Do not log it; show it only as a QR code to
    /// the user enrolling. As for `Secret.exposeBase32`, the native buffer is wiped
    /// when freed; the returned string is in your runtime's memory, unwiped.
    pub fn to_uri_string(&self) -> String {
        String::from(self.inner.to_uri_string().as_str())
    }

    /// TOTP with its period, or HOTP with its counter.
    pub fn kind(&self) -> OtpKind {
        self.inner.kind().into()
    }

    /// The issuer (service name), if any.
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer().map(String::from)
    }

    /// The label prefix when it differs from the `issuer` parameter, else null:
    /// the name to show for the account (Microsoft 365 puts the tenant there).
    ///
    /// # Security
    /// Text from the QR code: display it as text, never as markup.
    pub fn label_issuer(&self) -> Option<String> {
        self.inner.label_issuer().map(String::from)
    }

    /// The logo URL of the `image` parameter, if any.
    ///
    /// # Security
    /// Chosen by whoever made the QR code: fetching it tells that server when and
    /// from where the account was added. Fetch it (if at all) over https, without
    /// cookies or credentials.
    pub fn image(&self) -> Option<String> {
        self.inner.image().map(String::from)
    }

    /// The account name (empty only for a `steam://SECRET` URI).
    pub fn account(&self) -> String {
        String::from(self.inner.account())
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.algorithm().into()
    }

    /// The number of digits.
    pub fn digits(&self) -> u32 {
        u32::from(self.inner.digits().get())
    }

    /// The secret, as a new `Secret` object (store it in the platform keystore).
    pub fn secret(&self) -> Arc<Secret> {
        Secret::wrap(self.inner.secret().clone())
    }

    /// A Steam Guard generator for a Steam URI, else null.
    pub fn to_steam(&self) -> Option<Arc<Steam>> {
        self.inner.to_steam().map(|inner| Arc::new(Steam { inner }))
    }

    /// A TOTP generator for a TOTP URI (with `t0 = 0`), or null for an HOTP or
    /// Steam URI.
    pub fn to_totp(&self) -> Option<Arc<Totp>> {
        self.inner.to_totp().map(|inner| Arc::new(Totp { inner }))
    }

    /// An HOTP generator for an HOTP URI, or null for a TOTP URI.
    pub fn to_hotp(&self) -> Option<Arc<Hotp>> {
        self.inner.to_hotp().map(|inner| Arc::new(Hotp { inner }))
    }
}

impl fmt::Debug for KeyUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl PartialEq for KeyUri {
    /// Constant time in the secret.
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Eq for KeyUri {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_parse_round_trip() -> Result<(), OtpError> {
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec())?;
        let uri = KeyUri::totp(secret, Some("ACME Co".into()), "john@example.com".into())?
            .with_digits(8)?;
        let text = uri.to_uri_string();
        let again = KeyUri::parse(text, false)?;
        assert_eq!(*again, *uri);
        assert_eq!(again.kind(), OtpKind::Totp { period: 30 });
        assert!(again.to_hotp().is_none());
        assert!(!format!("{again:?}").contains("GEZDGNBV"));
        Ok(())
    }

    #[test]
    fn parse_errors_do_not_echo_the_uri() {
        let err = KeyUri::parse("otpauth://totp/acct?secret=GEZDGNBV!!".into(), false).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.is_empty() && !msg.contains("GEZDGNBV"), "{msg}");
    }

    #[test]
    fn real_world_fields_and_the_short_secret_opt_in() -> Result<(), OtpError> {
        let microsoft = "otpauth://totp/Some+Company%3ame%40somecompany.net\
                         ?secret=abcdefghijklmnop&issuer=Microsoft";
        assert!(matches!(
            KeyUri::parse(microsoft.into(), false),
            Err(OtpError::InvalidUri(_))
        ));
        let uri = KeyUri::parse(microsoft.into(), true)?;
        assert_eq!(uri.issuer().as_deref(), Some("Microsoft"));
        assert_eq!(uri.label_issuer().as_deref(), Some("Some Company"));
        let steam = KeyUri::parse("steam://GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(), false)?;
        assert_eq!(steam.kind(), OtpKind::Steam);
        assert_eq!(
            steam
                .to_steam()
                .map(|s| s.generate_at(59))
                .transpose()?
                .as_deref(),
            Some("PV9M4")
        );
        assert!(steam.to_totp().is_none());
        let logo = uri.with_image("https://example.com/a.png".into());
        assert_eq!(
            KeyUri::parse(logo.to_uri_string(), true)?.image(),
            logo.image()
        );
        Ok(())
    }
}
