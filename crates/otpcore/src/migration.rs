//! [`Migration`]: import and export of Google Authenticator's "Transfer accounts" QR codes,
//! `otpauth-migration://offline?data=<base64 protobuf>` (feature `migration`).

mod export;
mod proto;

pub use export::{ExportError, Unexportable};

use alloc::vec::Vec;
use core::fmt;

use data_encoding::Encoding;
use data_encoding_macro::new_encoding;
use prost::Message as _;
use zeroize::Zeroizing;

use crate::uri::check_percent_encoding;
use crate::{Algorithm, Digits, KeyUri, Secret, SecretError, SecretPolicy, UriError};
use proto::{MigrationPayload, OtpParameters};

/// Base64 as exports are found in the wild: standard alphabet, unpadded (padding is
/// stripped first); `-`/`_` (URL-safe) and a space (a `+` that went through form
/// decoding) are read as `+`, `/`, `+`.
const BASE64_LENIENT: Encoding = new_encoding! {
    symbols: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    translate_from: "-_ ",
    translate_to: "+/+",
    check_trailing_bits: false,
};

/// Why an export was refused. Never contains the URI, a secret or an account name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// Not `otpauth-migration://offline?…`.
    NotMigrationUri,
    /// No `data` parameter.
    MissingData,
    /// More than one `data` parameter.
    DuplicateData,
    /// Invalid percent-encoding in the query.
    BadEncoding,
    /// `data` is longer than [`Migration::MAX_DATA_LEN`] characters.
    TooLong,
    /// `data` is not base64.
    BadBase64,
    /// The decoded bytes are not a `MigrationPayload` protobuf.
    BadPayload,
    /// One account cannot be imported; `index` counts from 0 in export order.
    Account {
        /// Position of the account in the export.
        index: usize,
        /// What is wrong with it.
        reason: AccountError,
    },
}

/// What is wrong with one exported account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountError {
    /// MD5, or an algorithm number this version does not know.
    UnsupportedAlgorithm,
    /// A digit count other than six or eight.
    UnsupportedDigits,
    /// An OTP type other than HOTP or TOTP (including unspecified).
    UnsupportedType,
    /// A negative HOTP counter.
    NegativeCounter,
    /// The secret is empty, shorter than 10 bytes, or too long.
    Secret(SecretError),
    /// The name or issuer cannot form an otpauth label (an empty name, or a `:`
    /// in the issuer).
    Label(UriError),
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrationError::NotMigrationUri => {
                f.write_str("not an otpauth-migration://offline URI")
            }
            MigrationError::MissingData => f.write_str("migration URI has no data parameter"),
            MigrationError::DuplicateData => f.write_str("migration URI has two data parameters"),
            MigrationError::BadEncoding => {
                f.write_str("migration URI has invalid percent-encoding")
            }
            MigrationError::TooLong => write!(
                f,
                "migration data is longer than {} characters",
                Migration::MAX_DATA_LEN
            ),
            MigrationError::BadBase64 => f.write_str("migration data is not base64"),
            MigrationError::BadPayload => f.write_str("migration data is not a migration payload"),
            MigrationError::Account { index, reason } => write!(f, "account #{index}: {reason}"),
        }
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountError::UnsupportedAlgorithm => f.write_str("unsupported algorithm"),
            AccountError::UnsupportedDigits => f.write_str("unsupported number of digits"),
            AccountError::UnsupportedType => f.write_str("unsupported OTP type"),
            AccountError::NegativeCounter => f.write_str("negative HOTP counter"),
            AccountError::Secret(e) => e.fmt(f),
            AccountError::Label(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MigrationError {}
#[cfg(feature = "std")]
impl std::error::Error for AccountError {}

/// One decoded export QR code: its accounts as [`KeyUri`]s, and the batch
/// fields that tell which QR code of a multi-code export it is.
///
/// ```
/// use otpcore::{Migration, OtpKind};
/// // One TOTP account "pi@raspberrypi", issuer "raspberrypi" (a public sample).
/// let export = Migration::parse(
///     "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBp\
///      GgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B",
/// )?;
/// let account = &export.accounts()[0];
/// assert_eq!((account.issuer(), account.account()), (Some("raspberrypi"), "pi@raspberrypi"));
/// assert!(matches!(account.kind(), OtpKind::Totp { .. }));
/// assert_eq!(account.secret().expose_base32().as_str(), "7KSQL2JTUDIS5EF65KLMRQIIGY");
/// assert_eq!((export.batch_index(), export.batch_size()), (0, 1));
/// # Ok::<(), otpcore::MigrationError>(())
/// ```
///
/// Mapping: algorithm unspecified or SHA1 → SHA-1, SHA256, SHA512 (MD5 is refused);
/// digits unspecified or SIX → 6, EIGHT → 8 (a literal 6 or 8 is accepted too);
/// TOTP always has the 30 s period (the format has no period field). Secrets of
/// 10 bytes and up are accepted ([`SecretPolicy::Legacy`]): exports often hold
/// 80-bit secrets. A name `"Issuer:account"` loses its prefix when it repeats the
/// issuer; without an issuer, the prefix becomes the issuer. So each account's
/// [`KeyUri::to_uri_string`] parses back to the same account.
///
/// # Security
/// An export holds every secret of the exporting phone. Treat the URI, the QR
/// picture and the result like the secrets themselves. Decoded bytes are wiped;
/// [`KeyUri`] wipes its secret on drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    accounts: Vec<KeyUri>,
    version: i32,
    batch_size: i32,
    batch_index: i32,
    batch_id: i32,
}

