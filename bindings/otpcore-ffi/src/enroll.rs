//! Enrollment and interoperability: QR codes of [`KeyUri`]s, Google Authenticator
//! export import ([`import_migration`]) and Steam Guard codes ([`Steam`]).

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{KeyUri, Match, OtpError, Secret, Window};

#[uniffi::export]
impl KeyUri {
    /// The URI's QR code as a standalone SVG document: black modules on white, with
    /// the 4-module quiet zone, 8 px per module as its nominal size (it scales
    /// freely). Put it in a web page or an image view for the user to scan.
    ///
    /// # Errors
    /// `QrTooLong` if the URI does not fit in a QR code (a very long name).
    ///
    /// # Security
    /// The picture is the secret: anyone who sees it can generate every future
    /// code. Show it only to the user enrolling, never cache, log or send it, and
    /// stop showing it once the first code is verified. Native buffers are wiped
    /// when freed; the returned string is in your runtime's memory, unwiped.
    pub fn qr_svg(&self) -> Result<String, OtpError> {
        Ok(String::from(self.inner.to_qr()?.to_svg().as_str()))
    }

    /// The URI's QR code as PNG bytes (1-bit greyscale), `scale` pixels per
    /// module including the quiet zone; 8 suits most screens.
    ///
    /// # Errors
    /// `QrTooLong` as for `qrSvg`; `InvalidQrScale` unless `scale` is 1 to 64.
    ///
    /// # Security
    /// As `qrSvg`: the picture is the secret, and the returned bytes are in your
    /// runtime's memory, unwiped (clear the array when done).
    pub fn qr_png(&self, scale: u32) -> Result<Vec<u8>, OtpError> {
        Ok(self.inner.to_qr()?.to_png(scale)?.to_vec())
    }
}

/// One QR code of a Google Authenticator "Transfer accounts" export.
#[derive(uniffi::Record)]
pub struct MigrationBatch {
    /// The accounts, in export order. Secrets of 10 bytes and up are accepted
    /// (exports often hold 80-bit secrets); TOTP accounts have the 30 s period.
    pub accounts: Vec<Arc<KeyUri>>,
    /// Payload format version (1 in current exports).
    pub version: i32,
    /// Number of QR codes in the whole export: import every one.
    pub batch_size: i32,
    /// Which QR code of the export this is, from 0.
    pub batch_index: i32,
    /// Identifier shared by the QR codes of one export.
    pub batch_id: i32,
}

/// Imports a Google Authenticator export QR code,
/// `otpauth-migration://offline?data=…`, as `KeyUri`s (all accounts or none).
///
/// # Errors
/// `InvalidMigration`, whose message says what is wrong and, for a bad account,
/// its position (MD5, an unknown digit count or type, a too-short secret). The
/// message never contains a secret or an account name.
///
/// # Security
/// An export holds every secret of the phone it came from: treat the text and the
/// result like the secrets themselves.
#[uniffi::export]
pub fn import_migration(uri: String) -> Result<MigrationBatch, OtpError> {
    let uri = Zeroizing::new(uri);
    let export = otpcore::Migration::parse(&uri)?;
    Ok(MigrationBatch {
        version: export.version(),
        batch_size: export.batch_size(),
        batch_index: export.batch_index(),
        batch_id: export.batch_id(),
        accounts: export
            .into_accounts()
            .into_iter()
            .map(KeyUri::wrap)
            .collect(),
    })
}

/// Steam Guard codes for one secret: TOTP with SHA-1 and 30 s steps, shown as
/// five characters of `23456789BCDFGHJKMNPQRTVWXY` (for example `"PV9M4"`).
///
/// The secret is Steam's `shared_secret` (20 bytes, usually given in base64:
/// decode it and use `Secret.fromBytes`). Safe to share between threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Steam {
    pub(crate) inner: otpcore::Steam,
}

#[uniffi::export]
impl Steam {
    /// A Steam Guard generator and verifier for `secret`.
    #[uniffi::constructor]
    pub fn new(secret: Arc<Secret>) -> Arc<Self> {
        Arc::new(Steam {
            inner: otpcore::Steam::new(&secret.inner),
        })
    }

    /// The code at Unix time `at`.
    ///
    /// # Errors
    /// None in practice (Steam's epoch is 0); the signature matches `Totp`.
    pub fn generate_at(&self, at: u64) -> Result<String, OtpError> {
        Ok(self.inner.generate_at(at)?.to_string())
    }

    /// The code now, by the device clock.
    ///
    /// # Errors
    /// `ClockBeforeUnixEpoch`.
    pub fn generate_now(&self) -> Result<String, OtpError> {
        Ok(self.inner.generate_now()?.to_string())
    }

    /// Checks a code the user typed (five characters, any case) at Unix time `at`,
    /// accepting the steps in `window` (default: one either side) and refusing
    /// steps `<= lastUsed`. Store `match.step` and pass it back as `lastUsed`.
    ///
    /// # Errors
    /// `Mismatch`, `Replayed`, `MalformedCode` (not five characters of Steam's
    /// alphabet), `WindowTooLarge`.
    ///
    /// # Security
    /// Takes the same time wherever (and whether) the code matches in the window.
    #[uniffi::method(default(last_used = None, window))]
    pub fn verify_at(
        &self,
        code: String,
        at: u64,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, OtpError> {
        Ok(self
            .inner
            .verify_at(&code, at, window.into(), last_used)?
            .into())
    }

    /// As `verifyAt`, at the current time by the device clock.
    ///
    /// # Errors
    /// As `verifyAt`, plus `ClockBeforeUnixEpoch`.
    #[uniffi::method(default(last_used = None, window))]
    pub fn verify_now(
        &self,
        code: String,
        window: Window,
        last_used: Option<u64>,
    ) -> Result<Match, OtpError> {
        Ok(self
            .inner
            .verify_now(&code, window.into(), last_used)?
            .into())
    }
}

impl fmt::Debug for Steam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steam_rfc_seed() -> Result<(), OtpError> {
        let steam = Steam::new(Secret::from_bytes(b"12345678901234567890".to_vec())?);
        assert_eq!(steam.generate_at(59)?, "PV9M4");
        let m = steam.verify_at("pv9m4".into(), 89, Window::default(), None)?;
        assert_eq!((m.step, m.offset), (1, -1));
        assert!(matches!(
            steam.verify_at("287082".into(), 59, Window::default(), None),
            Err(OtpError::MalformedCode(_))
        ));
        assert_eq!(format!("{steam:?}"), "Steam { .. }");
        Ok(())
    }

    #[test]
    fn migration_errors_are_typed() {
        let err = import_migration("otpauth-migration://offline?data=@@".into()).err();
        assert!(matches!(err, Some(OtpError::InvalidMigration(_))));
    }
}
