//! [`KeyUri::to_uri_string`]: the canonical text of a URI.

use alloc::string::String;
use core::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use super::label::layout;
use super::{KeyUri, OtpKind};

/// Everything but RFC 3986 unreserved characters is percent-encoded on output, so
/// `:`/`@`/`+`/space in names survive any decoder.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl KeyUri {
    /// The URI text, with the secret as unpadded base32 and every name
    /// percent-encoded. `KeyUri::parse(&u.to_uri_string()) == u`.
    ///
    /// The label is `prefix:account`, where the prefix is the label issuer if
    /// any, else the issuer; an issuer containing `:` appears only as the `issuer`
    /// parameter, so that parsers splitting the label at its first colon read the
    /// same account. Steam URIs are written `otpauth://steam/…` with Steam's
    /// parameters (apps that do not know Steam refuse the type rather than show
    /// wrong codes), and a Steam URI without a name as `steam://SECRET`.
    ///
    /// # Security
    /// The returned string contains the secret and is wiped on drop.
    #[must_use]
    pub fn to_uri_string(&self) -> Zeroizing<String> {
        let enc = |s| percent_encoding::utf8_percent_encode(s, COMPONENT);
        // Everything but the secret is written first, into plain strings; the
        // secret-bearing string is then allocated once at its final size, so no
        // reallocation leaves an unwiped partial copy behind.
        // Writing to a String cannot fail; the results are ignored for that reason.
        let mut head = String::with_capacity(64);
        let mut tail = String::with_capacity(64);
        if self.kind == OtpKind::Steam && self.account.is_empty() {
            head.push_str("steam://");
        } else {
            let kind = match self.kind {
                OtpKind::Totp { .. } => "totp",
                OtpKind::Hotp { .. } => "hotp",
                OtpKind::Steam => "steam",
            };
            let _ = write!(head, "otpauth://{kind}/");
            let (prefix, account) = layout(self);
            if let Some(prefix) = prefix {
                let _ = write!(head, "{}:", enc(prefix));
            }
            let _ = write!(head, "{}?secret=", enc(account));
            if let Some(issuer) = &self.issuer {
                let _ = write!(tail, "&issuer={}", enc(issuer));
            }
            let _ = match self.kind {
                OtpKind::Totp { period } => write!(
                    tail,
                    "&algorithm={}&digits={}&period={}",
                    self.algorithm,
                    self.digits,
                    period.get()
                ),
                OtpKind::Hotp { counter } => write!(
                    tail,
                    "&algorithm={}&digits={}&counter={counter}",
                    self.algorithm, self.digits
                ),
                OtpKind::Steam => write!(tail, "&algorithm=SHA1&digits=5&period=30"),
            };
            if let Some(image) = &self.image {
                let _ = write!(tail, "&image={}", enc(image));
            }
        }
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
}
