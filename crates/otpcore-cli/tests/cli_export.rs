//! `otpcore uri export-migration` and `otpcore generate --json` of the real
//! binary: export batches import back line for line; bad lines exit 2 with a
//! one-line error naming the line, never the secret; the JSON object has the
//! grouped code and the countdown.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use otpcore::{Digits, KeyUri, Secret, SecretPolicy};
use serde_json::{json, Value};

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

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

/// Seven accounts: TOTP and HOTP, every algorithm, 8 digits, an 80-bit
/// secret, names with `:`, `@`, `&` and non-ASCII letters.
fn accounts() -> Vec<String> {
    let secret = |n: u8, len: usize| {
        Secret::from_bytes_with_policy(&vec![n; len], SecretPolicy::Legacy).unwrap()
    };
    let uris = [
        KeyUri::totp(secret(1, 20), Some("Acme"), "alice@example.com").unwrap(),
        KeyUri::totp(secret(2, 10), Some("GitHub"), "bob").unwrap(), // 80-bit
        KeyUri::hotp(secret(3, 20), Some("Bank"), "carol", 42).unwrap(),
        KeyUri::totp(secret(4, 32), None, "dave")
            .unwrap()
            .with_algorithm("sha256".parse().unwrap()),
        KeyUri::totp(secret(5, 64), Some("Zürich & Co"), "Zürich & Co:eve")
            .unwrap()
            .with_algorithm("sha512".parse().unwrap())
            .with_digits(Digits::EIGHT),
        KeyUri::hotp(secret(6, 16), None, "frank", i64::MAX as u64).unwrap(),
        KeyUri::totp(secret(7, 20), Some("x y"), "grace+2fa@example.com").unwrap(),
    ];
    uris.iter().map(|u| u.to_uri_string().to_string()).collect()
}

#[test]
fn export_batches_import_back_line_for_line() {
    let input = accounts().join("\n") + "\n\n";
    let out = stdout(&otpcore(
        &["uri", "export-migration", "--batch-size", "3"],
        &input,
    ));
    let batches: Vec<&str> = out.lines().collect();
    assert_eq!(batches.len(), 3);
    let mut imported = Vec::new();
    for batch in &batches {
        assert!(
            batch.starts_with("otpauth-migration://offline?data="),
            "{batch}"
        );
        let lines = stdout(&otpcore(&["uri", "import-migration", "-"], batch));
        imported.extend(lines.lines().map(str::to_owned));
    }
    assert_eq!(imported, accounts());
    // The default is ten per batch: one QR code for seven accounts.
    let out = stdout(&otpcore(&["uri", "export-migration"], &input));
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn bad_lines_exit_2_naming_the_line_never_the_secret() {
    let good = accounts()[0].clone();
    let short = "otpauth://totp/A:b?secret=MFRGGZDFMZTWQ2LK&issuer=A"; // 10 bytes: accepted
    let seven = KeyUri::totp(Secret::from_bytes(&[9; 20]).unwrap(), Some("A"), "c")
        .unwrap()
        .with_digits(Digits::new(7).unwrap())
        .to_uri_string()
        .to_string();
    let no_secret = "otpauth://totp/A:b?issuer=A";
    let bad_secret = "otpauth://totp/A:b?secret=SECRETSECRET1&issuer=A";
    for (input, line, what) in [
        (format!("{good}\n\n{bad_secret}\n"), 3, "secret"),
        (format!("{good}\n{no_secret}\n"), 2, "secret"),
        (format!("{short}\n{seven}\n"), 2, "7 digits"),
        ("not a uri\n".to_owned(), 1, ""),
    ] {
        let o = otpcore(&["uri", "export-migration"], &input);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(o.stdout.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("otpcore: error: line {line}: ")),
            "{err}"
        );
        assert!(err.contains(what), "{err}");
        for secret in ["SECRETSECRET1", "MFRGGZDFMZTWQ2LK", &accounts()[0][40..60]] {
            assert!(!err.contains(secret), "{err}");
        }
    }
    let o = otpcore(&["uri", "export-migration", "--batch-size", "0"], &good);
    assert_eq!(o.status.code(), Some(2));
    // No input, no batches.
    assert_eq!(stdout(&otpcore(&["uri", "export-migration"], "")), "");
}

fn generate_json(args: &[&str]) -> Value {
    let mut all = vec!["generate", "--json", "--secret", SECRET];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout(&otpcore(&all, ""))).unwrap()
}

#[test]
fn generate_json_has_the_grouped_code_and_the_countdown() {
    // RFC 6238 Appendix B: 94287082 at T = 59 s, the last second of step 1.
    assert_eq!(
        generate_json(&["--time", "59", "--digits", "8"]),
        json!({"code": "94287082", "grouped": "9428 7082", "step": 1,
               "valid_from": 30, "valid_until": 60, "remaining": 1})
    );
    assert_eq!(
        generate_json(&["--time", "1111111109"]),
        json!({"code": "081804", "grouped": "081 804", "step": 37_037_036,
               "valid_from": 1_111_111_080_u64, "valid_until": 1_111_111_110_u64, "remaining": 1})
    );
    let seven = generate_json(&[
        "--time",
        "1234567890",
        "--digits",
        "7",
        "--period",
        "60",
        "--t0",
        "30",
    ]);
    assert_eq!(seven["grouped"].as_str().unwrap().len(), 8);
    assert_eq!(
        (seven["step"].clone(), seven["remaining"].clone()),
        (json!(20_576_131), json!(60))
    );
    // HOTP: the counter is the step; a code has no time.
    assert_eq!(
        generate_json(&["--counter", "9"]),
        json!({"code": "520489", "grouped": "520 489", "step": 9,
               "valid_from": null, "valid_until": null, "remaining": null})
    );
    // Steam: five characters, not grouped.
    let steam = generate_json(&["--steam", "--time", "1700000001"]);
    assert_eq!(steam["code"], steam["grouped"]);
    assert_eq!(steam["code"].as_str().unwrap().len(), 5);
    assert_eq!(steam["remaining"], json!(9));
    // Without --json, the code alone, as before.
    assert_eq!(
        stdout(&otpcore(
            &["generate", "--secret", SECRET, "--time", "59"],
            ""
        )),
        "287082\n"
    );
}
