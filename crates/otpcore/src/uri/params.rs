//! Decoding the query and label of an `otpauth://` URI: `Params` and the
//! helpers [`KeyUri::parse_with_policy`](super::KeyUri::parse_with_policy) uses.
//! Decoding rules only; what the values mean is decided in `uri/mod.rs`.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use zeroize::Zeroizing;

use super::error::UriError;

/// The parameters otpcore reads; each may appear once.
#[derive(Default)]
pub(super) struct Params<'a> {
    /// Decoded bytes of the `secret` value (base32 text if well formed).
    pub(super) secret: Option<Zeroizing<Vec<u8>>>,
    pub(super) issuer: Option<Cow<'a, str>>,
    pub(super) algorithm: Option<Cow<'a, str>>,
    pub(super) digits: Option<Cow<'a, str>>,
    pub(super) period: Option<Cow<'a, str>>,
    pub(super) counter: Option<Cow<'a, str>>,
    /// A logo URL (FreeOTP's extension).
    pub(super) image: Option<Cow<'a, str>>,
    /// `steam` for Steam Guard codes (KeePassXC's, pyotp's extension).
    pub(super) encoder: Option<Cow<'a, str>>,
}

impl<'a> Params<'a> {
    /// Splits and decodes the query as `application/x-www-form-urlencoded` (what
    /// `form_urlencoded` does), but decodes the `secret` value by itself, straight
    /// into a buffer that is wiped on drop: a general decoder would leave the
    /// secret in unwiped intermediate strings when it holds `%XX` or `+`.
    pub(super) fn parse(query: &'a str) -> Result<Self, UriError> {
        check_percent_encoding(query)?;
        let mut p = Params::default();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (slot, label) = match form_decode(name).as_ref() {
                "secret" => {
                    if p.secret.is_some() {
                        return Err(UriError::DuplicateParameter("secret"));
                    }
                    p.secret = Some(decode_secret(value));
                    continue;
                }
                "issuer" => (&mut p.issuer, "issuer"),
                "algorithm" => (&mut p.algorithm, "algorithm"),
                "digits" => (&mut p.digits, "digits"),
                "period" => (&mut p.period, "period"),
                "counter" => (&mut p.counter, "counter"),
                "image" => (&mut p.image, "image"),
                "encoder" => (&mut p.encoder, "encoder"),
                _ => continue,
            };
            if slot.replace(form_decode(value)).is_some() {
                return Err(UriError::DuplicateParameter(label));
            }
        }
        Ok(p)
    }
}

/// A form-encoded name or value: `+` is a space, then percent-decoding; invalid
/// UTF-8 becomes U+FFFD, as `form_urlencoded` does.
fn form_decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains(['+', '%']) {
        return Cow::Borrowed(raw);
    }
    let spaced = raw.replace('+', " ");
    Cow::Owned(String::from(
        percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy(),
    ))
}

/// [`form_decode`] for the secret, into one allocation of the final capacity that
/// is wiped on drop. `check_percent_encoding` has accepted the text, so every `%`
/// starts a valid escape.
fn decode_secret(raw: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(raw.len()));
    let mut bytes = raw.bytes();
    while let Some(byte) = bytes.next() {
        let decoded = match byte {
            b'+' => b' ',
            b'%' => {
                let high = bytes.next().and_then(hex_value).unwrap_or(0);
                let low = bytes.next().and_then(hex_value).unwrap_or(0);
                high.wrapping_shl(4) | low
            }
            other => other,
        };
        out.push(decoded);
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

pub(super) fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// `%` must be followed by two hex digits: the decoders below would otherwise pass
/// a stray `%` through silently.
pub(crate) fn check_percent_encoding(s: &str) -> Result<(), UriError> {
    let bytes = s.as_bytes();
    for (i, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'%') {
        let hex = bytes.get(i.saturating_add(1)..i.saturating_add(3));
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err(UriError::BadEncoding);
        }
    }
    Ok(())
}

/// Percent-decodes a label, with `+` as a space (what form encoders emit).
pub(super) fn decode(label: &str) -> Result<Cow<'_, str>, UriError> {
    check_percent_encoding(label)?;
    let label: Cow<'_, str> = if label.contains('+') {
        Cow::Owned(label.replace('+', " "))
    } else {
        Cow::Borrowed(label)
    };
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(&label).collect();
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|_| UriError::BadEncoding)
}

pub(super) fn number<T: core::str::FromStr>(text: &str, name: &'static str) -> Result<T, UriError> {
    // `FromStr` for integers accepts a leading `+`; a URI number is digits only.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UriError::InvalidNumber(name));
    }
    text.parse().map_err(|_| UriError::InvalidNumber(name))
}
