//! Google Authenticator export: batches as the app makes them, every account
//! imports back as itself (property test over TOTP, HOTP, every algorithm,
//! both digit counts, 80-bit secrets and awkward names), accounts the format
//! cannot carry are refused by index, and each batch's QR code decodes (rqrr)
//! to its URI. Python's protobuf decodes the same exports in
//! crates/otpcore-cli/tests/interop/test_enroll.py.
#![cfg(feature = "migration")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use otpcore::{
    Algorithm, Digits, ExportError, KeyUri, Migration, Period, Secret, SecretPolicy, Unexportable,
};
use proptest::prelude::*;

fn account(secret: &[u8], issuer: Option<&str>, name: &str, hotp: Option<u64>) -> KeyUri {
    let secret = Secret::from_bytes_with_policy(secret, SecretPolicy::Legacy).unwrap();
    match hotp {
        Some(counter) => KeyUri::hotp(secret, issuer, name, counter),
        None => KeyUri::totp(secret, issuer, name),
    }
    .unwrap()
}

fn import_all(batches: &[Migration]) -> Vec<KeyUri> {
    batches
        .iter()
        .flat_map(|b| {
            Migration::parse(&b.to_uri_string())
                .unwrap()
                .into_accounts()
        })
        .collect()
}

#[test]
fn batches_like_the_app() {
    let accounts: Vec<KeyUri> = (0..23u8)
        .map(|i| account(&[i; 20], Some("Acme"), &format!("user{i}"), None))
        .collect();
    let batches =
        Migration::export_with_batch_id(&accounts, Migration::DEFAULT_BATCH_SIZE, -7).unwrap();
    assert_eq!(batches.len(), 3);
    for (i, b) in batches.iter().enumerate() {
        let back = Migration::parse(&b.to_uri_string()).unwrap();
        assert_eq!(&back, b);
        assert_eq!(
            (
                back.version(),
                back.batch_size(),
                back.batch_index(),
                back.batch_id()
            ),
            (1, 3, i32::try_from(i).unwrap(), -7)
        );
    }
    assert_eq!(
        batches
            .iter()
            .map(|b| b.accounts().len())
            .collect::<Vec<_>>(),
        [10, 10, 3]
    );
    assert_eq!(import_all(&batches), accounts);
    // A random batch id, shared by the batches of one export.
    let batches = Migration::export(&accounts, 4).unwrap();
    assert_eq!(batches.len(), 6);
    assert!(batches
        .iter()
        .all(|b| b.batch_id() == batches[0].batch_id()));
    assert!(Migration::export(&[], 10).unwrap().is_empty());
    assert_eq!(
        Migration::export(&accounts, 0),
        Err(ExportError::ZeroBatchSize)
    );
}

#[test]
fn writes_what_google_authenticator_writes() {
    // The first public sample of testdata/migration.json, made by the app: one
    // TOTP account "pi@raspberrypi", issuer "raspberrypi", batch id -1320898453.
    let sample =
        "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBp\
                  GgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B";
    let imported = Migration::parse(sample).unwrap();
    let again =
        Migration::export_with_batch_id(imported.accounts(), 10, imported.batch_id()).unwrap();
    // Our encoding is padded base64 ("…%3D" where the app omits it here);
    // the bytes are the app's.
    let ours = again[0].to_uri_string();
    assert_eq!(ours.trim_end_matches("%3D"), sample);
}

#[test]
fn refuses_what_the_format_cannot_carry() {
    let ok = account(&[1; 20], None, "a", None);
    let seven = account(&[1; 20], None, "b", None).with_digits(Digits::new(7).unwrap());
    let period = account(&[1; 20], None, "c", None).with_period(Period::new(60).unwrap());
    let counter = account(&[1; 20], None, "d", Some(u64::MAX));
    let steam = KeyUri::steam(Secret::from_bytes(&[1; 20]).unwrap(), None, "s").unwrap();
    for (bad, reason) in [
        (steam, Unexportable::Steam),
        (seven, Unexportable::Digits(Digits::new(7).unwrap())),
        (period, Unexportable::Period(Period::new(60).unwrap())),
        (counter, Unexportable::Counter),
    ] {
        let err = Migration::export(&[ok.clone(), bad], 10).unwrap_err();
        assert_eq!(err, ExportError::Account { index: 1, reason });
        // The message names the account by position, never by name or secret.
        let text = err.to_string();
        assert!(text.starts_with("account #1: "), "{text}");
    }
    let max = account(&[1; 20], None, "e", Some(i64::MAX as u64));
    assert_eq!(
        import_all(&Migration::export(std::slice::from_ref(&max), 1).unwrap()),
        [max]
    );
}

#[cfg(feature = "qr")]
#[test]
fn each_batch_has_a_qr_code_that_decodes_to_its_uri() {
    let accounts: Vec<KeyUri> = (0..12u8)
        .map(|i| {
            account(
                &[i; 20],
                Some("Zürich & Co"),
                &format!("user{i}@example.com"),
                None,
            )
        })
        .collect();
    for batch in Migration::export(&accounts, Migration::DEFAULT_BATCH_SIZE).unwrap() {
        let qr = batch.to_qr().unwrap();
        let png = qr.to_png(4).unwrap();
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png[..]));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, batch.to_uri_string().as_str());
    }
}

fn any_account() -> impl Strategy<Value = KeyUri> {
    let secret = prop_oneof![
        proptest::collection::vec(any::<u8>(), 10..=10), // 80-bit, as GitHub and Microsoft issue
        proptest::collection::vec(any::<u8>(), 16..=64),
    ];
    let name = "[a-zA-Z0-9 @.:+&%é-]{1,24}";
    let issuer = proptest::option::of("[a-zA-Z0-9 @.+&%é-]{0,12}");
    let algorithm = prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ];
    let digits = prop_oneof![Just(Digits::SIX), Just(Digits::EIGHT)];
    let counter = proptest::option::of(prop_oneof![Just(0u64), any::<u64>().prop_map(|c| c >> 1)]);
    (secret, name, issuer, algorithm, digits, counter).prop_filter_map(
        "a name KeyUri accepts",
        |(secret, name, issuer, algorithm, digits, counter)| {
            let secret = Secret::from_bytes_with_policy(&secret, SecretPolicy::Legacy).ok()?;
            let uri = match counter {
                Some(c) => KeyUri::hotp(secret, issuer.as_deref(), &name, c),
                None => KeyUri::totp(secret, issuer.as_deref(), &name),
            };
            Some(uri.ok()?.with_algorithm(algorithm).with_digits(digits))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// import(export(x)) == x, in order, for any batch size.
    #[test]
    fn import_of_export_is_identity(
        accounts in proptest::collection::vec(any_account(), 0..25),
        batch_size in 1usize..12,
    ) {
        let batches = Migration::export(&accounts, batch_size).unwrap();
        prop_assert_eq!(batches.len(), accounts.len().div_ceil(batch_size));
        for (i, b) in batches.iter().enumerate() {
            let back = Migration::parse(&b.to_uri_string()).unwrap();
            prop_assert_eq!(&back, b);
            prop_assert_eq!(back.batch_index(), i32::try_from(i).unwrap());
        }
        prop_assert_eq!(import_all(&batches), accounts);
    }
}
