//! Export: accounts to Google Authenticator's `otpauth-migration://offline`
//! URIs, in batches of [`Migration::DEFAULT_BATCH_SIZE`] accounts as the app
//! makes them.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use prost::Message as _;
use zeroize::Zeroizing;

use super::proto::{MigrationPayload, OtpParameters};
use super::Migration;
use crate::{Algorithm, Digits, KeyUri, OtpKind, Period};

/// Why accounts could not be exported. Never contains a secret or a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportError {
    /// A batch size of 0.
    ZeroBatchSize,
    /// More batches than the format's `int32` batch fields can count.
    TooManyBatches,
    /// The system random number generator failed (choosing the batch id).
    Random,
    /// One account cannot be expressed in the format; `index` counts from 0 in
    /// the order given.
    Account {
        /// Position of the account in the list.
        index: usize,
        /// What the format cannot carry.
        reason: Unexportable,
    },
}

/// What Google Authenticator's export format cannot carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unexportable {
    /// Only 6 and 8 digits have a value in the format.
    Digits(Digits),
    /// The format has no period field: TOTP is always 30 s.
    Period(Period),
    /// An HOTP counter above `i64::MAX` (the field is `int64`).
    Counter,
    /// Steam Guard: the format has no Steam type, and the app would show a
    /// 6-digit TOTP code instead of Steam's five characters.
    Steam,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::ZeroBatchSize => f.write_str("batch size must be at least 1"),
            ExportError::TooManyBatches => f.write_str("too many batches for one export"),
            ExportError::Random => f.write_str("no randomness for the batch id"),
            ExportError::Account { index, reason } => write!(f, "account #{index}: {reason}"),
        }
    }
}

