//! Shared helpers for the integration tests: the vector files in `testdata/`.

use otpcore::{Algorithm, Secret};
use serde_json::Value;

/// Parses `testdata/<name>` (at the repository root).
pub fn load(name: &str) -> Value {
    let path = format!("{}/../../testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

pub fn u64_of(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

pub fn algorithm_of(v: &Value) -> Algorithm {
    str_of(v, "algorithm").parse().unwrap()
}

/// The vector's secret, read from its base32 form and checked against the ASCII form.
pub fn secret_of(v: &Value) -> Secret {
    let secret = Secret::from_base32(str_of(v, "secret_base32")).unwrap();
    assert_eq!(secret.expose_bytes(), str_of(v, "secret_ascii").as_bytes());
    secret
}
