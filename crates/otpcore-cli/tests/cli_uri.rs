//! `--uri` on generate and verify, and `uri parse` of real-world URIs (issue 15):
//! the interface, the agreement rule for flags given with a URI, and redaction.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
const MICROSOFT: &str =
    "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft";

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

/// Exit 2 with a one-line error that holds neither the secret nor the URI.
fn assert_refused(o: &Output, message: &str, secrets: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err, format!("otpcore: error: {message}\n"));
    assert!(stdout(o).is_empty());
    for s in secrets {
        assert!(!err.contains(s), "{err}");
    }
}

#[test]
fn uri_parse_of_the_microsoft_365_uri() {
    // Issue 15's example: refused without the opt-in, parsed with it.
    let o = run(&["uri", "parse", MICROSOFT]);
    assert_refused(
        &o,
        "URI secret: secret is 10 bytes; at least 16 are required",
        &["abcdefghijklmnop", "ABCDEFGHIJKLMNOP"],
    );
    let o = run(&["uri", "parse", "--allow-short-secret", MICROSOFT]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "type": "totp", "issuer": "Microsoft", "label_issuer": "Some Company",
            "account": "me@somecompany.net", "algorithm": "SHA1", "digits": 6,
            "period": 30, "counter": null, "image": null,
        })
    );
    assert!(!stdout(&o).to_lowercase().contains("abcdefghijklmnop"));
}

#[test]
fn uri_parse_prints_image_and_steam_encoder() {
    let image =
        format!("otpauth://totp/Acme:bob?secret={SECRET}&image=https%3A%2F%2Fexample.com%2Fa.png");
    let o = run(&["uri", "parse", &image]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["image"], "https://example.com/a.png");
    assert!(json.get("encoder").is_none());
    for steam in [
        format!("otpauth://totp/Steam:alice?secret={SECRET}&encoder=steam&digits=5&issuer=Steam"),
        format!("otpauth://steam/Steam:alice?secret={SECRET}&issuer=Steam"),
        format!("steam://{SECRET}"),
    ] {
        let o = run(&["uri", "parse", &steam]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(
            (
                &json["type"],
                &json["encoder"],
                &json["digits"],
                &json["period"]
            ),
            (&"totp".into(), &"steam".into(), &5.into(), &30.into()),
            "{steam}"
        );
        assert!(!stdout(&o).contains(SECRET));
    }
}

#[test]
fn generate_and_verify_with_uri_match_the_flags() {
    let totp = format!("otpauth://totp/Acme:bob?secret={SECRET}&digits=8");
    let o = run(&["generate", "--uri", &totp, "--time", "59"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "94287082\n")
    );
    let o = run(&[
        "verify",
        "--uri",
        &totp,
        "--code",
        "9428 7082",
        "--time",
        "89",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "step=1 offset=-1\n")
    );
    let o = run(&[
        "verify",
        "--uri",
        &totp,
        "--code",
        "94287082",
        "--time",
        "59",
        "--last-used",
        "1",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(1), "rejected\n")
    );
    // HOTP: the URI's counter by default, --counter to pick another.
    let hotp = format!("otpauth://hotp/Acme:bob?secret={SECRET}&counter=9");
    let o = run(&["generate", "--uri", &hotp]);
    assert_eq!(stdout(&o), "520489\n");
    let o = run(&["generate", "--uri", &hotp, "--counter", "0"]);
    assert_eq!(stdout(&o), "755224\n");
    let o = run(&[
        "verify", "--uri", &hotp, "--code", "520489", "--behind", "0", "--ahead", "0",
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "step=9 offset=0\n")
    );
    // Flags that agree with the URI are fine.
    let o = run(&[
        "generate",
        "--uri",
        &totp,
        "--time",
        "59",
        "--digits",
        "8",
        "--algorithm",
        "SHA1",
        "--period",
        "30",
        "--t0",
        "0",
    ]);
    assert_eq!(stdout(&o), "94287082\n");
}

#[test]
fn generate_with_a_steam_uri_prints_the_steam_code() {
    // testdata/steam.json: the RFC seed at 59 s is PV9M4 (pyotp's contrib.Steam).
    for uri in [
        format!("otpauth://steam/Steam:alice?secret={SECRET}&issuer=Steam"),
        format!("otpauth://totp/Steam:alice?secret={SECRET}&encoder=steam&issuer=Steam"),
        format!("steam://{SECRET}"),
    ] {
        let o = run(&["generate", "--uri", &uri, "--time", "59"]);
        assert_eq!(
            (o.status.code(), stdout(&o).as_str()),
            (Some(0), "PV9M4\n"),
            "{uri}"
        );
        let o = run(&["verify", "--uri", &uri, "--code", "pv9m4", "--time", "89"]);
        assert_eq!(stdout(&o), "step=1 offset=-1\n", "{uri}");
        let o = run(&["generate", "--uri", &uri, "--time", "59", "--steam"]);
        assert_eq!(stdout(&o), "PV9M4\n", "{uri}");
    }
}

#[test]
fn generate_with_an_80_bit_uri_needs_the_opt_in() {
    let o = run(&["generate", "--uri", MICROSOFT, "--time", "1234567890"]);
    assert_refused(
        &o,
        "URI secret: secret is 10 bytes; at least 16 are required",
        &["abcdefghijklmnop"],
    );
    let o = run(&[
        "generate",
        "--uri",
        MICROSOFT,
        "--time",
        "1234567890",
        "--allow-short-secret",
    ]);
    // testdata/uri-corpus.json, case microsoft-365-tenant-label (Python's hmac).
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "401870\n")
    );
}

