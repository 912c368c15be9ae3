//! [`Qr`]: the QR code of an `otpauth://` URI, as SVG, PNG or terminal text, for
//! showing to a user at enrollment (feature `qr`).
//!
//! The `qrcode` crate computes the module matrix; the three renderers are here, so
//! every buffer that holds the picture is ours to wipe.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::KeyUri;

/// Why a QR code could not be made. Never contains the URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// The URI is longer than the largest QR code holds at medium error correction
    /// (2331 bytes): a very long issuer or account name.
    TooLong,
    /// The pixels per module for a PNG is outside 1 to [`Qr::MAX_SCALE`].
    Scale,
    /// The QR or PNG encoder failed for another reason.
    Encoder,
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QrError::TooLong => f.write_str("URI is too long for a QR code"),
            QrError::Scale => write!(f, "PNG scale must be 1 to {} pixels", Qr::MAX_SCALE),
            QrError::Encoder => f.write_str("QR code encoding failed"),
        }
    }
}

impl std::error::Error for QrError {}

/// The QR code of an `otpauth://` URI (byte mode, error correction level M,
/// 4-module quiet zone), to render as SVG, PNG or terminal text.
///
/// ```
/// use otpcore::{KeyUri, Secret};
/// let secret = Secret::from_base32("DEMODEMODEMODEMODEMODEMODEMODEMO")?;
/// let uri = KeyUri::totp(secret, Some("Example"), "alice@example.com")?;
/// let qr = uri.to_qr()?;
/// let svg = qr.to_svg(); // for a web page
/// let png = qr.to_png(8)?; // 8 pixels per module
/// assert!(svg.starts_with("<svg") && png.starts_with(b"\x89PNG"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Security
/// A QR code of a provisioning URI **is the secret**: anyone who sees or copies
/// the picture can generate every future code. Serve it only to the enrolling
/// user, over TLS, with `Cache-Control: no-store`; never log it, store it or send
/// it by e-mail; stop showing it once the first code is verified. The module
/// matrix and every rendering are wiped on drop ([`Zeroizing`]); the `qrcode`
/// crate's intermediate buffers are not (best effort). Encoding and rendering
/// branch on the data and are not constant time: they run once, at enrollment,
/// to produce a picture that is shown anyway.
pub struct Qr {
    /// Modules per side, without the quiet zone.
    width: usize,
    /// Row-major, `true` for dark.
    dark: Zeroizing<Vec<bool>>,
}

impl KeyUri {
    /// The QR code of [`KeyUri::to_uri_string`], for an authenticator app to scan.
    ///
    /// # Errors
    /// [`QrError::TooLong`] if the URI does not fit in a QR code.
    ///
    /// # Security
    /// The QR code contains the secret; see [`Qr`].
    pub fn to_qr(&self) -> Result<Qr, QrError> {
        Qr::new(self.to_uri_string().as_bytes())
    }
}

#[cfg(feature = "migration")]
impl crate::Migration {
    /// The QR code of [`Migration::to_uri_string`](crate::Migration::to_uri_string):
    /// one per batch of [`Migration::export`](crate::Migration::export), for
    /// Google Authenticator's "Import accounts" to scan.
    ///
    /// # Errors
    /// [`QrError::TooLong`] if the batch does not fit in a QR code (export with
    /// a smaller batch size).
    ///
    /// # Security
    /// The QR code contains every secret of the batch; see [`Qr`].
    pub fn to_qr(&self) -> Result<Qr, QrError> {
        Qr::new(self.to_uri_string().as_bytes())
    }
}

impl Qr {
    /// Empty modules around the code, as ISO/IEC 18004 requires.
    pub const QUIET_ZONE: usize = 4;
    /// Largest PNG scale, in pixels per module: a version-40 code is then
    /// 185 × 64 = 11 840 pixels wide.
    pub const MAX_SCALE: u32 = 64;

