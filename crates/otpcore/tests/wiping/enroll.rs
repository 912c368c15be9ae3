//! Enrollment paths: QR renderings and Google Authenticator export import. The
//! pictures and the export's base64 hold the secret in forms the spy's two
//! markers miss, so each test also looks for a window of the expected output.

use otpcore::{KeyUri, Migration, MigrationError, Qr, Secret};
use zeroize::Zeroizing;

use super::{serial, unwiped_blocks, unwiped_blocks_with, RAW};

/// QR codes of several sizes: a short label gives the small versions whose
/// output buffers were sized too small, a long one a larger version.
fn qr_codes() -> Vec<Qr> {
    [
        "a",
        "alice@example.com",
        &"someone.with.a.long.name".repeat(8),
    ]
    .iter()
    .map(|account| {
        let secret = Secret::from_bytes(&RAW).unwrap();
        KeyUri::totp(secret, Some("Acme"), account)
            .unwrap()
            .to_qr()
            .unwrap()
    })
    .collect()
}

/// 64 bytes from the middle of a rendering: data modules, not quiet zone.
fn middle(picture: &[u8]) -> Vec<u8> {
    let start = picture.len() / 2;
    picture[start..start + 64].to_vec()
}

#[test]
fn qr_terminal_text_leaves_no_copy() {
    let _serial = serial();
    for qr in qr_codes() {
        let marker = middle(qr.to_terminal().as_bytes());
        let hits = unwiped_blocks_with(&marker, || drop(qr.to_terminal()));
        assert_eq!(hits, 0, "width {}", qr.width());
    }
}

#[test]
fn qr_svg_leaves_no_copy() {
    let _serial = serial();
    for qr in qr_codes() {
        let marker = middle(qr.to_svg().as_bytes());
        let hits = unwiped_blocks_with(&marker, || drop(qr.to_svg()));
        assert_eq!(hits, 0, "width {}", qr.width());
    }
}

/// The marker is the head of the IDAT chunk (its length and type) and the first
/// 32 compressed bytes: only the output buffer holds the chunk head, so this
/// watches the output buffer. The PNG encoder's own compression buffer is not
/// wiped (documented on `Qr::to_png`) and is not looked for.
#[test]
fn qr_png_output_leaves_no_copy() {
    let _serial = serial();
    for qr in qr_codes() {
        for scale in [1, 8] {
            let png = qr.to_png(scale).unwrap();
            // Signature (8 bytes) and IHDR (25), then IDAT.
            assert_eq!(&png[37..41], b"IDAT");
            let marker = png[33..73].to_vec();
            drop(png);
            let hits = unwiped_blocks_with(&marker, || drop(qr.to_png(scale).unwrap()));
            assert_eq!(hits, 0, "width {} scale {scale}", qr.width());
        }
    }
}

/// Standard base64 with padding, enough for building test exports.
fn base64(bytes: &[u8]) -> String {
    const SYMBOLS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(SYMBOLS[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A `MigrationPayload` with one TOTP account holding `RAW`, and `extra` more
/// `OtpParameters` bytes appended to the list.
fn payload(extra: &[u8]) -> Vec<u8> {
    let mut account = vec![0x0a, RAW.len() as u8];
    account.extend_from_slice(&RAW);
    account.extend_from_slice(b"\x12\x05alice\x1a\x04Acme\x20\x01\x28\x01\x30\x02");
    let mut out = vec![0x0a, account.len() as u8];
    out.extend_from_slice(&account);
    out.extend_from_slice(extra);
    out.extend_from_slice(b"\x10\x01\x18\x01\x20\x00\x28\x07");
    out
}

/// The export URI of `payload`, and a marker: the base64 text of the secret.
fn export(payload: &[u8], suffix: &str) -> (Zeroizing<String>, Vec<u8>) {
    let data = Zeroizing::new(base64(payload));
    // Bytes 4..24 of the payload are the secret: base64 characters 6..32 hold
    // only secret bits.
    let marker = data.as_bytes()[6..32].to_vec();
    let uri = format!("otpauth-migration://offline?data={}{suffix}", data.as_str());
    (Zeroizing::new(uri), marker)
}

#[test]
fn migration_import_leaves_no_copy() {
    let _serial = serial();
    let (uri, marker) = export(&payload(&[]), "");
    let hits = unwiped_blocks_with(&marker, || {
        let export = Migration::parse(&uri).unwrap();
        assert_eq!(export.accounts()[0].secret().expose_bytes(), RAW);
        drop(export);
    });
    assert_eq!(hits, 0);
}

#[test]
fn migration_errors_leave_no_copy() {
    let _serial = serial();
    // An MD5 account after the good one: refused after the first account's
    // secret was decoded and imported.
    let md5 = b"\x0a\x1b\x0a\x14AAAAAAAAAAAAAAAAAAAA\x12\x01b\x20\x04";
    let cases = [
        (payload(&[]), "!", MigrationError::BadBase64),
        (payload(&[]), "%21", MigrationError::BadBase64),
        (payload(b"\x0a"), "", MigrationError::BadPayload),
        (
            payload(md5),
            "",
            MigrationError::Account {
                index: 1,
                reason: otpcore::AccountError::UnsupportedAlgorithm,
            },
        ),
    ];
    for (payload, suffix, expected) in cases {
        let (uri, marker) = export(&payload, suffix);
        let hits = unwiped_blocks_with(&marker, || {
            assert_eq!(Migration::parse(&uri).unwrap_err(), expected);
        });
        assert_eq!(hits, 0, "{expected:?}");
    }
    // The payload decoder alone, given the raw bytes.
    let bytes = Zeroizing::new(payload(b"\x0a"));
    assert_eq!(unwiped_blocks(|| drop(Migration::from_payload(&bytes))), 0);
}

#[test]
fn migration_export_leaves_no_copy() {
    let _serial = serial();
    let (uri, marker) = export(&payload(&[]), "");
    // Its base64 happens to need no percent-encoding (no `+`, `/`, `=`), so
    // the export must write exactly this URI.
    let data = &uri["otpauth-migration://offline?data=".len()..];
    assert!(!data.contains(['+', '/', '=']));
    let account = KeyUri::totp(Secret::from_bytes(&RAW).unwrap(), Some("Acme"), "alice").unwrap();
    let accounts = [account];
    // The marker has no `+` or `/`, so the percent-encoded output holds it too.
    assert!(!marker.iter().any(|b| matches!(b, b'+' | b'/')));
    let hits = unwiped_blocks_with(&marker, || {
        let batches = Migration::export_with_batch_id(&accounts, 10, 7).unwrap();
        let ours = batches[0].to_uri_string();
        // Byte for byte the payload built by hand above.
        assert_eq!(ours.as_str(), uri.as_str());
        drop(ours);
        drop(batches);
    });
    assert_eq!(hits, 0);
}
