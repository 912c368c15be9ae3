//! Google Authenticator export ([`export_migration`]): accounts to
//! `otpauth-migration://offline` URIs and their QR codes, one per batch.

use std::fmt;
use std::sync::Arc;

use crate::{KeyUri, OtpError};

/// One QR code of an export made by `exportMigration`: its URI, its picture,
/// and the batch fields Google Authenticator reads.
///
/// # Security
/// The batch holds every secret of its accounts. Show it only to the user
/// transferring their accounts; never cache, log or send it. Printing the
/// object shows only the batch fields.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct ExportBatch {
    inner: otpcore::Migration,
}

/// Exports `accounts` for Google Authenticator's "Import accounts" scanner:
/// batches of `batchSize` accounts (default 10, as the app itself makes
/// them), in order, sharing one random batch id. Importing every batch
/// (`importMigration`) gives back exactly `accounts`.
///
/// # Errors
/// `InvalidExport` for an account the format cannot carry (7, 9 or 10 digits,
/// a period other than 30 s, an HOTP counter above 2^63 - 1; the message gives
/// its position, never its name or secret) or a `batchSize` of 0;
/// `RandomFailed` if the system random number generator fails.
#[uniffi::export(default(batch_size = 10))]
pub fn export_migration(
    accounts: Vec<Arc<KeyUri>>,
    batch_size: u32,
) -> Result<Vec<Arc<ExportBatch>>, OtpError> {
    let accounts: Vec<otpcore::KeyUri> = accounts.iter().map(|a| a.inner.clone()).collect();
    let batch_size = usize::try_from(batch_size).unwrap_or(usize::MAX);
    Ok(otpcore::Migration::export(&accounts, batch_size)?
        .into_iter()
        .map(|inner| Arc::new(ExportBatch { inner }))
        .collect())
}

#[uniffi::export]
impl ExportBatch {
    /// The `otpauth-migration://offline?data=…` URI: what the QR code holds.
    ///
    /// # Security
    /// Contains every secret of the batch. Native buffers are wiped when freed;
    /// the returned string is in your runtime's memory, unwiped.
    pub fn uri(&self) -> String {
        String::from(self.inner.to_uri_string().as_str())
    }

    /// The QR code as a standalone SVG document (as `KeyUri.qrSvg`).
    ///
    /// # Errors
    /// `QrTooLong` if the batch does not fit in a QR code: export with a
    /// smaller `batchSize`.
    pub fn qr_svg(&self) -> Result<String, OtpError> {
        Ok(String::from(self.inner.to_qr()?.to_svg().as_str()))
    }

    /// The QR code as PNG bytes, `scale` pixels per module (as `KeyUri.qrPng`).
    ///
    /// # Errors
    /// `QrTooLong` as for `qrSvg`; `InvalidQrScale` unless `scale` is 1 to 64.
    pub fn qr_png(&self, scale: u32) -> Result<Vec<u8>, OtpError> {
        Ok(self.inner.to_qr()?.to_png(scale)?.to_vec())
    }

    /// Number of QR codes in the whole export.
    pub fn batch_size(&self) -> i32 {
        self.inner.batch_size()
    }

    /// Which QR code of the export this is, from 0.
    pub fn batch_index(&self) -> i32 {
        self.inner.batch_index()
    }

    /// Identifier shared by the QR codes of one export.
    pub fn batch_id(&self) -> i32 {
        self.inner.batch_id()
    }

    /// The accounts in this batch, in order.
    pub fn accounts(&self) -> Vec<Arc<KeyUri>> {
        self.inner
            .accounts()
            .iter()
            .cloned()
            .map(KeyUri::wrap)
            .collect()
    }
}

impl fmt::Debug for ExportBatch {
    /// The batch fields only: no account, name or secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportBatch")
            .field("batch_size", &self.inner.batch_size())
            .field("batch_index", &self.inner.batch_index())
            .field("batch_id", &self.inner.batch_id())
            .field("accounts", &self.inner.accounts().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{import_migration, Secret};

    #[test]
    fn export_imports_back() -> Result<(), OtpError> {
        let accounts: Vec<Arc<KeyUri>> = (0..12u8)
            .map(|i| {
                let secret = Secret::from_bytes(vec![i; 20])?;
                KeyUri::totp(secret, Some("Acme".into()), format!("user{i}"))
            })
            .collect::<Result<_, _>>()?;
        let batches = export_migration(accounts.clone(), 10)?;
        assert_eq!(batches.len(), 2);
        let mut back = Vec::new();
        for (i, b) in batches.iter().enumerate() {
            assert_eq!(
                (b.batch_size(), b.batch_index()),
                (2, i32::try_from(i).unwrap_or(-1))
            );
            assert_eq!(b.batch_id(), batches[0].batch_id());
            assert!(b.qr_svg()?.starts_with("<svg") || b.qr_svg()?.starts_with("<?xml"));
            let imported = import_migration(b.uri())?;
            back.extend(imported.accounts);
        }
        assert_eq!(back.len(), accounts.len());
        assert!(back.iter().zip(&accounts).all(|(a, b)| a.inner == b.inner));
        assert!(!format!("{:?}", batches[0]).contains("user"));
        assert!(matches!(
            export_migration(accounts, 0),
            Err(OtpError::InvalidExport(_))
        ));
        Ok(())
    }
}
