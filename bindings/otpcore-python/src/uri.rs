//! `KeyUri` (otpauth:// URIs and their QR codes) and Google Authenticator
//! migration: `import_migration`, `export_migration`, `ExportBatch`, `MigrationBatch`.

use std::sync::Arc;

use otpcore_ffi as ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::OrRaise;
use crate::otp::{Hotp, Secret, Steam, Totp};
use crate::values::{Algorithm, OtpKind, SecretPolicy};

/// An `otpauth://` URI: the text inside an enrolment QR code. Printing it shows
/// no secret.
#[pyclass(frozen, eq, module = "otpcore_ffi")]
#[derive(Clone)]
pub struct KeyUri(pub(crate) Arc<ffi::KeyUri>);

impl PartialEq for KeyUri {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

/// `bytes` from a Rust buffer, which is then dropped (and wiped by the allocator).
fn bytes(py: Python<'_>, buffer: Vec<u8>) -> Bound<'_, PyBytes> {
    PyBytes::new(py, &buffer)
}

#[pymethods]
impl KeyUri {
    /// Parses an `otpauth://` (TOTP, HOTP, Steam) or `steam://` URI as real issuers
    /// emit them; `allow_short_secret` also accepts 80-bit secrets.
    #[staticmethod]
    #[pyo3(signature = (uri, allow_short_secret = false))]
    fn parse(uri: &str, allow_short_secret: bool) -> PyResult<Self> {
        ffi::KeyUri::parse(uri.to_owned(), allow_short_secret)
            .or_raise()
            .map(Self)
    }

    /// As `parse`, under a secret length policy.
    #[staticmethod]
    fn parse_with_policy(uri: &str, policy: SecretPolicy) -> PyResult<Self> {
        ffi::KeyUri::parse_with_policy(uri.to_owned(), policy.into())
            .or_raise()
            .map(Self)
    }

    /// A TOTP URI with the standard parameters.
    #[staticmethod]
    #[pyo3(signature = (secret, issuer, account))]
    fn totp(secret: &Secret, issuer: Option<String>, account: String) -> PyResult<Self> {
        ffi::KeyUri::totp(Arc::clone(&secret.0), issuer, account)
            .or_raise()
            .map(Self)
    }

    /// An HOTP URI whose next code is at `counter`.
    #[staticmethod]
    #[pyo3(signature = (secret, issuer, account, counter))]
    fn hotp(
        secret: &Secret,
        issuer: Option<String>,
        account: String,
        counter: u64,
    ) -> PyResult<Self> {
        ffi::KeyUri::hotp(Arc::clone(&secret.0), issuer, account, counter)
            .or_raise()
            .map(Self)
    }

    /// A Steam Guard URI (`otpauth://steam/…`).
    #[staticmethod]
    #[pyo3(signature = (secret, issuer, account))]
    fn steam(secret: &Secret, issuer: Option<String>, account: String) -> PyResult<Self> {
        ffi::KeyUri::steam(Arc::clone(&secret.0), issuer, account)
            .or_raise()
            .map(Self)
    }

    /// A copy with a logo URL (the `image` parameter).
    fn with_image(&self, image: String) -> Self {
        Self(self.0.with_image(image))
    }

    /// A copy with another algorithm.
    fn with_algorithm(&self, algorithm: Algorithm) -> Self {
        Self(self.0.with_algorithm(algorithm.into()))
    }

    /// A copy with another number of digits (6 to 10).
    fn with_digits(&self, digits: u32) -> PyResult<Self> {
        self.0.with_digits(digits).or_raise().map(Self)
    }

    /// A copy with another TOTP period.
    fn with_period(&self, period: u64) -> PyResult<Self> {
        self.0.with_period(period).or_raise().map(Self)
    }

    /// The URI text. It contains the secret.
    fn to_uri_string(&self) -> String {
        self.0.to_uri_string()
    }

    /// TOTP with its period or HOTP with its counter.
    fn kind(&self) -> OtpKind {
        self.0.kind().into()
    }

    /// The issuer, if any.
    fn issuer(&self) -> Option<String> {
        self.0.issuer()
    }

    /// The issuer prefix of the label, when it differs from `issuer` (else `None`).
    /// Text from the QR code's author: show it as text.
    fn label_issuer(&self) -> Option<String> {
        self.0.label_issuer()
    }

    /// The logo URL of the `image` parameter, if any. Fetch it without credentials.
    fn image(&self) -> Option<String> {
        self.0.image()
    }

    /// The account name.
    fn account(&self) -> String {
        self.0.account()
    }

    /// The algorithm.
    fn algorithm(&self) -> Algorithm {
        self.0.algorithm().into()
    }

    /// The number of digits.
    fn digits(&self) -> u32 {
        self.0.digits()
    }

    /// The secret.
    fn secret(&self) -> Secret {
        Secret(self.0.secret())
    }

    /// A Steam Guard generator for a Steam URI, else `None`.
    fn to_steam(&self) -> Option<Steam> {
        self.0.to_steam().map(Steam)
    }

    /// A TOTP generator for a TOTP URI, else `None`.
    fn to_totp(&self) -> Option<Totp> {
        self.0.to_totp().map(Totp)
    }

    /// An HOTP generator for an HOTP URI, else `None`.
    fn to_hotp(&self) -> Option<Hotp> {
        self.0.to_hotp().map(Hotp)
    }

    /// The QR code as an SVG document. The picture is the secret.
    fn qr_svg(&self) -> PyResult<String> {
        self.0.qr_svg().or_raise()
    }

    /// The QR code as PNG bytes, `scale` pixels per module (1 to 64).
    fn qr_png<'py>(&self, py: Python<'py>, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
        Ok(bytes(py, self.0.qr_png(scale).or_raise()?))
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// One QR code of a Google Authenticator "Transfer accounts" export, as imported.
#[pyclass(get_all, module = "otpcore_ffi")]
pub struct MigrationBatch {
    /// The accounts, in export order.
    pub accounts: Vec<KeyUri>,
    /// Payload format version.
    pub version: i32,
    /// Number of QR codes in the whole export.
    pub batch_size: i32,
    /// Which QR code of the export this is, from 0.
    pub batch_index: i32,
    /// Identifier shared by the QR codes of one export.
    pub batch_id: i32,
}

/// Imports an `otpauth-migration://offline?data=…` export (all accounts or none).
///
/// # Errors
/// `OtpError.InvalidMigration`.
#[pyfunction]
pub fn import_migration(uri: &str) -> PyResult<MigrationBatch> {
    let batch = ffi::import_migration(uri.to_owned()).or_raise()?;
    Ok(MigrationBatch {
        accounts: batch.accounts.into_iter().map(KeyUri).collect(),
        version: batch.version,
        batch_size: batch.batch_size,
        batch_index: batch.batch_index,
        batch_id: batch.batch_id,
    })
}

/// One QR code of an export made by `export_migration`.
#[pyclass(frozen, module = "otpcore_ffi")]
pub struct ExportBatch(Arc<ffi::ExportBatch>);

/// Exports accounts for Google Authenticator, `batch_size` per QR code (default 10).
///
/// # Errors
/// `OtpError.InvalidExport`, `OtpError.RandomFailed`.
#[pyfunction]
#[pyo3(signature = (accounts, batch_size = 10))]
pub fn export_migration(
    accounts: Vec<PyRef<'_, KeyUri>>,
    batch_size: u32,
) -> PyResult<Vec<ExportBatch>> {
    let accounts = accounts.iter().map(|a| Arc::clone(&a.0)).collect();
    Ok(ffi::export_migration(accounts, batch_size)
        .or_raise()?
        .into_iter()
        .map(ExportBatch)
        .collect())
}

#[pymethods]
impl ExportBatch {
    /// The `otpauth-migration://offline?data=…` URI. It contains every secret.
    fn uri(&self) -> String {
        self.0.uri()
    }

    /// The QR code as an SVG document.
    fn qr_svg(&self) -> PyResult<String> {
        self.0.qr_svg().or_raise()
    }

    /// The QR code as PNG bytes.
    fn qr_png<'py>(&self, py: Python<'py>, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
        Ok(bytes(py, self.0.qr_png(scale).or_raise()?))
    }

    /// Number of QR codes in the whole export.
    fn batch_size(&self) -> i32 {
        self.0.batch_size()
    }

    /// Which QR code of the export this is, from 0.
    fn batch_index(&self) -> i32 {
        self.0.batch_index()
    }

    /// Identifier shared by the QR codes of one export.
    fn batch_id(&self) -> i32 {
        self.0.batch_id()
    }

    /// The accounts in this batch.
    fn accounts(&self) -> Vec<KeyUri> {
        self.0.accounts().into_iter().map(KeyUri).collect()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}
