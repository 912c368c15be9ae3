//! What the browser test checks beside the pages' text: the QR code on the
//! screen, the cookie and header flags, CSRF refusal and the server's logs.

use fantoccini::Locator;
use otpcore::{ConstantTimeEq, KeyUri, Secret};

use crate::harness::{screenshot_path, Server};
use crate::page::Page;

/// Decodes the QR code in a PNG screenshot with `rqrr`.
fn decode_qr(png_bytes: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    // Screenshots are RGB(A): the green channel is a fine grey for black on white.
    let green = usize::from(channels >= 3);
    let grey = |x: usize, y: usize| buf[(y * w + x) * channels + green];
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, grey);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "expected one QR code in the screenshot");
    grids[0].decode().unwrap().1
}

/// The QR code as Chromium draws it scans to an `otpauth://` URI for this
/// account, with the same secret as the manual key.
pub async fn qr_matches_manual_key(page: &Page<'_>, user: &str, manual: &Secret) {
    let qr = page.browser.find(Locator::Css("#qr svg")).await.unwrap();
    let uri = decode_qr(&qr.screenshot().await.unwrap());
    let key = KeyUri::parse(&uri).unwrap();
    assert_eq!(key.account(), user);
    assert_eq!(key.issuer(), Some("otpcore demo"));
    assert!(
        bool::from(key.secret().ct_eq(manual)),
        "QR and manual key differ"
    );
}

/// Saves a screenshot of the whole page; returns where.
pub async fn save_screenshot(page: &Page<'_>, name: &str) -> std::path::PathBuf {
    let png_bytes = page.browser.screenshot().await.unwrap();
    assert!(png_bytes.starts_with(b"\x89PNG"), "not a PNG");
    let path = screenshot_path(name);
    std::fs::write(&path, png_bytes).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

/// The session cookie is `HttpOnly` and `SameSite=Strict`; the enrollment
/// page is `Cache-Control: no-store`; a form posted without its CSRF token,
/// or with another, is refused with 403 and changes nothing.
pub async fn cookie_headers_and_csrf(page: &Page<'_>, server: &Server) {
    let cookie = page.browser.get_named_cookie("id").await.unwrap();
    assert_eq!(
        cookie.http_only(),
        Some(true),
        "session cookie must be HttpOnly"
    );
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Strict)");
    let session = cookie.value().to_owned();

    let response = server.request("GET", "/enroll", &session, "");
    let head = response
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("\r\ncache-control: no-store\r\n"), "{head}");
    assert!(
        head.contains("\r\ncontent-security-policy: default-src 'none'"),
        "{head}"
    );

    for body in ["code=123456", "code=123456&csrf=forged"] {
        let response = server.request("POST", "/enroll", &session, body);
        assert!(response.starts_with("HTTP/1.1 403"), "{body}: {response}");
        assert!(response.contains("This form has expired"));
    }
    let response = server.request("POST", "/logout", &session, "csrf=forged");
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
}

/// No log line holds a secret, the password or a code, at `trace` level for
/// every crate; and the lines the flow must have logged are there (so the
/// capture itself is checked).
pub fn logs_hold_no_secret(server: &Server, forbidden: &[String], expected: &[&str], name: &str) {
    let logs = server.logs();
    // Kept for reading after the run (they hold no secret: that is the check).
    std::fs::write(screenshot_path(name), &logs).unwrap();
    // Each line starts with its RFC 3339 timestamp, whose microseconds are six
    // digits like a code: drop it before looking for codes.
    let bodies: Vec<&str> = logs
        .lines()
        .map(|line| line.split_once(' ').map_or(line, |(_, rest)| rest))
        .collect();
    for needle in forbidden {
        assert!(!needle.is_empty());
        for line in &bodies {
            assert!(
                !contains_token(line, needle),
                "a log line contains a secret, password or code:\n{line}"
            );
        }
    }
    for line in expected {
        assert!(
            logs.contains(line),
            "no log line contains {line:?}; logs:\n{logs}"
        );
    }
    assert!(!logs.contains("otpauth"), "a log line contains a URI");
}

/// Whether `needle` occurs in `line` not inside a longer run of digits.
fn contains_token(line: &str, needle: &str) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    line.match_indices(needle).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + needle.len()..].chars().next();
        !(digit(before) || digit(after)) || !needle.bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn the_log_check_finds_a_code_but_not_a_longer_number() {
    assert!(contains_token(
        "code refused user=\"alice\" code=287082",
        "287082"
    ));
    assert!(contains_token("x 287082.", "287082"));
    assert!(!contains_token("port 52870821", "287082"));
    assert!(contains_token("key=JBSWY3DPEHPK3PXP1", "JBSWY3DPEHPK3PXP"));
}