#[test]
fn flags_that_contradict_the_uri_are_refused() {
    let totp = format!("otpauth://totp/Acme:bob?secret={SECRET}&digits=8&period=60");
    let hotp = format!("otpauth://hotp/Acme:bob?secret={SECRET}&counter=3");
    let steam = format!("steam://{SECRET}");
    let cases: [(&str, Vec<&str>, &str); 10] = [
        ("--digits", vec!["--digits", "6"], &totp),
        ("--period", vec!["--period", "30"], &totp),
        ("--algorithm", vec!["--algorithm", "sha256"], &totp),
        ("--t0", vec!["--t0", "5"], &totp),
        ("--counter", vec!["--counter", "1"], &totp),
        ("--steam", vec!["--steam"], &totp),
        ("--time", vec!["--time", "59"], &hotp),
        ("--period", vec!["--period", "30"], &hotp),
        ("--digits", vec!["--digits", "6"], &steam),
        ("--counter", vec!["--counter", "1"], &steam),
    ];
    for (flag, extra, uri) in cases {
        for command in [vec!["generate"], vec!["verify", "--code", "123456"]] {
            let mut args = command.clone();
            args.extend(["--uri", uri]);
            args.extend(&extra);
            let o = run(&args);
            assert_refused(&o, &format!("{flag} contradicts the URI"), &[SECRET]);
        }
    }
    // --secret and --uri together, or neither.
    let o = run(&["generate", "--uri", &totp, "--secret", SECRET]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("otpcore: error: conflicting arguments"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains(SECRET));
    let o = run(&["generate"]);
    assert_refused(
        &o,
        "missing required argument (<--secret <B32>|--uri <URI>>)",
        &[],
    );
}

#[test]
fn bad_uris_exit_2_without_echoing_them() {
    for (uri, message) in [
        (
            format!("otpauth://totp/:a:b?secret={SECRET}"),
            "issuer (or account without issuer) contains ':'",
        ),
        (
            format!("otpauth://steam/a?secret={SECRET}&digits=6"),
            "Steam URI parameters must be SHA1, 5 digits, 30 s, time-based",
        ),
        (
            format!("otpauth://totp/a?secret={SECRET}&encoder=x"),
            "URI encoder must be steam",
        ),
        (
            format!("otpauth://topt/a?secret={SECRET}"),
            "URI type must be totp, hotp or steam",
        ),
        (
            format!("steam://{SECRET}!"),
            "URI secret: secret is not valid base32",
        ),
    ] {
        for args in [
            vec!["uri", "parse", uri.as_str()],
            vec!["generate", "--uri", uri.as_str()],
            vec!["verify", "--uri", uri.as_str(), "--code", "123456"],
        ] {
            assert_refused(&run(&args), message, &[SECRET, "otpauth", "steam://"]);
        }
    }
}

#[test]
fn uri_from_stdin_keeps_it_out_of_argv() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_otpcore"))
        .args(["generate", "--uri", "-", "--time", "59"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let line = format!("otpauth://totp/Acme:bob?secret={SECRET}&digits=8\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(line.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), "94287082\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_otpcore"))
        .args(["uri", "parse", "--allow-short-secret", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MICROSOFT.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        stdout(&o).contains("\"label_issuer\":\"Some Company\""),
        "{}",
        stdout(&o)
    );
}