impl Migration {
    /// Longest accepted `data` value, in characters: 64 KiB. One QR code holds at
    /// most 2953 bytes, so real exports are far shorter.
    pub const MAX_DATA_LEN: usize = 64 * 1024;

    /// Parses an `otpauth-migration://offline?data=…` URI (scheme and host in any
    /// case; `data` percent-encoded or not, padded or not).
    ///
    /// # Errors
    /// [`MigrationError`]; all accounts import or none does. Never panics.
    pub fn parse(uri: &str) -> Result<Self, MigrationError> {
        let rest = strip_prefix_ignore_case(uri, "otpauth-migration://offline")
            .ok_or(MigrationError::NotMigrationUri)?;
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let query = rest.strip_prefix('?').ok_or(MigrationError::MissingData)?;
        check_percent_encoding(query).map_err(|_| MigrationError::BadEncoding)?;
        let mut data = None;
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("data=") {
                if data.replace(value).is_some() {
                    return Err(MigrationError::DuplicateData);
                }
            }
        }
        let data = data.ok_or(MigrationError::MissingData)?;
        if data.len() > Self::MAX_DATA_LEN {
            return Err(MigrationError::TooLong);
        }
        // Not form decoding: a raw `+` is base64, not a space. Decoding never
        // lengthens the text, so `data.len()` bytes of room means no reallocation.
        let mut decoded = Zeroizing::new(Vec::with_capacity(data.len()));
        decoded.extend(percent_encoding::percent_decode_str(data));
        let unpadded = decoded
            .strip_suffix(b"==")
            .or_else(|| decoded.strip_suffix(b"="));
        let base64 = unpadded.unwrap_or(&decoded);
        // Decoded in place into a buffer that is wiped on every path, including a
        // decode error part-way through.
        let max = BASE64_LENIENT
            .decode_len(base64.len())
            .map_err(|_| MigrationError::BadBase64)?;
        let mut bytes = Zeroizing::new(alloc::vec![0u8; max]);
        let len = BASE64_LENIENT
            .decode_mut(base64, &mut bytes)
            .map_err(|_| MigrationError::BadBase64)?;
        let bytes = bytes.get(..len).ok_or(MigrationError::BadBase64)?;
        Self::from_payload(bytes)
    }

    /// Decodes the protobuf `MigrationPayload` bytes (the base64-decoded `data`).
    ///
    /// # Errors
    /// [`MigrationError::BadPayload`], [`MigrationError::Account`]. Never panics.
    pub fn from_payload(bytes: &[u8]) -> Result<Self, MigrationError> {
        let payload = MigrationPayload::decode(bytes).map_err(|_| MigrationError::BadPayload)?;
        let accounts = payload
            .otp_parameters
            .iter()
            .enumerate()
            .map(|(index, params)| {
                account(params).map_err(|reason| MigrationError::Account { index, reason })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Migration {
            accounts,
            version: payload.version,
            batch_size: payload.batch_size,
            batch_index: payload.batch_index.unwrap_or(0),
            batch_id: payload.batch_id,
        })
    }

    /// The accounts, in export order.
    #[must_use]
    pub fn accounts(&self) -> &[KeyUri] {
        &self.accounts
    }

    /// The accounts, in export order.
    #[must_use]
    pub fn into_accounts(self) -> Vec<KeyUri> {
        self.accounts
    }

    /// Payload format version (1 in current exports).
    #[must_use]
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Number of QR codes in the export.
    #[must_use]
    pub fn batch_size(&self) -> i32 {
        self.batch_size
    }

    /// Which QR code of the export this is, from 0.
    #[must_use]
    pub fn batch_index(&self) -> i32 {
        self.batch_index
    }

    /// Identifier shared by the QR codes of one export.
    #[must_use]
    pub fn batch_id(&self) -> i32 {
        self.batch_id
    }
}