impl fmt::Display for Unexportable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unexportable::Digits(d) => write!(
                f,
                "{d} digits cannot be exported to Google Authenticator (6 or 8 only)"
            ),
            Unexportable::Period(p) => write!(
                f,
                "a {} s period cannot be exported to Google Authenticator (30 s only)",
                p.get()
            ),
            Unexportable::Counter => f.write_str("HOTP counter above 2^63 - 1"),
            Unexportable::Steam => {
                f.write_str("Steam Guard accounts cannot be exported to Google Authenticator")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ExportError {}
#[cfg(feature = "std")]
impl std::error::Error for Unexportable {}

/// `otpauth-migration://offline?data=`: what every export URI starts with.
const PREFIX: &str = "otpauth-migration://offline?data=";

impl Migration {
    /// Accounts per QR code in Google Authenticator's own exports: ten. Users
    /// report 30 accounts exported as three QR codes (dim13/otpauth issue 21)
    /// and "up to 10 accounts per QR code" (krissrex/google-authenticator-exporter
    /// issue 14); Aegis' compatible export uses the same number
    /// (beemdevelopment/Aegis pull request 964).
    pub const DEFAULT_BATCH_SIZE: usize = 10;

    /// Splits `accounts` into exports of at most `batch_size` accounts each,
    /// in order, as Google Authenticator's "Transfer accounts" does: every
    /// batch has `version` 1, `batch_size` = the number of batches,
    /// `batch_index` 0, 1, …, and one random `batch_id` shared by all. Show
    /// each with [`Migration::to_uri_string`] or `Migration::to_qr`. No
    /// accounts, no batches.
    ///
    /// Each account imports back as itself: `Migration::parse` of a batch's
    /// URI gives its accounts unchanged (property test
    /// `migration_export::import_of_export_is_identity`).
    ///
    /// # Errors
    /// [`ExportError`]; all accounts export or none does. Never panics.
    pub fn export(accounts: &[KeyUri], batch_size: usize) -> Result<Vec<Migration>, ExportError> {
        let mut id = [0u8; 4];
        getrandom::fill(&mut id).map_err(|_| ExportError::Random)?;
        Self::export_with_batch_id(accounts, batch_size, i32::from_le_bytes(id))
    }

    /// [`Migration::export`] with a given `batch_id` (for reproducible output).
    ///
    /// # Errors
    /// As [`Migration::export`].
    pub fn export_with_batch_id(
        accounts: &[KeyUri],
        batch_size: usize,
        batch_id: i32,
    ) -> Result<Vec<Migration>, ExportError> {
        if batch_size == 0 {
            return Err(ExportError::ZeroBatchSize);
        }
        for (index, account) in accounts.iter().enumerate() {
            fields(account).map_err(|reason| ExportError::Account { index, reason })?;
        }
        let batches = accounts.len().div_ceil(batch_size);
        let count = i32::try_from(batches).map_err(|_| ExportError::TooManyBatches)?;
        (0..count)
            .zip(accounts.chunks(batch_size))
            .map(|(batch_index, chunk)| {
                Ok(Migration {
                    accounts: chunk.to_vec(),
                    version: 1,
                    batch_size: count,
                    batch_index,
                    batch_id,
                })
            })
            .collect()
    }

    /// This export as `otpauth-migration://offline?data=…`: the protobuf
    /// `MigrationPayload`, base64 with padding, percent-encoded (`+`, `/`, `=`)
    /// as Google Authenticator writes it.
    ///
    /// # Security
    /// The result holds every secret of the export and is wiped on drop, as
    /// is every buffer on the way (protobuf bytes, base64 text), each
    /// allocated once at its final size so that no reallocation leaves an
    /// unwiped copy. Base64 and percent-encoding branch on the bytes they
    /// encode (as `Secret::expose_base32` does): this runs once per export.
    #[must_use]
    pub fn to_uri_string(&self) -> Zeroizing<String> {
        let payload = MigrationPayload {
            otp_parameters: self.accounts.iter().map(parameters).collect(),
            version: self.version,
            batch_size: self.batch_size,
            batch_index: Some(self.batch_index),
            batch_id: self.batch_id,
        };
        // `payload` wipes its secrets on drop (`OtpParameters`'s `Drop`).
        let mut bytes = Zeroizing::new(Vec::with_capacity(payload.encoded_len()));
        // A `Vec` with room for `encoded_len` bytes: prost writes in place, and
        // `encode` fails only when the buffer cannot grow, which a `Vec` can.
        let _ = payload.encode(&mut *bytes);
        let base64 = data_encoding::BASE64;
        let mut text = Zeroizing::new(alloc::vec![0u8; base64.encode_len(bytes.len())]);
        base64.encode_mut(&bytes, &mut text);
        let escaped = text
            .iter()
            .filter(|&&b| matches!(b, b'+' | b'/' | b'='))
            .count();
        let len = PREFIX
            .len()
            .saturating_add(text.len())
            .saturating_add(escaped.saturating_mul(2));
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push_str(PREFIX);
        for &b in text.iter() {
            match b {
                b'+' => out.push_str("%2B"),
                b'/' => out.push_str("%2F"),
                b'=' => out.push_str("%3D"),
                _ => out.push(char::from(b)),
            }
        }
        out
    }
}

/// The format's `(algorithm, digits, type, counter)` for `account`, or what it
/// cannot carry.
fn fields(account: &KeyUri) -> Result<(i32, i32, i32, i64), Unexportable> {
    // Before the digits: a Steam account's five characters are not a digit count.
    if account.kind() == OtpKind::Steam {
        return Err(Unexportable::Steam);
    }
    let algorithm = match account.algorithm() {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    let digits = match account.digits() {
        Digits::SIX => 1,
        Digits::EIGHT => 2,
        other => return Err(Unexportable::Digits(other)),
    };
    let (kind, counter) = match account.kind() {
        OtpKind::Hotp { counter } => (
            1,
            i64::try_from(counter).map_err(|_| Unexportable::Counter)?,
        ),
        OtpKind::Totp { period } if period == Period::THIRTY => (2, 0),
        OtpKind::Totp { period } => return Err(Unexportable::Period(period)),
        OtpKind::Steam => return Err(Unexportable::Steam),
    };
    Ok((algorithm, digits, kind, counter))
}

/// One account as the format's `OtpParameters`. The name is the account,
/// except when it begins with `issuer:` itself: then the issuer prefix is
/// written too, so that the importer (which drops a repeated issuer prefix)
/// reads the account back unchanged.
fn parameters(account: &KeyUri) -> OtpParameters {
    // Every account of a `Migration` fits the format: `export` checks it, and
    // `parse` only ever reads such accounts. The fallback (a SHA-1 TOTP with
    // digits unspecified) is never written.
    let (algorithm, digits, r#type, counter) = fields(account).unwrap_or((1, 0, 2, 0));
    let issuer = account.issuer().unwrap_or("");
    let repeats_issuer = account
        .account()
        .split_once(':')
        .is_some_and(|(prefix, _)| !issuer.is_empty() && prefix == issuer);
    let name = if repeats_issuer {
        let mut name = String::with_capacity(
            issuer
                .len()
                .saturating_add(account.account().len())
                .saturating_add(1),
        );
        name.push_str(issuer);
        name.push(':');
        name.push_str(account.account());
        name
    } else {
        String::from(account.account())
    };
    OtpParameters {
        secret: account.secret().expose_bytes().to_vec(),
        name,
        issuer: String::from(issuer),
        algorithm,
        digits,
        r#type,
        counter,
    }
}
