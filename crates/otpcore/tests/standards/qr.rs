//! QR codes decode, with an independent decoder (`rqrr`), to exactly the URI they
//! were made from: the PNG as written, the SVG and the terminal text once drawn.
#![cfg(feature = "qr")]
// Helpers outside `#[test]` functions are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use otpcore::{Algorithm, Digits, KeyUri, Qr, QrError, Secret, SecretPolicy};

/// Decodes the one QR code in a greyscale picture with rqrr.
fn decode(width: usize, height: usize, pixel: impl Fn(usize, usize) -> u8) -> String {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one QR code");
    grids[0].decode().unwrap().1
}

fn decode_png(png: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let (w, h) = (info.width as usize, info.height as usize);
    // Expanded 1-bit grey is 0x00 or 0xff.
    assert!(buf[..w * h].iter().all(|&p| p == 0 || p == 0xff));
    decode(w, h, |x, y| buf[y * w + x])
}

/// Reads back the module grid from our SVG: a `viewBox` of one unit per module and
/// one `M x yhRUNv1h-RUNz` rectangle per run of dark modules.
fn svg_modules(svg: &str) -> Vec<Vec<bool>> {
    let n: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut grid = vec![vec![false; n]; n];
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for rect in path.split('z').filter(|r| !r.is_empty()) {
        let rect = rect.strip_prefix('M').unwrap();
        let (x, rest) = rect.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (run, _) = rest.split_once('v').unwrap();
        let (x, y, run): (usize, usize, usize) =
            (x.parse().unwrap(), y.parse().unwrap(), run.parse().unwrap());
        for cell in &mut grid[y][x..x + run] {
            assert!(!*cell, "overlapping rectangles");
            *cell = true;
        }
    }
    grid
}

/// Reads back the module grid from the terminal text: each `▀` has the upper
/// module's colour as foreground (30 black / 97 white) and the lower module's as
/// background (40 / 107).
fn terminal_modules(text: &str) -> Vec<Vec<bool>> {
    let mut grid = Vec::new();
    for line in text.lines() {
        let cells: Vec<(bool, bool)> = line
            .split("\x1b[")
            .filter_map(|cell| cell.strip_suffix("m\u{2580}"))
            .map(|colours| match colours {
                "30;40" => (true, true),
                "30;107" => (true, false),
                "97;40" => (false, true),
                "97;107" => (false, false),
                other => panic!("unexpected colours {other:?}"),
            })
            .collect();
        grid.push(cells.iter().map(|c| c.0).collect::<Vec<_>>());
        grid.push(cells.iter().map(|c| c.1).collect());
    }
    grid
}

fn decode_modules(grid: &[Vec<bool>]) -> String {
    const SCALE: usize = 4;
    let n = grid[0].len();
    decode(n * SCALE, grid.len() * SCALE, |x, y| {
        if grid[y / SCALE][x / SCALE] {
            0
        } else {
            255
        }
    })
}

fn uris() -> Vec<KeyUri> {
    let secret = |b32| Secret::from_base32_with_policy(b32, SecretPolicy::Legacy).unwrap();
    vec![
        KeyUri::totp(
            secret("DEMODEMODEMODEMODEMODEMODEMODEMO"),
            Some("Example"),
            "alice@example.com",
        )
        .unwrap(),
        // 80-bit secret, HOTP, no issuer.
        KeyUri::hotp(secret("JBSWY3DPEHPK3PXP"), None, "bob", 42).unwrap(),
        // Non-ASCII and reserved characters (percent-encoded in the URI), SHA-512,
        // 8 digits, a 64-byte secret: a larger QR version.
        KeyUri::totp(
            Secret::from_bytes(&[0xa5; 64]).unwrap(),
            Some("Zürich Bank & Co"),
            "jörg+2fa@example.com",
        )
        .unwrap()
        .with_algorithm(Algorithm::Sha512)
        .with_digits(Digits::EIGHT),
        // A long account name: a QR version in the 20s.
        KeyUri::totp(
            secret("DEMODEMODEMODEMODEMODEMODEMODEMO"),
            Some("X"),
            &"a".repeat(400),
        )
        .unwrap(),
    ]
}

#[test]
fn png_decodes_to_the_exact_uri() {
    for uri in uris() {
        let text = uri.to_uri_string();
        let qr = uri.to_qr().unwrap();
        for scale in [2, 5] {
            assert_eq!(
                decode_png(&qr.to_png(scale).unwrap()),
                *text,
                "scale {scale}"
            );
        }
        // The decoded text parses back to the same credential.
        let decoded = decode_png(&qr.to_png(3).unwrap());
        assert_eq!(
            KeyUri::parse_with_policy(&decoded, SecretPolicy::Legacy).unwrap(),
            uri
        );
    }
}

#[test]
fn svg_and_terminal_draw_the_same_code() {
    for uri in uris() {
        let qr = uri.to_qr().unwrap();
        let svg = qr.to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        let from_svg = svg_modules(&svg);
        let n = qr.width() + 2 * Qr::QUIET_ZONE;
        assert_eq!(from_svg.len(), n);
        assert_eq!(decode_modules(&from_svg), *uri.to_uri_string());

        let mut from_terminal = terminal_modules(&qr.to_terminal());
        // An odd number of rows: the last line's lower half is padding.
        assert_eq!(from_terminal.len(), n + 1);
        assert!(from_terminal.pop().unwrap().iter().all(|&dark| !dark));
        assert_eq!(from_terminal, from_svg);
    }
}

#[test]
fn readme_demo_png_is_the_demo_uri() {
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/enroll-demo.png"
    ))
    .unwrap();
    let demo = uris()[0].to_uri_string();
    assert_eq!(decode_png(&png), *demo);
    // Made by `otpcore uri qr URI --png docs/enroll-demo.png --scale 5`.
    assert_eq!(png, *uris()[0].to_qr().unwrap().to_png(5).unwrap());
}

#[test]
fn refuses_what_does_not_fit() {
    let secret = Secret::from_bytes(&[7; 20]).unwrap();
    let huge = KeyUri::totp(secret, Some("X"), &"a".repeat(2400)).unwrap();
    assert_eq!(huge.to_qr().unwrap_err(), QrError::TooLong);

    let qr = uris()[0].to_qr().unwrap();
    assert_eq!(qr.to_png(0).unwrap_err(), QrError::Scale);
    assert_eq!(qr.to_png(Qr::MAX_SCALE + 1).unwrap_err(), QrError::Scale);
    assert!(qr.to_png(Qr::MAX_SCALE).is_ok());
}

#[test]
fn debug_shows_only_the_size() {
    let qr = uris()[0].to_qr().unwrap();
    assert_eq!(
        format!("{qr:?}"),
        format!("Qr {{ width: {}, .. }}", qr.width())
    );
    assert!(!format!("{qr:?}").contains("DEMO"));
}