fn account(p: &OtpParameters) -> Result<KeyUri, AccountError> {
    let algorithm = match p.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        _ => return Err(AccountError::UnsupportedAlgorithm),
    };
    let digits = match p.digits {
        0 | 1 | 6 => Digits::SIX,
        2 | 8 => Digits::EIGHT,
        _ => return Err(AccountError::UnsupportedDigits),
    };
    let secret = Secret::from_bytes_with_policy(&p.secret, SecretPolicy::Legacy)
        .map_err(AccountError::Secret)?;
    let (issuer, name) = label(&p.issuer, &p.name);
    let uri = match p.r#type {
        1 => {
            let counter = u64::try_from(p.counter).map_err(|_| AccountError::NegativeCounter)?;
            KeyUri::hotp(secret, issuer, name, counter)
        }
        2 => KeyUri::totp(secret, issuer, name),
        _ => return Err(AccountError::UnsupportedType),
    }
    .map_err(AccountError::Label)?;
    Ok(uri.with_algorithm(algorithm).with_digits(digits))
}

/// Splits an exported name the way otpauth labels are read: `"Issuer:account"`
/// drops a prefix equal to the issuer, and supplies the issuer when there is none.
/// With an issuer, spaces before the account are dropped, as a label parser would.
fn label<'a>(issuer: &'a str, name: &'a str) -> (Option<&'a str>, &'a str) {
    let (issuer, account) = match name.split_once(':') {
        Some((prefix, account)) if issuer.is_empty() || prefix == issuer => (prefix, account),
        _ => (issuer, name),
    };
    if issuer.is_empty() {
        (None, account)
    } else {
        (Some(issuer), account.trim_start_matches(' '))
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;

    fn params(secret: &[u8], name: &str, issuer: &str) -> OtpParameters {
        OtpParameters {
            secret: secret.to_vec(),
            name: name.into(),
            issuer: issuer.into(),
            algorithm: 1,
            digits: 1,
            r#type: 2,
            counter: 0,
        }
    }

    #[test]
    fn labels() {
        assert_eq!(label("Acme", "Acme:bob"), (Some("Acme"), "bob"));
        assert_eq!(label("Acme", "Other:bob"), (Some("Acme"), "Other:bob"));
        assert_eq!(label("", "Acme: bob"), (Some("Acme"), "bob"));
        assert_eq!(label("", "bob"), (None, "bob"));
        assert_eq!(label("", " bob"), (None, " bob"));
        assert_eq!(label("", ":bob"), (None, "bob"));
        assert_eq!(label("Acme", " bob"), (Some("Acme"), "bob"));
        assert_eq!(label("Acme", "bob"), (Some("Acme"), "bob"));
    }

    #[test]
    fn account_errors_name_the_entry() {
        let good = params(&[1; 20], "a", "");
        let mut md5 = params(&[1; 20], "b", "");
        md5.algorithm = 4;
        let payload = MigrationPayload {
            otp_parameters: vec![good, md5],
            version: 1,
            batch_size: 1,
            batch_index: Some(0),
            batch_id: 7,
        };
        assert_eq!(
            Migration::from_payload(&payload.encode_to_vec()),
            Err(MigrationError::Account {
                index: 1,
                reason: AccountError::UnsupportedAlgorithm
            })
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = params(b"\x42\x42\x42\x42\x42\x42\x42\x42\x42\x42", "bob", "Acme");
        let text = format!("{p:?}");
        assert!(
            text.contains("Secret(..)") && !text.contains("66"),
            "{text}"
        );
    }
}
