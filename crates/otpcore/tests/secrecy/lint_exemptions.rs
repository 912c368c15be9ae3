//! Backs SECURITY.md "No panics on input": the exact list of places in the shipped
//! library that exempt themselves from the panic-freedom lints or from
//! `deny(unsafe_code)`. Adding an exemption fails this test until the list here and
//! SECURITY.md are updated together.

use std::fs;
use std::path::{Path, PathBuf};

/// The lints each shipped crate root denies so that no input can panic, and `unsafe_code`.
const GUARDED: [&str; 6] = [
    "clippy::unwrap_used",
    "clippy::expect_used",
    "clippy::indexing_slicing",
    "clippy::panic",
    "clippy::arithmetic_side_effects",
    "unsafe_code",
];

/// `(file, lint)` for every exemption outside `#[cfg(test)]` code, as SECURITY.md lists them.
const EXPECTED: &[(&str, &str)] = &[
    ("accel/avx2.rs", "clippy::indexing_slicing"),
    ("accel/avx2x64.rs", "clippy::indexing_slicing"),
    ("accel/avx512.rs", "clippy::indexing_slicing"),
    ("accel/avx512x64.rs", "clippy::indexing_slicing"),
    ("accel/backend.rs", "unsafe_code"),
    ("accel/lanes.rs", "clippy::arithmetic_side_effects"),
    ("accel/shani.rs", "clippy::indexing_slicing"),
    ("accel/shani256.rs", "clippy::arithmetic_side_effects"),
    ("accel/shani256.rs", "clippy::indexing_slicing"),
    ("accel/vec.rs", "unsafe_code"),
    ("ffi/jni/env.rs", "unsafe_code"),
    ("ffi/jni/exports.rs", "unsafe_code"),
    ("ffi/jni/register.rs", "unsafe_code"),
    ("ffi/wipe.rs", "unsafe_code"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The shipped sources: `(directory, label)` for each crate that goes into a
/// program that verifies codes — the core (no label, so its paths read as
/// before), the guard and its stores, the CLI and the FFI crate. The test-support
/// crate (`otpcore-testkit`: its spy allocator is `unsafe`) is not among them.
const SHIPPED: [(&str, &str); 6] = [
    ("crates/otpcore/src", ""),
    ("crates/otpcore-guard/src", "guard/"),
    ("crates/otpcore-redis/src", "redis/"),
    ("crates/otpcore-postgres/src", "postgres/"),
    ("crates/otpcore-cli/src", "cli/"),
    ("bindings/otpcore-ffi/src", "ffi/"),
];

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every shipped `.rs` file with its label-prefixed path.
fn shipped_files() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for (dir, label) in SHIPPED {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        for path in files {
            let rel = path.strip_prefix(root().join(dir)).unwrap();
            let rel = format!("{label}{}", rel.to_string_lossy());
            out.push((path, rel));
        }
    }
    out
}

/// Exemptions in the shipped sources ([`SHIPPED`]), skipping unit-test files and
/// attributes that follow a `#[cfg(test)]`.
fn exemptions() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, rel) in shipped_files() {
        if rel.ends_with("tests.rs") || rel.contains("/tests/") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let mut after_cfg_test = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[cfg(test)]") {
                after_cfg_test = true;
                continue;
            }
            let is_allow = line.starts_with("#[allow(") || line.starts_with("#![allow(");
            if is_allow && !after_cfg_test {
                for lint in GUARDED.iter().filter(|lint| line.contains(*lint)) {
                    found.push((rel.clone(), (*lint).to_owned()));
                }
            }
            if !line.starts_with("//") && !line.starts_with("#[") {
                after_cfg_test = false;
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_library_exempts_exactly_the_listed_places() {
    let expected: Vec<(String, String)> = EXPECTED
        .iter()
        .map(|(f, l)| ((*f).to_owned(), (*l).to_owned()))
        .collect();
    assert_eq!(exemptions(), expected);
}

#[test]
fn unsafe_code_lives_only_in_the_dispatch_point_the_vector_casts_the_ffi_allocator_and_jni() {
    let mut with_unsafe = Vec::new();
    for (path, rel) in shipped_files() {
        let text = fs::read_to_string(&path).unwrap();
        let uses_unsafe = text.lines().any(|l| {
            let code = l.split("//").next().unwrap_or("");
            code.contains("unsafe {") || code.contains("unsafe fn") || code.contains("unsafe impl")
        });
        // Unit-test files (`*tests.rs`) are not shipped code.
        if uses_unsafe && !rel.ends_with("tests.rs") {
            with_unsafe.push(rel);
        }
    }
    with_unsafe.sort();
    assert_eq!(
        with_unsafe,
        [
            "accel/backend.rs",
            "accel/vec.rs",
            "ffi/jni/env.rs",
            "ffi/jni/exports.rs",
            "ffi/jni/register.rs",
            "ffi/wipe.rs"
        ]
    );
}

/// The checker sees an exemption when there is one (so the test above can fail).
#[test]
fn the_checker_finds_an_exemption_it_is_shown() {
    let shani = fs::read_to_string(root().join("crates/otpcore/src/accel/shani.rs")).unwrap();
    assert!(shani.contains("#![allow(clippy::indexing_slicing)]"));
    assert!(exemptions().contains(&(
        "accel/shani.rs".to_owned(),
        "clippy::indexing_slicing".to_owned()
    )));
}
