//! The `otpcore` binary: its exact interface, exit codes and redaction.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_otpcore"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn generate_totp_and_hotp() {
    let o = run(&[
        "generate", "--secret", SECRET, "--time", "59", "--digits", "8",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "94287082\n")
    );
    let o = run(&["generate", "--secret", SECRET, "--counter", "9"]);
    assert_eq!(stdout(&o), "520489\n");
    let sha256 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    let o = run(&[
        "generate",
        "--secret",
        sha256,
        "--algorithm",
        "sha256",
        "--digits",
        "8",
        "--time",
        "1111111109",
    ]);
    assert_eq!(stdout(&o), "68084774\n");
    // Default: TOTP now, six digits.
    let o = run(&["generate", "--secret", SECRET]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim().len(), 6);
}

#[test]
fn verify_prints_step_and_offset_or_rejected() {
    let o = run(&[
        "verify", "--secret", SECRET, "--code", "287 082", "--time", "89",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "step=1 offset=-1\n")
    );
    let o = run(&[
        "verify",
        "--secret",
        SECRET,
        "--code",
        "287082",
        "--time",
        "89",
        "--last-used",
        "1",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(1), "rejected\n")
    );
    let o = run(&[
        "verify", "--secret", SECRET, "--code", "287082", "--time", "89", "--behind", "0",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(1), "rejected\n")
    );
    let o = run(&[
        "verify",
        "--secret",
        SECRET,
        "--code",
        "399871",
        "--counter",
        "5",
        "--ahead",
        "3",
    ]);
    assert_eq!(stdout(&o), "step=8 offset=3\n");
}

#[test]
fn uri_build_and_parse() {
    let o = run(&[
        "uri",
        "build",
        "--secret",
        SECRET,
        "--issuer",
        "ACME Co",
        "--account",
        "a@b.c",
        "--digits",
        "8",
    ]);
    let uri = stdout(&o);
    assert_eq!(
        uri,
        format!("otpauth://totp/ACME%20Co:a%40b.c?secret={SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=8&period=30\n")
    );
    let o = run(&["uri", "parse", uri.trim()]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"type": "totp", "issuer": "ACME Co", "account": "a@b.c",
            "algorithm": "SHA1", "digits": 8, "period": 30, "counter": null,
            "label_issuer": null, "image": null})
    );
    assert!(!stdout(&o).contains(SECRET));
    let o = run(&[
        "uri",
        "build",
        "--secret",
        SECRET,
        "--issuer",
        "I",
        "--account",
        "A",
        "--counter",
        "7",
    ]);
    let o = run(&["uri", "parse", stdout(&o).trim()]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (json["type"].as_str(), json["counter"].as_u64()),
        (Some("hotp"), Some(7))
    );
}

#[test]
fn secret_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otpcore"))
        .args(["generate", "--secret", "-", "--counter", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{SECRET}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), "755224\n");
}

#[test]
fn bad_input_exits_2_with_one_line_and_no_secret() {
    let short = "JBSWY3DPEHPK3PXP";
    let cases: Vec<Vec<&str>> = vec![
        vec!["generate", "--secret", short],
        vec!["generate", "--secret", "NOT-BASE32!"],
        vec!["generate", "--secret", SECRET, "--digits", "5"],
        vec!["generate", "--secret", SECRET, "--digits", SECRET],
        vec!["generate", "--secret", SECRET, "--period", "0"],
        vec!["generate", "--secret", SECRET, "--algorithm", "md5"],
        vec![
            "generate", "--secret", SECRET, "--t0", "100", "--time", "99",
        ],
        vec![
            "generate",
            "--secret",
            SECRET,
            "--time",
            "1",
            "--counter",
            "1",
        ],
        vec!["generate", SECRET],
        vec!["verify", "--secret", SECRET, "--code", "12345"],
        vec!["verify", "--secret", SECRET, "--code", "12345x"],
        vec![
            "verify",
            "--secret",
            SECRET,
            "--code",
            "123456",
            "--behind",
            "18446744073709551615",
        ],
        vec![
            "verify", "--secret", SECRET, "--code", "123456", "--ahead", "-1",
        ],
        vec![
            "uri",
            "parse",
            "otpauth://totp/x?period=0&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ],
        vec![
            "uri",
            "parse",
            "otpauth://totp/:a:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ],
        vec!["uri", "parse", "http://GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"],
        vec![
            "uri",
            "build",
            "--secret",
            SECRET,
            "--issuer",
            "A:B",
            "--account",
            "x",
        ],
        vec!["frobnicate", "--secret", SECRET],
    ];
    for args in cases {
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("otpcore: error: "), "{args:?}: {err}");
        for leaked in [SECRET, short, &SECRET[..10], "GEZDGNBV"] {
            assert!(!err.contains(leaked), "{args:?} leaks: {err}");
        }
    }
    // Allowed with the explicit opt-in.
    let o = run(&[
        "generate",
        "--secret",
        short,
        "--allow-short-secret",
        "--counter",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0));
}