    fn new(data: &[u8]) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(data, EcLevel::M).map_err(|e| match e {
            qrcode::types::QrError::DataTooLong => QrError::TooLong,
            _ => QrError::Encoder,
        })?;
        let width = code.width();
        let mut colors = code.into_colors();
        let dark = Zeroizing::new(colors.iter().map(|&c| c == Color::Dark).collect::<Vec<_>>());
        // `Color` has no `Zeroize`; overwrite by hand (best effort: `black_box`
        // discourages the compiler from dropping the stores before the free).
        colors.iter_mut().for_each(|c| *c = Color::Light);
        core::hint::black_box(&colors);
        drop(colors);
        if Some(dark.len()) != width.checked_mul(width) {
            return Err(QrError::Encoder);
        }
        Ok(Qr { width, dark })
    }

    /// Modules per side, without the quiet zone (21 for version 1, up to 177).
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Modules per side including the quiet zone on both sides.
    fn full_width(&self) -> usize {
        // width <= 177, so this cannot overflow.
        self.width.saturating_add(2 * Self::QUIET_ZONE)
    }

    /// Whether the module at column `x`, row `y` of the picture (counting the quiet
    /// zone) is dark. Outside the code, including the quiet zone, it is light.
    fn is_dark(&self, x: usize, y: usize) -> bool {
        let inner = |v: usize| v.checked_sub(Self::QUIET_ZONE).filter(|&v| v < self.width);
        match (inner(x), inner(y)) {
            (Some(x), Some(y)) => y
                .checked_mul(self.width)
                .and_then(|row| row.checked_add(x))
                .and_then(|i| self.dark.get(i))
                .is_some_and(|&d| d),
            _ => false,
        }
    }

    /// A standalone SVG document: black modules on a white square, in a
    /// `viewBox` of one unit per module (quiet zone included), 8 px per module by
    /// default size. Embed it inline or serve it as `image/svg+xml`.
    ///
    /// # Security
    /// The picture contains the secret; see [`Qr`]. The string is wiped on drop.
    #[must_use]
    pub fn to_svg(&self) -> Zeroizing<String> {
        let n = self.full_width();
        exact_string(|svg| {
            write!(
                svg,
                concat!(
                    r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1""#,
                    r#" width="{px}" height="{px}" viewBox="0 0 {n} {n}""#,
                    r#" shape-rendering="crispEdges">"#,
                    r##"<rect width="{n}" height="{n}" fill="#fff"/><path fill="#000" d=""##,
                ),
                n = n,
                px = n.saturating_mul(8),
            )?;
            // One rectangle per horizontal run of dark modules.
            for y in 0..n {
                let mut x = 0;
                while x < n {
                    if !self.is_dark(x, y) {
                        x = x.saturating_add(1);
                        continue;
                    }
                    let start = x;
                    while x < n && self.is_dark(x, y) {
                        x = x.saturating_add(1);
                    }
                    let run = x.saturating_sub(start);
                    write!(svg, "M{start} {y}h{run}v1h-{run}z")?;
                }
            }
            svg.write_str("\"/></svg>\n")
        })
    }

    /// A 1-bit greyscale PNG, `scale` pixels per module, quiet zone included.
    ///
    /// # Errors
    /// [`QrError::Scale`] unless `1 <= scale <= Qr::MAX_SCALE`;
    /// [`QrError::Encoder`] if the PNG encoder fails.
    ///
    /// # Security
    /// The picture contains the secret; see [`Qr`]. The bytes are wiped on drop
    /// (the PNG encoder's internal compression buffers are not).
    pub fn to_png(&self, scale: u32) -> Result<Zeroizing<Vec<u8>>, QrError> {
        if !(1..=Self::MAX_SCALE).contains(&scale) {
            return Err(QrError::Scale);
        }
        let scale_px = usize::try_from(scale).map_err(|_| QrError::Scale)?;
        let n = self.full_width();
        let side = n.checked_mul(scale_px).ok_or(QrError::Scale)?;
        let side_u32 = u32::try_from(side).map_err(|_| QrError::Scale)?;
        // 1 bit per pixel, rows padded to whole bytes, 1 = white.
        let row_bytes = side.div_ceil(8);
        let mut pixels = Zeroizing::new(Vec::with_capacity(row_bytes.saturating_mul(side)));
        let mut row = Zeroizing::new(Vec::with_capacity(row_bytes));
        for y in 0..n {
            row.clear();
            row.resize(row_bytes, 0u8);
            for px in 0..side {
                let module = px.checked_div(scale_px).unwrap_or(0);
                if !self.is_dark(module, y) {
                    // Most significant bit first.
                    let bit = 0x80u8.wrapping_shr(u32::try_from(px % 8).unwrap_or(0));
                    if let Some(byte) = row.get_mut(px / 8) {
                        *byte |= bit;
                    }
                }
            }
            for _ in 0..scale_px {
                pixels.extend_from_slice(&row);
            }
        }

        let mut out = WipingWriter(Zeroizing::new(Vec::with_capacity(4096)));
        let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header().map_err(|_| QrError::Encoder)?;
        writer
            .write_image_data(&pixels)
            .map_err(|_| QrError::Encoder)?;
        writer.finish().map_err(|_| QrError::Encoder)?;
        Ok(out.0)
    }

    /// Text for a terminal: two modules per character cell (`▀` half blocks) with
    /// explicit ANSI black/white colours, so it scans on light and dark themes alike.
    /// Lines end with `\n`.
    ///
    /// # Security
    /// The picture contains the secret; see [`Qr`]. The string is wiped on drop,
    /// but the terminal's scroll-back keeps what was printed.
    #[must_use]
    pub fn to_terminal(&self) -> Zeroizing<String> {
        const RESET: &str = "\x1b[0m";
        let n = self.full_width();
        exact_string(|out| {
            for y in (0..n).step_by(2) {
                for x in 0..n {
                    let top = self.is_dark(x, y);
                    let bottom = self.is_dark(x, y.saturating_add(1));
                    // Foreground paints the upper half (▀), background the lower half.
                    let fg = if top { "30" } else { "97" };
                    let bg = if bottom { "40" } else { "107" };
                    write!(out, "\x1b[{fg};{bg}m\u{2580}")?;
                }
                out.write_str(RESET)?;
                out.write_char('\n')?;
            }
            Ok(())
        })
    }
}

/// Counts the bytes written to it.
struct Len(usize);

impl fmt::Write for Len {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// Runs `draw` twice: once to measure, once into a string allocated at exactly
/// that size, so no reallocation frees a partial picture unwiped.
fn exact_string(draw: impl Fn(&mut dyn fmt::Write) -> fmt::Result) -> Zeroizing<String> {
    let mut len = Len(0);
    // Neither writer can fail; the results are ignored for that reason.
    let _ = draw(&mut len);
    let mut out = Zeroizing::new(String::with_capacity(len.0));
    let _ = draw(&mut *out);
    out
}

/// An output buffer for the PNG encoder that grows by copying into a new
/// allocation and wiping the old one, never by `realloc`.
struct WipingWriter(Zeroizing<Vec<u8>>);

impl std::io::Write for WipingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let needed = self.0.len().saturating_add(buf.len());
        if needed > self.0.capacity() {
            let capacity = needed.max(self.0.capacity().saturating_mul(2));
            let mut bigger = Zeroizing::new(Vec::with_capacity(capacity));
            bigger.extend_from_slice(&self.0);
            // The old buffer is wiped as it drops here.
            self.0 = bigger;
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl fmt::Debug for Qr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Qr")
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}
