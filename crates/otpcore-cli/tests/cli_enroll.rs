//! The enrollment commands of the real `otpcore` binary: `uri qr`, `uri
//! import-migration`, `generate/verify --steam`.
// Helpers outside `#[test]` functions are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use otpcore::{KeyUri, SecretPolicy};
use serde_json::Value;

const DEMO: &str = "otpauth://totp/Example:alice%40example.com?secret=DEMODEMODEMODEMODEMODEMODEMODEMO&issuer=Example&algorithm=SHA1&digits=6&period=30";

fn otpcore(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otpcore"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn decode_png(png: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let w = info.width as usize;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(w, info.height as usize, |x, y| buf[y * w + x]);
    image.detect_grids()[0].decode().unwrap().1
}

fn data(name: &str) -> Value {
    let path = format!("{}/../../testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn qr_png_file_is_private_and_decodes_to_the_uri() {
    let dir = std::env::temp_dir().join(format!("otpcore-cli-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("enroll.png");
    // The URI from stdin, as a script that keeps secrets out of `ps` would pass it.
    let out = otpcore(
        &[
            "uri",
            "qr",
            "-",
            "--png",
            path.to_str().unwrap(),
            "--scale",
            "3",
        ],
        DEMO,
    );
    assert_eq!(stdout(&out), "");
    let png = std::fs::read(&path).unwrap();
    assert_eq!(decode_png(&png), DEMO);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn qr_svg_and_terminal_go_to_stdout() {
    let svg = stdout(&otpcore(&["uri", "qr", DEMO, "--svg", "-"], ""));
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    let terminal = stdout(&otpcore(&["uri", "qr", DEMO], ""));
    // 146 bytes need version 8 at level M: 49 modules + 8 quiet = 57, two rows a line.
    assert!(svg.contains("viewBox=\"0 0 57 57\""));
    assert_eq!(terminal.lines().count(), 29);
    assert!(terminal
        .lines()
        .all(|l| l.matches('\u{2580}').count() == 57));
}

#[test]
fn qr_errors_do_not_echo_the_uri() {
    let short = DEMO.replace("DEMODEMODEMODEMODEMODEMODEMODEMO", "JBSWY3DPEHPK3PXP");
    let out = otpcore(&["uri", "qr", &short], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("at least 16") && !err.contains("JBSWY3DP"),
        "{err}"
    );
    // The same URI with the opt-in for 80-bit secrets works.
    let png = otpcore(
        &["uri", "qr", &short, "--allow-short-secret", "--png", "-"],
        "",
    );
    assert_eq!(decode_png(&png.stdout), short);
    // --scale needs --png; --svg and --png exclude each other.
    assert_eq!(
        otpcore(&["uri", "qr", DEMO, "--scale", "2"], "")
            .status
            .code(),
        Some(2)
    );
    let both = ["uri", "qr", DEMO, "--svg", "a", "--png", "b"];
    assert_eq!(otpcore(&both, "").status.code(), Some(2));
}

#[test]
fn import_migration_prints_one_uri_per_account() {
    let data = data("migration.json");
    for v in data["valid"].as_array().unwrap() {
        let uri = v["uri"].as_str().unwrap();
        let text = stdout(&otpcore(&["uri", "import-migration", uri], ""));
        let want = v["accounts"].as_array().unwrap();
        assert_eq!(text.lines().count(), want.len());
        for (line, want) in text.lines().zip(want) {
            let got = KeyUri::parse_with_policy(line, SecretPolicy::Legacy).unwrap();
            assert_eq!(got.account(), want["account"]);
            assert_eq!(got.secret().expose_base32().as_str(), want["secret_base32"]);
        }
    }
    let out = otpcore(
        &["uri", "import-migration", "-"],
        "otpauth-migration://offline?data=@@",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "otpcore: error: migration data is not base64\n"
    );
}

#[test]
fn steam_codes_match_pyotp() {
    let data = data("steam.json");
    for v in data["vectors"].as_array().unwrap().iter().step_by(4) {
        let secret = data_encoding::BASE32_NOPAD.encode(
            &data_encoding::HEXLOWER
                .decode(v["secret_hex"].as_str().unwrap().as_bytes())
                .unwrap(),
        );
        let time = v["time"].to_string();
        let code = v["code"].as_str().unwrap();
        let args = [
            "--steam",
            "--allow-short-secret",
            "--secret",
            &secret,
            "--time",
            &time,
        ];
        let generated = stdout(&otpcore(&[&["generate"][..], &args].concat(), ""));
        assert_eq!(generated, format!("{code}\n"));
        let lower = code.to_ascii_lowercase();
        let verify = [&["verify"][..], &args, &["--code", &lower]].concat();
        assert_eq!(
            stdout(&otpcore(&verify, "")),
            format!("step={} offset=0\n", v["step"])
        );
    }
    let bad = [
        "verify",
        "--steam",
        "--secret",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "--code",
        "22222",
        "--time",
        "59",
    ];
    let out = otpcore(&bad, "");
    assert_eq!(
        (out.status.code(), stdout_lossy(&out)),
        (Some(1), "rejected\n".into())
    );
    let conflict = [
        "generate",
        "--steam",
        "--digits",
        "8",
        "--secret",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ];
    assert_eq!(otpcore(&conflict, "").status.code(), Some(2));
}

fn stdout_lossy(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
