//! Secrets are wiped before their memory goes back to the allocator: this
//! binary runs the library under the spy allocator of `otpcore_testkit::spy`
//! (its module docs describe the technique and its limits).

#[cfg(all(feature = "qr", feature = "migration"))]
mod enroll;

use otpcore::{Hotp, HotpConfig, KeyUri, Secret, SecretPolicy, Totp, TotpConfig, Window};
use otpcore_testkit::spy::{serial, unwiped_blocks, unwiped_blocks_with, Spy, B32, RAW};
use zeroize::Zeroizing;

#[global_allocator]
static GLOBAL: Spy = Spy;

fn text(s: String) -> Zeroizing<String> {
    Zeroizing::new(s)
}

#[test]
fn the_markers_are_right() {
    let _serial = serial();
    let s = Secret::from_bytes(&RAW).unwrap();
    assert_eq!(s.expose_base32().as_bytes(), B32);
}

/// The control: without it, a spy that never fires would pass every test.
#[test]
fn the_spy_sees_an_unwiped_buffer() {
    let _serial = serial();
    assert_eq!(unwiped_blocks(|| drop(RAW.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(B32.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(Zeroizing::new(RAW.to_vec()))), 0);
    let marker = b"a marker of the test's own";
    assert_eq!(unwiped_blocks_with(marker, || drop(marker.to_vec())), 1);
    assert_eq!(unwiped_blocks(|| drop(marker.to_vec())), 0);
}

#[test]
fn secret_is_wiped_on_drop() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        let copy = s.clone();
        drop(s);
        drop(copy);
    });
    assert_eq!(hits, 0);
}

#[test]
fn base32_parsing_leaves_no_copy() {
    let _serial = serial();
    // The inputs are made before the spy is armed: building them is the test's
    // business, and `format!` may reallocate.
    let b32 = text(String::from_utf8(B32.to_vec()).unwrap());
    let lower = text(b32.to_lowercase());
    let padded = text(format!("{}====", b32.as_str()));
    let spaced = text(format!("{} {}-{}", &b32[..8], &b32[8..16], &b32[16..]));
    let hits = unwiped_blocks(|| {
        for input in [&b32, &lower, &padded, &spaced] {
            let s = Secret::from_base32_with_policy(input, SecretPolicy::Strict).unwrap();
            assert_eq!(s.expose_bytes(), RAW);
        }
        drop(Secret::from_bytes(&RAW).unwrap().expose_base32());
    });
    assert_eq!(hits, 0);
}

#[test]
fn generators_and_verifiers_leave_no_copy() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        let totp = Totp::new(&s, TotpConfig::default());
        let code = totp.generate_at(1_700_000_000).unwrap().to_string();
        totp.verify_at(&code, 1_700_000_000, Window::default(), None)
            .unwrap();
        let hotp = Hotp::new(&s, HotpConfig::default());
        let code = hotp.generate(7).to_string();
        hotp.verify(&code, 7, Window::look_ahead(3), None).unwrap();
        drop((s, totp, hotp));
    });
    assert_eq!(hits, 0);
}

#[test]
fn uri_building_leaves_no_copy() {
    let _serial = serial();
    let hits = unwiped_blocks(|| {
        let s = Secret::from_bytes(&RAW).unwrap();
        // Long names: the URI outgrows any small first allocation.
        let issuer = "An Issuer With A Rather Long Name, Inc. & Partners";
        let account = "someone.with.a.long.address@subdomain.example.com";
        let uri = KeyUri::totp(s, Some(issuer), account).unwrap();
        drop(uri.to_uri_string());
        drop(uri);
    });
    assert_eq!(hits, 0);
}

#[test]
fn uri_parsing_leaves_no_copy() {
    let _serial = serial();
    let b32 = std::str::from_utf8(B32).unwrap();
    let spaced = format!("{}%20{}+{}", &b32[..8], &b32[8..16], &b32[16..]);
    for secret in [
        b32.to_string(),
        b32.to_lowercase(),
        format!("{b32}%3D%3D"),
        spaced,
    ] {
        let uri = text(format!(
            "otpauth://totp/Acme:alice?secret={secret}&issuer=Acme"
        ));
        drop(Zeroizing::new(secret));
        let hits = unwiped_blocks(|| {
            let parsed = KeyUri::parse(&uri).unwrap();
            assert_eq!(parsed.secret().expose_bytes(), RAW);
            drop(parsed);
        });
        assert_eq!(hits, 0, "{}", uri.replace(b32, "<secret>"));
    }
}
